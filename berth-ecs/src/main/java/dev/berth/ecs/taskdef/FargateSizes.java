package dev.berth.ecs.taskdef;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The task sizes Fargate offers: each CPU value and the memory values allowed with it.
 *
 * <p>Fargate only runs tasks whose task-level cpu/memory pair is in this table (the RegisterTaskDefinition
 * {@code cpu} documentation). It is its own class because RunTask overrides, UpdateService and the Berth
 * console need the same table.
 *
 * <pre>
 *   cpu    memory (MiB)
 *   256    512, 1024, 2048
 *   512    1024 .. 4096   step 1024
 *   1024   2048 .. 8192   step 1024
 *   2048   4096 .. 16384  step 1024
 *   4096   8192 .. 30720  step 1024
 *   8192   16384 .. 61440 step 4096   (Linux platform 1.4.0+)
 *   16384  32768 .. 122880 step 8192  (Linux platform 1.4.0+)
 * </pre>
 */
public final class FargateSizes {

    /** The smallest task cpu Windows containers may use on Fargate (1 vCPU). */
    public static final int WINDOWS_MIN_CPU = 1024;

    private static final Map<Integer, List<Integer>> TABLE = build();

    private FargateSizes() {}

    /** True when Fargate offers this cpu/memory pair. */
    public static boolean isValid(int cpu, int memory) {
        return memoryOptions(cpu).contains(memory);
    }

    /** The memory values (MiB, ascending) Fargate allows with {@code cpu}; empty for a cpu it does not offer. */
    public static List<Integer> memoryOptions(int cpu) {
        return TABLE.getOrDefault(cpu, List.of());
    }

    /** The cpu values Fargate offers, ascending. */
    public static List<Integer> cpuOptions() {
        return List.copyOf(TABLE.keySet());
    }

    private static Map<Integer, List<Integer>> build() {
        Map<Integer, List<Integer>> table = new TreeMap<>();
        table.put(256, List.of(512, 1024, 2048));
        table.put(512, steps(1024, 4096, 1024));
        table.put(1024, steps(2048, 8192, 1024));
        table.put(2048, steps(4096, 16384, 1024));
        table.put(4096, steps(8192, 30720, 1024));
        table.put(8192, steps(16384, 61440, 4096));
        table.put(16384, steps(32768, 122880, 8192));
        return Collections.unmodifiableMap(table);
    }

    private static List<Integer> steps(int from, int to, int step) {
        List<Integer> values = new ArrayList<>();
        for (int v = from; v <= to; v += step) {
            values.add(v);
        }
        return List.copyOf(values);
    }
}
