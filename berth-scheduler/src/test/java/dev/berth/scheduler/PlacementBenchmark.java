package dev.berth.scheduler;

import dev.berth.scheduler.PlacementStrategy.Resource;
import dev.berth.scheduler.ScaleIn.RunningTaskRef;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The placement benchmark behind {@code bench/placement.sh}: a simulated cluster in 3 availability
 * zones with mixed instance types and custom attributes receives a million tasks in RunTask-sized
 * batches of 10, placed with {@code spread(attribute:ecs.availability-zone)} then
 * {@code binpack(memory)} under a {@code memberOf} constraint on instance type, each batch placed
 * and committed on one long-lived {@link ClusterState} as a control plane would. As an in-run peer,
 * the same engine with its indexes switched off (a scan of every instance per placement, what a
 * direct implementation does) places a smaller number of tasks on the same cluster.
 *
 * <p>Usage: {@code PlacementBenchmark [instances,...] [tasks] [scanTasks]}. Not a unit test: it
 * prints a report.
 */
public final class PlacementBenchmark {

    static final String[] ZONES = {"us-east-1a", "us-east-1b", "us-east-1c"};
    /** type, CPU units, memory MiB. */
    static final Object[][] TYPES = {
        {"m5.large", 2048, 7680},
        {"m5.xlarge", 4096, 15360},
        {"c5.2xlarge", 8192, 15360},
        {"r5.large", 2048, 15872},
        {"t3.medium", 2048, 3840}
    };

    static final String CONSTRAINT = "attribute:ecs.instance-type in [m5.large, m5.xlarge, c5.2xlarge, r5.large]";
    static final List<PlacementStrategy> STRATEGIES = List.of(
            PlacementStrategy.spread("attribute:ecs.availability-zone"), PlacementStrategy.binpack(Resource.MEMORY));
    static final int BATCH = 10;
    static final String[] FAMILIES = {"family:web", "family:worker", "family:batch", "family:cron"};

    public static void main(String[] args) {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "1000,10000").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int scanTasks = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        System.out.printf(
                "java %s, %d processors, max heap %d MiB%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        warmUp();
        for (int n : sizes) {
            run(n, tasks, scanTasks);
        }
    }

