package dev.berth.ecs.taskdef;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {

    private static Map<String, List<String>> graph(String... edges) {
        Map<String, List<String>> g = new LinkedHashMap<>();
        for (String edge : edges) {
            String[] parts = edge.split(">");
            g.computeIfAbsent(parts[0], k -> new java.util.ArrayList<>());
            if (parts.length > 1) {
                g.get(parts[0]).add(parts[1]);
            }
        }
        return g;
    }

    @Test
    void acyclicChainAndDiamondHaveNoCycle() {
        assertThat(DependencyGraph.findCycle(graph("a>b", "b>c", "c"))).isEmpty();
        assertThat(DependencyGraph.findCycle(graph("a>b", "a>c", "b>d", "c>d", "d")))
                .isEmpty();
        assertThat(DependencyGraph.findCycle(graph())).isEmpty();
    }

    @Test
    void findsSelfLoop() {
        assertThat(DependencyGraph.findCycle(graph("a>a"))).contains(List.of("a", "a"));
    }

    @Test
    void findsTwoAndThreeNodeCyclesAsClosedPath() {
        assertThat(DependencyGraph.findCycle(graph("a>b", "b>a"))).contains(List.of("a", "b", "a"));
        assertThat(DependencyGraph.findCycle(graph("x>a", "a>b", "b>c", "c>a"))).contains(List.of("a", "b", "c", "a"));
    }

    @Test
    void ignoresTargetsWithoutOwnEntry() {
        assertThat(DependencyGraph.findCycle(graph("a>unknown"))).isEmpty();
    }

    @Test
    void describesCycle() {
        assertThat(DependencyGraph.describe(List.of("a", "b", "a"))).isEqualTo("a -> b -> a");
    }
}
