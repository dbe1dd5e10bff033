package dev.berth.metrics.bench;

import dev.berth.metrics.Datapoint;
import dev.berth.metrics.MetricId;
import dev.berth.metrics.MetricQuery;
import dev.berth.metrics.MetricStore;
import dev.berth.metrics.PeriodPoint;
import dev.berth.metrics.Sample;
import dev.berth.metrics.StandardUnit;
import dev.berth.metrics.Statistic;
import dev.berth.metrics.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One dashboard refresh: 100 metrics over the last 24 h of 10-second high-resolution data
 * (8,640 datapoints each, 864,000 in all), written through {@link MetricStore#put} and
 * checkpointed so it is read from block files, queried with the given period, computing Average
 * and Maximum, or p99 (distributions merged per period). Sample mode, so JMH reports p50/p99 per
 * query. The peer, {@link #peerArraySum}, is the same 864,000 doubles summed into the same periods
 * from plain arrays in memory: what no storage format can beat.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
        value = 1,
        jvmArgs = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class QueryBenchmark {

    static final int METRICS = 100;
    static final int POINTS = 24 * 360;
    static final Instant END = Instant.parse("2026-12-02T00:00:00Z");
    static final Instant START = END.minusSeconds(24 * 3600);

    @Param({"60", "300", "3600"})
    int period;

    Path dir;
    MetricStore store;
    MetricId[] metrics = new MetricId[METRICS];
    double[][] peerValues = new double[METRICS][POINTS];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("metrics-query");
        store = MetricStore.open(dir, StoreOptions.manual(() -> END));
        SplittableRandom r = new SplittableRandom(1);
        for (int m = 0; m < METRICS; m++) {
            metrics[m] = MetricId.of("Bench", "Latency", "Service", "svc-" + m);
        }
        double[] last = new double[METRICS];
        List<Sample> batch = new ArrayList<>(METRICS);
        for (int i = 0; i < POINTS; i++) {
            long ts = START.toEpochMilli() + i * 10_000L;
            batch.clear();
            for (int m = 0; m < METRICS; m++) {
                last[m] = SeriesData.GAUGE.next(r, last[m]);
                peerValues[m][i] = last[m];
                batch.add(new Sample(metrics[m], StandardUnit.PERCENT, ts, 1, new Datapoint.Single(last[m])));
            }
            store.put(batch);
        }
        store.checkpoint();
        System.out.println();
        System.out.println("stats: " + store.stats());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public double averageAndMaximum() {
        double acc = 0;
        for (MetricId m : metrics) {
            for (PeriodPoint p : store.query(new MetricQuery(m, null, START, END, period, false))) {
                acc += p.statistic(Statistic.Basic.AVERAGE) + p.statistic(Statistic.Basic.MAXIMUM);
            }
        }
        return acc;
    }

    private static final Statistic P99 = Statistic.parse("p99");

    @Benchmark
    public double p99() {
        double acc = 0;
        for (MetricId m : metrics) {
            for (PeriodPoint p : store.query(new MetricQuery(m, null, START, END, period, true))) {
                acc += p.statistic(P99);
            }
        }
        return acc;
    }

    @Benchmark
    public double peerArraySum() {
        double acc = 0;
        int perPeriod = period / 10;
        for (double[] values : peerValues) {
            for (int start = 0; start < POINTS; start += perPeriod) {
                double sum = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = start; i < start + perPeriod && i < POINTS; i++) {
                    sum += values[i];
                    max = Math.max(max, values[i]);
                }
                acc += sum / perPeriod + max;
            }
        }
        return acc;
    }
}
