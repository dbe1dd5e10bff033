package dev.berth.scheduler;

import dev.berth.scheduler.PlacementStrategy.Binpack;
import dev.berth.scheduler.PlacementStrategy.RandomPlacement;
import dev.berth.scheduler.PlacementStrategy.Spread;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Chooses which of a service's tasks to stop when it scales in (or when a rolling deployment retires
 * old tasks), mirroring how ECS keeps a service balanced: the placement strategies read backwards.
 *
 * <p>Tasks are chosen one at a time, each from the instance that ranks highest on, in order:
 * <ol>
 *   <li>instance not ACTIVE or no longer in the cluster (those tasks go first);</li>
 *   <li>for each strategy in order: {@code spread(attribute:a)} — most of the candidate tasks on
 *       instances with the same value of a (the fullest availability zone first);
 *       {@code spread(instanceId)} — most candidate tasks on the instance; {@code binpack(r)} — most
 *       remaining r (empty the least packed instance, keep the packed ones packed); {@code random} —
 *       a uniform choice among the instances still tied;</li>
 *   <li>the instance's position in the snapshot.</li>
 * </ol>
 * On the chosen instance the candidate listed last goes (pass candidates oldest first to stop the
 * newest). With no strategy, ECS's service default applies ({@link PlacementStrategy#SERVICE_DEFAULT}),
 * which is the AZ-balancing scale-in ECS documents. Counts and remaining resources are updated after
 * every choice, so a scale-in of several tasks stays balanced throughout.
 */
public final class ScaleIn {

    /** A running task that may be stopped: where it runs and what it frees. */
    public record RunningTaskRef(String taskArn, String containerInstanceArn, int cpu, int memory) {}

    private ScaleIn() {}

    /** The tasks to stop, in the order to stop them; at most {@code count}, at most all candidates. */
    public static List<RunningTaskRef> select(
            ClusterSnapshot snapshot,
            List<RunningTaskRef> candidates,
            List<PlacementStrategy> strategies,
            int count,
            RandomGenerator random) {
        List<PlacementStrategy> chain = strategies.isEmpty() ? PlacementStrategy.SERVICE_DEFAULT : strategies;
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < snapshot.instances().size(); i++) {
            position.put(snapshot.instances().get(i).arn(), i);
        }
        // one host entry per instance that runs candidates, in snapshot order (unknown instances last)
        Map<String, Host> hosts = new LinkedHashMap<>();
        for (RunningTaskRef t : candidates) {
            hosts.computeIfAbsent(t.containerInstanceArn(), arn -> {
                        Integer p = position.get(arn);
                        return new Host(
                                p == null ? null : snapshot.instances().get(p), p == null ? Integer.MAX_VALUE : p);
                    })
                    .tasks
                    .addLast(t);
        }
        List<Host> list = new ArrayList<>(hosts.values());
        list.sort((a, b) -> Integer.compare(a.position, b.position));
        Map<String, Map<String, Integer>> spreadCounts = new HashMap<>();
        for (PlacementStrategy s : chain) {
            if (s instanceof Spread sp && sp.attribute() != null) {
                Map<String, Integer> byValue = new HashMap<>();
                for (Host h : list) {
                    byValue.merge(String.valueOf(h.attribute(sp.attribute())), h.tasks.size(), Integer::sum);
                }
                spreadCounts.put(sp.attribute(), byValue);
            }
        }
        List<RunningTaskRef> out = new ArrayList<>();
        long[] key = new long[chain.size() + 1];
        long[] best = new long[key.length];
        List<Host> tied = new ArrayList<>();
        while (out.size() < count) {
            tied.clear();
            for (Host h : list) {
                if (h.tasks.isEmpty()) {
                    continue;
                }
                boolean reachesRandom = fillKey(h, chain, spreadCounts, key);
                int c = tied.isEmpty() ? 1 : Arrays.compare(key, best);
                if (c > 0) {
                    tied.clear();
                    System.arraycopy(key, 0, best, 0, key.length);
                }
                if (c >= 0 && (reachesRandom || tied.isEmpty())) {
                    tied.add(h);
                }
            }
            if (tied.isEmpty()) {
                break;
            }
            Host h = tied.size() == 1 ? tied.get(0) : tied.get(random.nextInt(tied.size()));
            RunningTaskRef t = h.tasks.removeLast();
            h.freedCpu += t.cpu();
            h.freedMemory += t.memory();
            for (Map.Entry<String, Map<String, Integer>> e : spreadCounts.entrySet()) {
                e.getValue().merge(String.valueOf(h.attribute(e.getKey())), -1, Integer::sum);
            }
            out.add(t);
        }
        return out;
    }

    /** Fills the descending-priority key of a host; returns true if the chain reaches {@code random}. */
    private static boolean fillKey(
            Host h, List<PlacementStrategy> chain, Map<String, Map<String, Integer>> spreadCounts, long[] key) {
        Arrays.fill(key, 0);
        key[0] = h.instance == null || h.instance.status() != InstanceStatus.ACTIVE ? 1 : 0;
        for (int k = 0; k < chain.size(); k++) {
            switch (chain.get(k)) {
                case Spread s
                when s.attribute() != null ->
                    key[k + 1] = spreadCounts.get(s.attribute()).get(String.valueOf(h.attribute(s.attribute())));
                case Spread s -> key[k + 1] = h.tasks.size();
                case Binpack b ->
                    key[k + 1] =
                            b.resource() == PlacementStrategy.Resource.CPU ? h.remainingCpu() : h.remainingMemory();
                case RandomPlacement r -> {
                    return true;
                }
            }
        }
        return false;
    }

    /** An instance running candidates, with what stopping them so far has freed. */
    private static final class Host {
        final ContainerInstance instance;
        final int position;
        final Deque<RunningTaskRef> tasks = new ArrayDeque<>();
        long freedCpu;
        long freedMemory;

        Host(ContainerInstance instance, int position) {
            this.instance = instance;
            this.position = position;
        }

        String attribute(String name) {
            return instance == null ? null : instance.attributes().get(name);
        }

        long remainingCpu() {
            return (instance == null ? 0 : instance.remainingCpu()) + freedCpu;
        }

        long remainingMemory() {
            return (instance == null ? 0 : instance.remainingMemory()) + freedMemory;
        }
    }
}
