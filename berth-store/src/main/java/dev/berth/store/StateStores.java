package dev.berth.store;

import dev.berth.store.jdbc.JdbcStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one way to obtain a {@link StateStore}: {@code StateStores.open(flagValueOrNull, dataDir)}.
 *
 * <p>With no URL the store is an embedded H2 database in {@code <dataDir>/state/berth.mv.db};
 * otherwise the URL names it ({@code jdbc:h2:...} or {@code jdbc:postgresql://host/db?user=..&password=..}).
 * The schema is created or migrated before this returns.
 *
 * <p>H2 durability: H2's MVStore commits a transaction to its in-memory log and, by default,
 * writes it to the file up to {@code WRITE_DELAY} (500 ms) later from a background thread, so a
 * SIGKILL could lose acknowledged writes. With {@code WRITE_DELAY=0} the MVStore's auto-commit
 * delay is 0 and H2 2.x stores the changes ({@code MVStore.commit()}, a write to the file) in the
 * committing thread before {@code commit} returns (verified in {@code TransactionStore.endTransaction}
 * of H2 2.3.232 and by the crash test in this module). That write reaches the operating system,
 * which survives the death of the JVM; H2 does not fsync on each commit, so a power failure or
 * kernel crash can still lose the last commits (PostgreSQL is the backend for that). This class
 * therefore always adds {@code WRITE_DELAY=0} to H2 URLs and rejects any other value. It also
 * adds {@code LOCK_TIMEOUT=10000} (row-lock waits of up to 10 s instead of H2's 1 s, since
 * callers queue on {@code getForUpdate}) and {@code DB_CLOSE_ON_EXIT=FALSE} (the server closes
 * the store in its own shutdown order; durability does not depend on it) unless given.
 *
 * <p>Stateless; safe to call from any thread.
 */
public final class StateStores {

    /** Connections per store unless told otherwise: enough for 2-core machines, few for PostgreSQL. */
    public static final int DEFAULT_POOL_SIZE = 8;

    private StateStores() {}

    /** Opens the store with {@value #DEFAULT_POOL_SIZE} connections. */
    public static StateStore open(String jdbcUrlOrNull, Path dataDir) {
        return open(jdbcUrlOrNull, dataDir, DEFAULT_POOL_SIZE);
    }

    /**
     * Opens the store named by {@code jdbcUrlOrNull} (null or blank: H2 under {@code dataDir}),
     * creating directories and schema as needed.
     *
     * @throws IllegalArgumentException for an unsupported URL or H2 settings that break durability
     * @throws StoreException or a Flyway exception when the database cannot be opened or migrated
     */
    public static StateStore open(String jdbcUrlOrNull, Path dataDir, int poolSize) {
        String url;
        if (jdbcUrlOrNull == null || jdbcUrlOrNull.isBlank()) {
            if (dataDir == null) {
                throw new IllegalArgumentException("a data directory is needed for the embedded store");
            }
            Path dir = dataDir.toAbsolutePath().resolve("state");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
            String path = dir.resolve("berth").toString();
            if (path.indexOf(';') >= 0) {
                throw new IllegalArgumentException("the data directory path must not contain ';': " + dir);
            }
            url = "jdbc:h2:file:" + path;
        } else {
            url = jdbcUrlOrNull.strip();
        }
        if (url.startsWith("jdbc:h2:")) {
            url = durableH2Url(url);
        }
        return JdbcStores.open(url, poolSize);
    }

    /** Adds the settings that make an H2 URL durable and usable under contention (see class doc). */
    static String durableH2Url(String url) {
        StringBuilder out = new StringBuilder(url);
        String[] parts = url.split(";");
        boolean writeDelay = false;
        boolean lockTimeout = false;
        boolean closeOnExit = false;
        for (int i = 1; i < parts.length; i++) {
            String setting = parts[i].strip().toUpperCase(Locale.ROOT);
            int eq = setting.indexOf('=');
            String name = eq < 0 ? setting : setting.substring(0, eq).strip();
            String value = eq < 0 ? "" : setting.substring(eq + 1).strip();
            switch (name) {
                case "WRITE_DELAY" -> {
                    if (!value.equals("0")) {
                        throw new IllegalArgumentException(
                                "WRITE_DELAY=" + value + " would lose acknowledged writes on a crash; Berth needs 0");
                    }
                    writeDelay = true;
                }
                case "LOCK_TIMEOUT" -> lockTimeout = true;
                case "DB_CLOSE_ON_EXIT" -> closeOnExit = true;
                default -> {}
            }
        }
        if (!writeDelay) {
            out.append(";WRITE_DELAY=0");
        }
        if (!lockTimeout) {
            out.append(";LOCK_TIMEOUT=10000");
        }
        if (!closeOnExit) {
            out.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        return out.toString();
    }
}
