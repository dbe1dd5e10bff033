package dev.berth.scheduler;

import dev.berth.scheduler.PlacementStrategy.Binpack;
import dev.berth.scheduler.PlacementStrategy.Spread;
import dev.berth.scheduler.TaskRequirements.RequiredAttribute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The slowest correct placer: ECS's rules written as directly as possible over immutable records,
 * recounting everything for every task. Property tests compare the engine's indexes against it.
 * Supports deterministic chains only (no random).
 */
final class ReferencePlacer {

    private final List<ContainerInstance> instances;

    ReferencePlacer(ClusterSnapshot snapshot) {
        this.instances = new ArrayList<>(snapshot.instances());
    }

    ClusterSnapshot snapshot() {
        return new ClusterSnapshot(instances);
    }

    /** Places and commits, returning the chosen instance ARNs. */
    List<String> placeAndCommit(PlacementRequest r) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < r.count(); k++) {
            int best = -1;
            long[] bestKey = null;
            for (int i = 0; i < instances.size(); i++) {
                if (!feasible(instances.get(i), r)) {
                    continue;
                }
                long[] key = key(i, r);
                if (best < 0 || Arrays.compare(key, bestKey) < 0) {
                    best = i;
                    bestKey = key;
                }
            }
            if (best < 0) {
                break;
            }
            ContainerInstance ci = instances.get(best);
            Set<Integer> ports = new HashSet<>(ci.portsInUse());
            ports.addAll(r.task().hostPorts());
            Map<String, Integer> groups = new HashMap<>(ci.taskGroups());
            groups.merge(r.group(), 1, Integer::sum);
            instances.set(
                    best,
                    ci.toBuilder()
                            .remaining(
                                    ci.remainingCpu() - r.task().cpu(),
                                    ci.remainingMemory() - r.task().memory())
                            .portsInUse(ports)
                            .taskGroups(groups)
                            .build());
            out.add(ci.arn());
        }
        return out;
    }

    static boolean feasible(ContainerInstance ci, PlacementRequest r) {
        if (ci.status() != InstanceStatus.ACTIVE || !ci.agentConnected() || !ci.runtimeHealthy()) {
            return false;
        }
        for (RequiredAttribute a : r.task().requiredAttributes()) {
            String v = ci.attributes().get(a.name());
            if (v == null || (a.value() != null && !a.value().equals(v))) {
                return false;
            }
        }
        if (ci.remainingCpu() < r.task().cpu()
                || ci.remainingMemory() < r.task().memory()) {
            return false;
        }
        for (int p : r.task().hostPorts()) {
            if (ci.portsInUse().contains(p)) {
                return false;
            }
        }
        for (PlacementConstraint c : r.constraints()) {
            if (c instanceof PlacementConstraint.DistinctInstance
                    && ci.taskGroups().getOrDefault(r.group(), 0) > 0) {
                return false;
            }
            if (c instanceof PlacementConstraint.MemberOf m && !m.expression().matches(ci)) {
                return false;
            }
        }
        return true;
    }

    private long[] key(int i, PlacementRequest r) {
        ContainerInstance ci = instances.get(i);
        long[] key = new long[r.strategies().size() + 1];
        for (int k = 0; k < r.strategies().size(); k++) {
            key[k] = switch (r.strategies().get(k)) {
                case Spread s
                when s.attribute() != null -> {
                    String v = ci.attributes().get(s.attribute());
                    long n = 0;
                    for (ContainerInstance other : instances) {
                        if (Objects.equals(other.attributes().get(s.attribute()), v)) {
                            n += other.taskGroups().getOrDefault(r.group(), 0);
                        }
                    }
                    yield n;
                }
                case Spread s -> ci.taskGroups().getOrDefault(r.group(), 0);
                case Binpack b ->
                    b.resource() == PlacementStrategy.Resource.CPU ? ci.remainingCpu() : ci.remainingMemory();
                default -> throw new IllegalArgumentException("reference supports deterministic strategies only");
            };
        }
        key[key.length - 1] = i;
        return key;
    }
}
