package dev.berth.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small builders shared by the scheduler tests. */
final class Fixtures {

    private Fixtures() {}

    static ContainerInstance instance(String id, String az, String type, int cpu, int memory) {
        return ContainerInstance.builder(arn(id))
                .ec2InstanceId("i-" + id)
                .attributes(Map.of("ecs.availability-zone", az, "ecs.instance-type", type))
                .resources(cpu, memory)
                .build();
    }

    static String arn(String id) {
        return "arn:aws:ecs:us-east-1:000000000000:container-instance/test/" + id;
    }

    static ClusterSnapshot cluster(ContainerInstance... instances) {
        return new ClusterSnapshot(List.of(instances));
    }

    static PlacementRequest request(
            TaskRequirements task, int count, List<PlacementConstraint> constraints, PlacementStrategy... strategies) {
        return new PlacementRequest(task, "family:web", constraints, List.of(strategies), count);
    }

    static SplittableRandom seed(long seed) {
        return new SplittableRandom(seed);
    }

    /** How many placements landed on each instance ARN. */
    static Map<String, Integer> histogram(List<String> placements) {
        Map<String, Integer> h = new HashMap<>();
        placements.forEach(p -> h.merge(p, 1, Integer::sum));
        return h;
    }

    /** A cluster of n instances over the given zones and types, with a custom "rack" attribute. */
    static ClusterSnapshot grid(int n, String[] zones, String[] types, int cpu, int memory) {
        List<ContainerInstance> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(ContainerInstance.builder(arn("ci-" + i))
                    .ec2InstanceId("i-" + i)
                    .attributes(Map.of(
                            "ecs.availability-zone",
                            zones[i % zones.length],
                            "ecs.instance-type",
                            types[i % types.length],
                            "rack",
                            "r" + (i % 7)))
                    .resources(cpu, memory)
                    .build());
        }
        return new ClusterSnapshot(list);
    }
}
