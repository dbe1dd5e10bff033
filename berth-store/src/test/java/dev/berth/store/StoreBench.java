package dev.berth.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A hand-run benchmark of the embedded store, for comparing store implementations on one machine
 * (JUnit's timing test only checks generous bounds). Run with the module's test classpath:
 * {@code java -cp ... dev.berth.store.StoreBench open <dir>} prints the milliseconds that
 * {@link StateStores#open} takes in this (fresh) JVM on an existing database in {@code dir},
 * creating it first if needed; {@code ... StoreBench ops <dir>} prints the median per-call cost
 * of a read transaction with one {@code get} (one thread, then 16 virtual threads) and of a
 * committed {@code put}.
 */
public final class StoreBench {

    private static final int KEYS = 300;

    private StoreBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("open")) {
            if (!Files.exists(dir.resolve("state"))) {
                try (StateStore s = StateStores.open(null, dir)) {
                    fill(s);
                }
                System.out.println("created " + dir + "; run again to time open");
                return;
            }
            long t0 = System.nanoTime();
            StateStore s = StateStores.open(null, dir);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            s.close();
            System.out.println("open_ms " + ms);
            return;
        }
        try (StateStore s = StateStores.open(null, dir)) {
            fill(s);
            for (int i = 0; i < 5; i++) { // warm-up rounds
                readRound(s, 20_000);
                concurrentRound(s, 20_000);
                putRound(s, 300);
            }
            double[] read = new double[7];
            double[] vt = new double[7];
            double[] put = new double[7];
            for (int i = 0; i < read.length; i++) {
                read[i] = readRound(s, 50_000);
                vt[i] = concurrentRound(s, 100_000);
                put[i] = putRound(s, 1_000);
            }
            System.out.printf(
                    "read_get_us %.2f read_get_16vt_us %.2f put_us %.1f%n", median(read), median(vt), median(put));
        }
    }

    private static void fill(StateStore s) {
        for (int i = 0; i < KEYS; i++) {
            String key = String.format("svc/%06d", i);
            s.transact(tx -> tx.put("service", key, "{\"name\":\"" + key + "\",\"desired\":3}"));
        }
    }

    /** Microseconds per read transaction on this thread. */
    private static double readRound(StateStore s, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String key = String.format("svc/%06d", i % KEYS);
            Optional<Entry> e = s.read(tx -> tx.get("service", key));
            if (e.isEmpty()) {
                throw new AssertionError(key);
            }
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }

    /** Wall-clock microseconds per read transaction with 16 virtual threads sharing the work. */
    private static double concurrentRound(StateStore s, int n) throws Exception {
        int threads = 16;
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?>[] fs = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                int start = t;
                fs[t] = ex.submit(() -> {
                    for (int i = start; i < n; i += threads) {
                        String key = String.format("svc/%06d", i % KEYS);
                        if (s.<Optional<Entry>>read(tx -> tx.get("service", key))
                                .isEmpty()) {
                            throw new AssertionError(key);
                        }
                    }
                });
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }

    /** Microseconds per committed put transaction. */
    private static double putRound(StateStore s, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String key = String.format("svc/%06d", i % KEYS);
            s.transact(tx -> tx.put("service", key, "{\"name\":\"" + key + "\",\"desired\":4}"));
        }
        return (System.nanoTime() - t0) / 1000.0 / n;
    }

    private static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
