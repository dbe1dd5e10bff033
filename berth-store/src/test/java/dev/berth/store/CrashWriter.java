package dev.berth.store;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The child process of {@link H2CrashTest}: opens the H2 store in the data directory given as
 * the only argument and, on four virtual threads, commits transactions that each take a number n
 * from a counter and write three related documents a/n, b/n and c/n. After each commit returns it
 * prints {@code acked n}. It runs until it is killed; the test then checks that every acked n
 * survived whole and that no n survived in part.
 */
public final class CrashWriter {

    private CrashWriter() {}

    public static void main(String[] args) {
        StateStore store = StateStores.open(null, Path.of(args[0]));
        System.out.println("ready");
        System.out.flush();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < 4; w++) {
                writers.submit(() -> {
                    while (true) {
                        long n = store.transact(tx -> {
                            long id = tx.increment("crash");
                            String key = String.format("%09d", id);
                            String json = "{\"n\":" + id + ",\"pad\":\"" + "x".repeat(200) + "\"}";
                            tx.insert("crash-a", key, json);
                            tx.put("crash-b", key, json);
                            tx.insert("crash-c", key, json);
                            return id;
                        });
                        synchronized (System.out) {
                            System.out.println("acked " + n);
                            System.out.flush();
                        }
                    }
                });
            }
        }
    }
}
