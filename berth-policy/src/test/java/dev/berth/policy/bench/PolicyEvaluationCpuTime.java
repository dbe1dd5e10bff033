package dev.berth.policy.bench;

import dev.berth.policy.Decision;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

/**
 * The JMH benchmark's cases measured in CPU time of the measuring thread as well as wall time.
 * These machines are shared: when other builds keep both cores busy, JMH's wall-clock throughput
 * shows the share of a core this thread got, not the engine's cost; evaluations per CPU-second do
 * not depend on that share (caches and SMT still do). Run by {@code bench/policy.sh} after JMH.
 */
public final class PolicyEvaluationCpuTime {

    private PolicyEvaluationCpuTime() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        PolicyEvaluationBenchmark b = new PolicyEvaluationBenchmark();
        b.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        run("allowed", b::allowed, rounds, mx);
        run("explicitDeny", b::explicitDeny, rounds, mx);
        run("implicitDeny", b::implicitDeny, rounds, mx);
        run("withBoundaryAndSession", b::withBoundaryAndSession, rounds, mx);
        run("buildContextAndEvaluate", b::buildContextAndEvaluate, rounds, mx);
    }

    private static void run(String name, Supplier<Decision> op, int rounds, ThreadMXBean mx) {
        int sink = 0;
        for (int i = 0; i < 2_000_000; i++) {
            sink += op.get().outcome().ordinal();
        }
        for (int r = 0; r < rounds; r++) {
            int n = 2_000_000;
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += op.get().outcome().ordinal();
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            System.out.printf(
                    "%-24s round %d: %,12.0f evaluations/CPU-s  %,12.0f evaluations/wall-s  (%.0f ns CPU each)%n",
                    name, r + 1, n * 1e9 / cpu, n * 1e9 / wall, (double) cpu / n);
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}
