package dev.berth.metrics.bench;

import dev.berth.metrics.Datapoint;
import dev.berth.metrics.MetricId;
import dev.berth.metrics.MetricStore;
import dev.berth.metrics.Sample;
import dev.berth.metrics.StandardUnit;
import dev.berth.metrics.StoreOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Ingest cost in CPU time rather than wall time, the measure a loaded, shared machine distorts
 * least: the same workload as {@link IngestBenchmark#put} (batches of 1,000 metrics at one
 * timestamp, 10 s apart, background fsync and checkpoints on), reporting datapoints per second of
 * wall time, of the putting thread's CPU time, and of the whole process's CPU time (background
 * fsync, checkpoints and GC included).
 *
 * <p>Usage: {@code IngestCpuReport [datapoints] [resolution]}.
 */
public final class IngestCpuReport {

    public static void main(String[] args) throws IOException {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 20_000_000L;
        int resolution = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        for (int round = 0; round < 3; round++) {
            run(total, resolution, round == 0 ? "warm-up" : "run " + round);
        }
    }

    static void run(long total, int resolution, String label) throws IOException {
        Path dir = Files.createTempDirectory("metrics-cpu");
        AtomicLong clock = new AtomicLong(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
        MetricStore store = MetricStore.open(
                dir,
                new StoreOptions(
                        () -> Instant.ofEpochMilli(clock.get()),
                        false,
                        Duration.ofSeconds(1),
                        Duration.ofHours(1),
                        256L << 20,
                        true));
        MetricId[] metrics = new MetricId[1000];
        for (int i = 0; i < metrics.length; i++) {
            metrics[i] = MetricId.of("Bench", "Latency", "Service", "svc-" + i, "Cluster", "default");
        }
        SplittableRandom r = new SplittableRandom(1);
        double[] last = new double[metrics.length];
        List<Sample> batch = new ArrayList<>(metrics.length);
        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long wall0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long proc0 = os.getProcessCpuTime();
        for (long n = 0; n < total; n += metrics.length) {
            long ts = clock.addAndGet(10_000);
            batch.clear();
            for (int i = 0; i < metrics.length; i++) {
                last[i] = SeriesData.GAUGE.next(r, last[i]);
                batch.add(new Sample(metrics[i], StandardUnit.PERCENT, ts, resolution, new Datapoint.Single(last[i])));
            }
            store.put(batch);
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double proc = (os.getProcessCpuTime() - proc0) / 1e9;
        store.close();
        System.out.printf(
                "%s: %,d datapoints (resolution %d s) in %.2f s wall: %,.0f/s wall, %,.0f/s of thread CPU, %,.0f/s of process CPU%n",
                label, total, resolution, wall, total / wall, total / cpu, total / proc);
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