    static ClusterSnapshot cluster(int n) {
        SplittableRandom r = new SplittableRandom(n);
        List<ContainerInstance> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object[] type = TYPES[r.nextInt(TYPES.length)];
            list.add(ContainerInstance.builder("arn:aws:ecs:us-east-1:000000000000:container-instance/bench/" + i)
                    .ec2InstanceId(String.format("i-%017x", i))
                    .agentVersion("1.70.0")
                    .registeredAt(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i))
                    .resources((int) type[1], (int) type[2])
                    .portsInUse(java.util.Set.of(22, 2375, 2376, 51678, 51679))
                    .attributes(Map.of(
                            "ecs.availability-zone",
                            ZONES[i % 3],
                            "ecs.instance-type",
                            (String) type[0],
                            "ecs.os-type",
                            "linux",
                            "ecs.cpu-architecture",
                            "x86_64",
                            "ecs.ami-id",
                            "ami-0abc" + (i % 4),
                            "stack",
                            i % 5 == 0 ? "staging" : "prod",
                            "rack",
                            "r" + (i % 32),
                            "disk",
                            i % 2 == 0 ? "ssd" : "hdd"))
                    .build());
        }
        return new ClusterSnapshot(list);
    }

    /** A task size that fills about 85% of the eligible memory with {@code tasks} tasks. */
    static TaskRequirements taskFor(ClusterSnapshot c, int tasks) {
        long memory = 0;
        long cpu = 0;
        for (ContainerInstance ci : c.instances()) {
            if (!ci.attributes().get("ecs.instance-type").equals("t3.medium")) {
                memory += ci.remainingMemory();
                cpu += ci.remainingCpu();
            }
        }
        return TaskRequirements.of((int) Math.max(0, cpu / 2 / tasks), (int) Math.max(1, memory * 85 / 100 / tasks));
    }

    static void warmUp() {
        ClusterSnapshot c = cluster(2000);
        TaskRequirements t = taskFor(c, 200_000);
        ClusterState s = ClusterState.of(c);
        for (int b = 0; b < 10_000; b++) {
            s.commit(s.place(
                    new PlacementRequest(
                            t, FAMILIES[b % 4], List.of(PlacementConstraint.memberOf(CONSTRAINT)), STRATEGIES, BATCH),
                    new SplittableRandom(b)));
        }
    }

    static void run(int n, int tasks, int scanTasks) {
        ClusterSnapshot snapshot = cluster(n);
        TaskRequirements task = taskFor(snapshot, tasks);
        List<PlacementConstraint> constraints = List.of(PlacementConstraint.memberOf(CONSTRAINT));
        long t0 = System.nanoTime();
        ClusterState state = ClusterState.of(snapshot);
        long indexNanos = System.nanoTime() - t0;
        int batches = tasks / BATCH;
        long[] batchNanos = new long[batches];
        int placed = 0;
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            long s = System.nanoTime();
            PlacementResult r = state.place(
                    new PlacementRequest(task, FAMILIES[b % 4], constraints, STRATEGIES, BATCH),
                    new SplittableRandom(b));
            state.commit(r);
            batchNanos[b] = System.nanoTime() - s;
            placed += r.placements().size();
        }
        long total = System.nanoTime() - start;
        long heapState = usedHeap();
        Reference.reachabilityFence(state);
        ClusterSnapshot after = state.snapshot();
        Map<String, Integer> perZone = new HashMap<>();
        for (ContainerInstance ci : after.instances()) {
            if (ci.remainingCpu() < 0 || ci.remainingMemory() < 0) {
                throw new IllegalStateException("overcommitted " + ci.arn());
            }
            perZone.merge(ci.attributes().get("ecs.availability-zone"), ci.runningTasksCount(), Integer::sum);
        }
        List<RunningTaskRef> refs = new ArrayList<>(placed);
        for (ContainerInstance ci : after.instances()) {
            for (int k = 0; k < ci.runningTasksCount(); k++) {
                refs.add(new RunningTaskRef(
                        "arn:aws:ecs:us-east-1:000000000000:task/bench/" + String.format("%032x", refs.size()),
                        ci.arn(),
                        task.cpu(),
                        task.memory()));
            }
        }
        long heapWithSnapshot = usedHeap();
        double perSecond = placed / (total / 1e9);
        long[] sorted = batchNanos.clone();
        Arrays.sort(sorted);
        int tenth = batches / 10;
        double first = Arrays.stream(batchNanos, 0, tenth).average().orElse(0) / BATCH / 1000;
        double last =
                Arrays.stream(batchNanos, batches - tenth, batches).average().orElse(0) / BATCH / 1000;
        System.out.printf(
                "%n== %,d instances, %,d tasks in batches of %d (task %d CPU / %d MiB), %s ==%n",
                n, tasks, BATCH, task.cpu(), task.memory(), CONSTRAINT);
        System.out.printf("indexing the snapshot: %.1f ms%n", indexNanos / 1e6);
        System.out.printf(
                "placed %,d (unplaced %,d) in %.2f s = %,.0f placements/s%n",
                placed, tasks - placed, total / 1e9, perSecond);
        System.out.printf(
                "per batch (place + commit): p50 %.1f us, p99 %.1f us, max %.1f ms%n",
                sorted[batches / 2] / 1e3, sorted[(int) (batches * 0.99)] / 1e3, sorted[batches - 1] / 1e6);
        System.out.printf(
                "per placement: first 10%% %.2f us, last 10%% %.2f us (ratio %.2f)%n", first, last, last / first);
        System.out.printf("tasks per zone: %s%n", perZone);
        System.out.printf(
                "heap used after GC: %,d MiB holding the indexed state; %,d MiB adding a snapshot export"
                        + " (%,d instance records) and %,d RunningTaskRef%n",
                heapState >> 20, heapWithSnapshot >> 20, after.instances().size(), refs.size());
        Reference.reachabilityFence(state);
        Reference.reachabilityFence(after);
        Reference.reachabilityFence(refs);
        scanPeer(snapshot, task, constraints, scanTasks, perSecond);
    }

    /** The same workload with the indexes off: a scan of every instance per placement. */
    static void scanPeer(
            ClusterSnapshot snapshot,
            TaskRequirements task,
            List<PlacementConstraint> constraints,
            int scanTasks,
            double indexedPerSecond) {
        ClusterState state = ClusterState.of(snapshot);
        state.scanOnly(true);
        long start = System.nanoTime();
        int placed = 0;
        for (int b = 0; b < scanTasks / BATCH; b++) {
            PlacementResult r = state.place(
                    new PlacementRequest(task, FAMILIES[b % 4], constraints, STRATEGIES, BATCH),
                    new SplittableRandom(b));
            state.commit(r);
            placed += r.placements().size();
        }
        double perSecond = placed / ((System.nanoTime() - start) / 1e9);
        System.out.printf(
                "peer, same engine scanning all instances: %,d placements at %,.0f placements/s;"
                        + " indexed/scan = %.0fx%n",
                placed, perSecond, indexedPerSecond / perSecond);
    }

    static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
