package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@link StateStoreContract} against the embedded H2 backend, each test in its own data
 * directory, plus the H2-only rules of {@link StateStores}: where the file goes and which URL
 * settings it insists on.
 */
class H2StateStoreTest extends StateStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected boolean writersTakeTurns() {
        return true;
    }

    @Override
    protected StateStore openStore() {
        return StateStores.open(null, dataDir);
    }

    @Test
    void theDefaultStoreIsAnH2FileInTheDataDirectory() {
        store.transact(tx -> tx.put("cluster", "c", "{}"));
        assertThat(store.backend()).isEqualTo("h2");
        assertThat(Files.exists(dataDir.resolve("state").resolve("berth.mv.db")))
                .isTrue();
    }

    @Test
    void anExplicitH2UrlGetsTheDurabilitySettings() {
        String url = "jdbc:h2:file:" + dataDir.resolve("other").toAbsolutePath();
        try (StateStore other = StateStores.open(url, null)) {
            other.transact(tx -> tx.put("cluster", "c", "{}"));
            assertThat(other.<Long>read(tx -> tx.count("cluster", ""))).isEqualTo(1);
        }
        assertThat(StateStores.durableH2Url(url))
                .isEqualTo(url + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(StateStores.durableH2Url(url + ";lock_timeout=5;write_delay=0"))
                .isEqualTo(url + ";lock_timeout=5;write_delay=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThatThrownBy(() -> StateStores.open(url + ";WRITE_DELAY=500", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WRITE_DELAY");
        assertThatThrownBy(() -> StateStores.open("jdbc:mysql://localhost/x", null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
