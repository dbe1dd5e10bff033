package dev.berth.ecs.taskdef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cycle detection over a small directed graph of container names.
 *
 * <p>Container start order in a task follows {@code dependsOn}, {@code links} and {@code volumesFrom}: a
 * container starts after the containers it names. A cycle means the task can never start, so
 * RegisterTaskDefinition rejects it and says which containers form the cycle. The graph is at most ten nodes,
 * so a plain depth-first search is all it needs; iteration follows the map's order, so the reported cycle is
 * deterministic for a {@link java.util.LinkedHashMap}.
 */
final class DependencyGraph {

    private enum Mark {
        VISITING,
        DONE
    }

    private DependencyGraph() {}

    /**
     * The first cycle found, as the path that closes it ({@code [a, b, a]}), or empty when the graph is acyclic.
     *
     * @param edges for each node, the nodes it depends on; nodes that are only targets need no key
     */
    static Optional<List<String>> findCycle(Map<String, List<String>> edges) {
        Map<String, Mark> marks = new HashMap<>();
        for (String start : edges.keySet()) {
            List<String> path = new ArrayList<>();
            Optional<List<String>> cycle = visit(start, edges, marks, path);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    /** Formats a cycle path as {@code a -> b -> a}. */
    static String describe(List<String> cycle) {
        return String.join(" -> ", cycle);
    }

    private static Optional<List<String>> visit(
            String node, Map<String, List<String>> edges, Map<String, Mark> marks, List<String> path) {
        Mark mark = marks.get(node);
        if (mark == Mark.DONE) {
            return Optional.empty();
        }
        if (mark == Mark.VISITING) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return Optional.of(cycle);
        }
        marks.put(node, Mark.VISITING);
        path.add(node);
        for (String next : edges.getOrDefault(node, List.of())) {
            Optional<List<String>> cycle = visit(next, edges, marks, path);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        marks.put(node, Mark.DONE);
        return Optional.empty();
    }
}
