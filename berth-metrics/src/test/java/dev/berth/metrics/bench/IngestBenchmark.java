package dev.berth.metrics.bench;

import dev.berth.metrics.Datapoint;
import dev.berth.metrics.MetricId;
import dev.berth.metrics.MetricStore;
import dev.berth.metrics.Sample;
import dev.berth.metrics.StandardUnit;
import dev.berth.metrics.StoreOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ingest throughput of {@link MetricStore#put}: batches of 1,000 samples (PutMetricData's limit),
 * each batch one timestamp of 1,000 metrics, timestamps 10 s apart, through the whole engine (WAL
 * append per batch, head aggregation into every tier, chunk cuts, the background fsync every second
 * and checkpoints). Score = datapoints/s. The peer, {@link #peerRawAppend}, writes the same samples
 * as raw 20-byte rows (series id, timestamp, value) with one write per batch: the floor of any
 * engine that keeps a log.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
        value = 1,
        jvmArgs = {"-Xms2g", "-Xmx2g"})
@OperationsPerInvocation(IngestBenchmark.BATCH)
public class IngestBenchmark {

    static final int BATCH = 1000;

    @State(Scope.Benchmark)
    public static class Store {
        @Param({"1", "60"})
        int resolution;

        @Param({"GAUGE"})
        SeriesData data;

        Path dir;
        MetricStore store;
        MetricId[] metrics;
        final AtomicLong clock =
                new AtomicLong(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
        FileChannel peer;
        final AtomicLong peerPosition = new AtomicLong();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("metrics-ingest");
            InstantSource source = () -> Instant.ofEpochMilli(clock.get());
            store = MetricStore.open(
                    dir, new StoreOptions(source, false, Duration.ofSeconds(1), Duration.ofHours(1), 256L << 20, true));
            metrics = new MetricId[BATCH];
            for (int i = 0; i < BATCH; i++) {
                metrics[i] = MetricId.of("Bench", "Latency", "Service", "svc-" + i, "Cluster", "default");
            }
            peer = FileChannel.open(dir.resolve("peer.raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            System.out.println();
            System.out.println("stats: " + store.stats());
            store.close();
            peer.close();
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @State(Scope.Thread)
    public static class Writer {
        private static final java.util.concurrent.atomic.AtomicInteger THREADS =
                new java.util.concurrent.atomic.AtomicInteger();
        /** This thread's own metrics and clock, for {@link IngestBenchmark#put2ThreadsDisjoint}. */
        final MetricId[] own = new MetricId[BATCH];

        long ownClock = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

        {
            int t = THREADS.incrementAndGet();
            for (int i = 0; i < BATCH; i++) {
                own[i] = MetricId.of("Bench", "Latency", "Service", "svc-" + i, "Writer", "w" + t);
            }
        }

        final SplittableRandom random = new SplittableRandom();
        final double[] last = new double[BATCH];
        final List<Sample> batch = new ArrayList<>(BATCH);
        final ByteBuffer raw = ByteBuffer.allocateDirect(BATCH * 20);
        long step;
    }

    @Benchmark
    public void put(Store s, Writer w) {
        long ts = s.clock.addAndGet(10_000);
        w.batch.clear();
        for (int i = 0; i < BATCH; i++) {
            double v = s.data.next(w.random, w.last[i]);
            w.last[i] = v;
            w.batch.add(new Sample(s.metrics[i], StandardUnit.PERCENT, ts, s.resolution, new Datapoint.Single(v)));
        }
        s.store.put(w.batch);
    }

    @Benchmark
    @Threads(2)
    public void put2Threads(Store s, Writer w) {
        put(s, w);
    }

    /** Two threads, each with its own 1,000 metrics and its own timeline: writers that do not share series. */
    @Benchmark
    @Threads(2)
    public void put2ThreadsDisjoint(Store s, Writer w) {
        long ts = w.ownClock += 10_000;
        s.clock.accumulateAndGet(ts, Math::max);
        w.batch.clear();
        for (int i = 0; i < BATCH; i++) {
            double v = s.data.next(w.random, w.last[i]);
            w.last[i] = v;
            w.batch.add(new Sample(w.own[i], StandardUnit.PERCENT, ts, s.resolution, new Datapoint.Single(v)));
        }
        s.store.put(w.batch);
    }

    @Benchmark
    public void peerRawAppend(Store s, Writer w) throws IOException {
        long ts = s.clock.addAndGet(10_000);
        w.raw.clear();
        for (int i = 0; i < BATCH; i++) {
            double v = s.data.next(w.random, w.last[i]);
            w.last[i] = v;
            w.raw.putInt(i).putLong(ts).putDouble(v);
        }
        w.raw.flip();
        long at = s.peerPosition.getAndAdd(w.raw.remaining()) % (1L << 30); // reuse the first GiB
        while (w.raw.hasRemaining()) {
            at += s.peer.write(w.raw, at);
        }
    }
}
