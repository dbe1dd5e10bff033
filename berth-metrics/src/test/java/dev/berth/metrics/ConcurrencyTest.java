package dev.berth.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {

    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void manyWritersReadersAndCheckpointsLoseAndDuplicateNothing() throws Exception {
        TestClock clock = new TestClock(T0.plus(Duration.ofHours(2)));
        int writers = 8;
        int perWriter = 20_000;
        MetricId shared = MetricId.of("App", "Shared");
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        try (MetricStore store = MetricStore.open(dir, StoreOptions.manual(clock))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        MetricId own = MetricId.of("App", "Own", "Writer", Integer.toString(id));
                        List<Sample> batch = new ArrayList<>();
                        for (int i = 0; i < perWriter; i++) {
                            long ts = T0.toEpochMilli() + (i % 3600) * 1000L;
                            batch.add(Sample.highRes(shared, ts, 1));
                            batch.add(Sample.highRes(own, ts, i));
                            if (batch.size() == 100) {
                                store.put(batch);
                                batch.clear();
                            }
                        }
                        store.put(batch);
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            Thread reader = Thread.ofPlatform().start(() -> {
                double last = 0;
                try {
                    start.await();
                    while (!done.get()) {
                        double n = count(store, shared);
                        assertThat(n).isGreaterThanOrEqualTo(last).isLessThanOrEqualTo(writers * perWriter);
                        last = n;
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            Thread checkpointer = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    while (!done.get()) {
                        store.checkpoint();
                        Thread.sleep(5);
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            done.set(true);
            reader.join();
            checkpointer.join();
            assertThat(errors).isEmpty();
            assertThat(count(store, shared)).isEqualTo(writers * perWriter);
            for (int w = 0; w < writers; w++) {
                MetricId own = MetricId.of("App", "Own", "Writer", Integer.toString(w));
                assertThat(sum(store, own)).isEqualTo((double) perWriter * (perWriter - 1) / 2);
            }
        }
        try (MetricStore reopened = MetricStore.open(dir, StoreOptions.manual(clock))) {
            assertThat(count(reopened, shared)).isEqualTo(writers * perWriter);
        }
    }

    private static double count(MetricStore store, MetricId m) {
        return store.query(new MetricQuery(m, null, T0, T0.plusSeconds(3600), 3600, false)).stream()
                .mapToDouble(p -> p.aggregate().sampleCount())
                .sum();
    }

    private static double sum(MetricStore store, MetricId m) {
        return store.query(new MetricQuery(m, null, T0, T0.plusSeconds(3600), 60, false)).stream()
                .mapToDouble(p -> p.aggregate().sum())
                .sum();
    }
}
