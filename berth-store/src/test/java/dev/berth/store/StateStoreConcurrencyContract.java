package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The concurrent half of the {@link StateStoreContract}: many virtual threads calling one store
 * at once, as the API handlers and controllers do. Each test starts its threads together behind
 * a latch so that they really overlap, and asserts on the final state, not on timing.
 */
public abstract class StateStoreConcurrencyContract {

    protected static final int THREADS = 16;

    private static final Pattern N = Pattern.compile("\"n\":(\\d+)");

    /** The store the current test uses. */
    protected abstract StateStore store();

    /**
     * Whether the backend runs write transactions one at a time (H2, for crash atomicity) rather
     * than side by side under row locks (PostgreSQL). It decides what crossed lock orders lead
     * to: a deadlock that is retried, or a second writer that simply waits its turn.
     */
    protected abstract boolean writersTakeTurns();

    /** Runs {@code body(i)} on {@link #THREADS} virtual threads started together; rethrows failures. */
    protected static <T> List<T> onVirtualThreads(ThrowingFunction<T> body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < THREADS; i++) {
                int id = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return body.apply(id);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    /** A per-thread body that may throw. */
    @FunctionalInterface
    protected interface ThrowingFunction<T> {
        T apply(int thread) throws Exception;
    }

    @Test
    @Timeout(120)
    void concurrentIncrementsNeverHandOutTheSameValue() throws Exception {
        int perThread = 25;
        ConcurrentLinkedQueue<Long> values = new ConcurrentLinkedQueue<>();
        onVirtualThreads(t -> {
            for (int i = 0; i < perThread; i++) {
                values.add(store().transact(tx -> tx.increment("task-number")));
            }
            return null;
        });
        assertThat(values)
                .hasSize(THREADS * perThread)
                .containsExactlyInAnyOrderElementsOf(range(1, THREADS * perThread));
    }

    @Test
    @Timeout(120)
    void readModifyWriteWithGetForUpdateNeverLosesAnUpdate() throws Exception {
        int perThread = 50;
        store().transact(tx -> tx.insert("counter", "hits", "{\"n\":0}"));
        onVirtualThreads(t -> {
            for (int i = 0; i < perThread; i++) {
                store().transact(tx -> {
                    Entry e = tx.getForUpdate("counter", "hits").orElseThrow();
                    long n = parseN(e.json());
                    assertThat(tx.replace("counter", "hits", e.version(), "{\"n\":" + (n + 1) + "}"))
                            .isTrue();
                    return null;
                });
            }
            return null;
        });
        Entry last = store().read(tx -> tx.get("counter", "hits")).orElseThrow();
        assertThat(parseN(last.json())).isEqualTo(THREADS * perThread);
        assertThat(last.version()).isEqualTo(THREADS * perThread + 1);
    }

    @Test
    @Timeout(120)
    void concurrentPutsAndInsertsOnOneKeyAreSerialised() throws Exception {
        List<Boolean> inserted =
                onVirtualThreads(t -> store().transact(tx -> tx.insert("claim", "leader", "{\"t\":" + t + "}")));
        assertThat(inserted).containsOnlyOnce(true);
        List<Long> versions =
                onVirtualThreads(t -> store().transact(tx -> tx.put("claim", "fresh", "{\"t\":" + t + "}")));
        assertThat(versions).containsExactlyInAnyOrderElementsOf(range(1, THREADS));
        List<Boolean> swapped =
                onVirtualThreads(t -> store().transact(tx -> tx.replace("claim", "fresh", THREADS, "{}")));
        assertThat(swapped).containsOnlyOnce(true);
    }

    @Test
    @Timeout(120)
    void writersInCrossedLockOrderBothComplete() throws Exception {
        store().transact(tx -> tx.insert("lock", "a", "{\"n\":0}") && tx.insert("lock", "b", "{\"n\":0}"));
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        CountDownLatch bothHoldOneLock = new CountDownLatch(2);
        Thread[] threads = new Thread[2];
        Throwable[] failures = new Throwable[2];
        for (int i = 0; i < 2; i++) {
            String first = i == 0 ? "a" : "b";
            String second = i == 0 ? "b" : "a";
            int id = i;
            threads[i] = Thread.ofVirtual().start(() -> {
                try {
                    store().transact(tx -> {
                        int attempt = attempts.incrementAndGet();
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        try {
                            bump(tx, first);
                            if (attempt <= 2) {
                                // first attempts: wait (briefly if writers take turns) until both
                                // hold their first row, then cross over
                                bothHoldOneLock.countDown();
                                await(bothHoldOneLock, writersTakeTurns() ? 300 : 10_000);
                            }
                            bump(tx, second);
                            return null;
                        } finally {
                            inside.decrementAndGet();
                        }
                    });
                } catch (Throwable e) {
                    failures[id] = e;
                }
            });
        }
        for (Thread t : threads) {
            t.join(java.time.Duration.ofSeconds(60));
        }
        assertThat(failures).containsOnlyNulls();
        if (writersTakeTurns()) {
            assertThat(maxInside.get()).as("write transactions never overlap").isEqualTo(1);
            assertThat(attempts.get()).as("no deadlock, so no retry").isEqualTo(2);
        } else {
            assertThat(maxInside.get()).as("write transactions overlap").isEqualTo(2);
            assertThat(attempts.get())
                    .as("one of the two deadlocked transactions ran again")
                    .isGreaterThanOrEqualTo(3);
        }
        store().read(tx -> {
            assertThat(parseN(tx.get("lock", "a").orElseThrow().json())).isEqualTo(2);
            assertThat(parseN(tx.get("lock", "b").orElseThrow().json())).isEqualTo(2);
            return null;
        });
    }

    @Test
    @Timeout(120)
    void concurrentReadersSeeOnlyCommittedWholeTransactions() throws Exception {
        store().transact(tx -> tx.put("pair", "x", "{\"n\":0}") + tx.put("pair", "y", "{\"n\":0}"));
        List<Integer> torn = onVirtualThreads(t -> {
            int bad = 0;
            for (int i = 0; i < 40; i++) {
                if (t % 2 == 0) {
                    store().transact(tx -> {
                        long n = parseN(
                                tx.getForUpdate("pair", "x").orElseThrow().json());
                        tx.put("pair", "x", "{\"n\":" + (n + 1) + "}");
                        tx.put("pair", "y", "{\"n\":" + (n + 1) + "}");
                        return null;
                    });
                } else {
                    boolean same = store().read(tx -> tx.scan("pair", "", null, 10).entries().stream()
                                    .map(e -> parseN(e.json()))
                                    .distinct()
                                    .count()
                            == 1);
                    bad += same ? 0 : 1;
                }
            }
            return bad;
        });
        assertThat(torn).allMatch(n -> n == 0);
    }

    private static void bump(Transaction tx, String key) {
        Entry e = tx.getForUpdate("lock", key).orElseThrow();
        tx.put("lock", key, "{\"n\":" + (parseN(e.json()) + 1) + "}");
    }

    private static void await(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            out.add(v);
        }
        return out;
    }

    protected static long parseN(String json) {
        Matcher m = N.matcher(json);
        assertThat(m.find()).as("json %s has n", json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
