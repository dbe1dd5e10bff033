package dev.berth.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Document migrations on a real H2 store: each runs once, atomically with its record, in order. */
class MigrationsTest {

    @TempDir
    Path dir;

    private StateStore store;
    private Migrations migrations;

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir, 2);
        migrations = new Migrations(store, new ObjectMapper(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void eachMigrationRunsOnceInOrderAcrossRestarts() {
        AtomicInteger runs = new AtomicInteger();
        DocumentMigration first = new DocumentMigration("test/1", "writes a", tx -> {
            runs.incrementAndGet();
            tx.put("thing", "a", "{\"v\":1}");
        });
        DocumentMigration second = new DocumentMigration("test/2", "rewrites a", tx -> {
            runs.incrementAndGet();
            assertThat(tx.get("thing", "a")).isPresent();
            tx.put("thing", "a", "{\"v\":2}");
        });
        assertThat(migrations.apply(List.of(first, second))).containsExactly("test/1", "test/2");
        assertThat(migrations.apply(List.of(first, second))).isEmpty();
        store.close();
        store = StateStores.open(null, dir, 2);
        assertThat(new Migrations(store, new ObjectMapper(), Clock.systemUTC()).apply(List.of(first, second)))
                .isEmpty();
        assertThat(runs).hasValue(2);
        assertThat(store.read(tx -> tx.get("thing", "a")).orElseThrow().json()).contains("\"v\":2");
        assertThat(store.read(tx -> tx.get(Migrations.KIND, "test/2"))
                        .orElseThrow()
                        .json())
                .contains("rewrites a");
    }

    @Test
    void aFailingMigrationLeavesNeitherItsWritesNorItsRecord() {
        DocumentMigration broken = new DocumentMigration("test/broken", "fails half-way", tx -> {
            tx.put("thing", "half", "{}");
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> migrations.apply(List.of(broken))).hasMessage("boom");
        assertThat(store.<Object>read(tx -> tx.get("thing", "half").orElse(null)))
                .isNull();
        assertThat(store.<Object>read(
                        tx -> tx.get(Migrations.KIND, "test/broken").orElse(null)))
                .isNull();
    }

    @Test
    void idsAreRequired() {
        assertThatThrownBy(() -> new DocumentMigration(" ", "x", tx -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
