package dev.berth.scheduler;

import static dev.berth.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.scheduler.ScaleIn.RunningTaskRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which tasks a service stops first: the placement strategies read backwards. */
class ScaleInTest {

    static List<RunningTaskRef> tasks(String instanceId, int n) {
        List<RunningTaskRef> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(new RunningTaskRef("task-" + instanceId + "-" + k, arn(instanceId), 256, 512));
        }
        return out;
    }

    static Map<String, Integer> perInstance(List<RunningTaskRef> stopped) {
        Map<String, Integer> h = new HashMap<>();
        stopped.forEach(t -> h.merge(
                t.containerInstanceArn().substring(t.containerInstanceArn().lastIndexOf('/') + 1), 1, Integer::sum));
        return h;
    }

    @Test
    void defaultKeepsZonesBalancedThenEmptiesTheFullestInstance() {
        ClusterSnapshot c = cluster(
                instance("a1", "us-east-1a", "t", 4096, 4096),
                instance("a2", "us-east-1a", "t", 4096, 4096),
                instance("b1", "us-east-1b", "t", 4096, 4096));
        List<RunningTaskRef> running = new ArrayList<>();
        running.addAll(tasks("a1", 3));
        running.addAll(tasks("a2", 1));
        running.addAll(tasks("b1", 2));
        // zone a has 4, zone b 2: the first two stops come from zone a, from a1 (3 tasks) first
        List<RunningTaskRef> stop = ScaleIn.select(c, running, List.of(), 2, seed(1));
        assertThat(stop).extracting(RunningTaskRef::taskArn).containsExactly("task-a1-2", "task-a1-1");
        // then zones tie at 2: b1 holds the most tasks; then zone a again, a1 before a2 by position
        List<RunningTaskRef> stop4 = ScaleIn.select(c, running, List.of(), 4, seed(1));
        assertThat(perInstance(stop4)).isEqualTo(Map.of("a1", 3, "b1", 1));
    }

    @Test
    void binpackStopsOnTheLeastPackedInstance() {
        ClusterSnapshot c = cluster(instance("packed", "a", "t", 4096, 100), instance("loose", "a", "t", 4096, 3000));
        List<RunningTaskRef> running = new ArrayList<>(tasks("packed", 2));
        running.addAll(tasks("loose", 2));
        List<RunningTaskRef> stop = ScaleIn.select(
                c, running, List.of(PlacementStrategy.binpack(PlacementStrategy.Resource.MEMORY)), 3, seed(1));
        assertThat(perInstance(stop)).isEqualTo(Map.of("loose", 2, "packed", 1));
    }

    @Test
    void tasksOnDrainingOrUnknownInstancesGoFirst() {
        ClusterSnapshot c = cluster(
                instance("a", "a", "t", 4096, 4096),
                instance("d", "b", "t", 4096, 4096).toBuilder()
                        .status(InstanceStatus.DRAINING)
                        .build());
        List<RunningTaskRef> running = new ArrayList<>(tasks("a", 5));
        running.addAll(tasks("d", 1));
        running.addAll(tasks("gone", 1));
        List<RunningTaskRef> stop = ScaleIn.select(c, running, List.of(), 2, seed(1));
        assertThat(perInstance(stop)).isEqualTo(Map.of("d", 1, "gone", 1));
    }

    @Test
    void randomIsSeededAndNeverStopsMoreThanAsked() {
        ClusterSnapshot c = grid(10, new String[] {"a"}, new String[] {"t"}, 4096, 4096);
        List<RunningTaskRef> running = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            running.addAll(tasks("ci-" + i, 2));
        }
        List<PlacementStrategy> random = List.of(PlacementStrategy.random());
        assertThat(ScaleIn.select(c, running, random, 7, seed(3)))
                .hasSize(7)
                .isEqualTo(ScaleIn.select(c, running, random, 7, seed(3)));
        assertThat(ScaleIn.select(c, running, random, 50, seed(3))).hasSize(20).doesNotHaveDuplicates();
    }
}
