package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rough timings of the embedded store, printed for the record and checked against generous
 * bounds (these machines are shared and noisy): opening a fresh and an existing database (server
 * start-up budget is 2 s in total), a committed write, and a read by key, which should cost tens
 * of microseconds.
 */
class H2TimingTest {

    @TempDir
    Path dataDir;

    @Test
    void openWriteAndReadAreFastEnough() {
        long t0 = System.nanoTime();
        StateStore store = StateStores.open(null, dataDir);
        long openFresh = System.nanoTime() - t0;
        int writes = 300;
        t0 = System.nanoTime();
        for (int i = 0; i < writes; i++) {
            String key = String.format("svc/%06d", i);
            store.transact(tx -> tx.put("service", key, "{\"name\":\"" + key + "\",\"desired\":3}"));
        }
        long perWrite = (System.nanoTime() - t0) / writes;
        store.close();

        t0 = System.nanoTime();
        store = StateStores.open(null, dataDir);
        long openExisting = System.nanoTime() - t0;
        StateStore s = store;
        for (int i = 0; i < 20_000; i++) {
            String key = String.format("svc/%06d", i % writes);
            s.read(tx -> tx.get("service", key));
        }
        int reads = 20_000;
        t0 = System.nanoTime();
        for (int i = 0; i < reads; i++) {
            String key = String.format("svc/%06d", i % writes);
            assertThat(s.<java.util.Optional<Entry>>read(tx -> tx.get("service", key)))
                    .isPresent();
        }
        long perRead = (System.nanoTime() - t0) / reads;
        store.close();
        System.out.printf(
                "H2 timings: open fresh %d ms, open existing %d ms, committed put %d us, read get %d us%n",
                openFresh / 1_000_000, openExisting / 1_000_000, perWrite / 1000, perRead / 1000);
        assertThat(openExisting / 1_000_000).isLessThan(2000);
        assertThat(perRead / 1000).isLessThan(1000);
    }
}
