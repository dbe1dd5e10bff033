package dev.berth.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * The few places where H2 and PostgreSQL need different SQL or JDBC handling: how a key is bound
 * and read (UTF-8 bytes on H2, {@code COLLATE "C"} text on PostgreSQL), upserts, read-only
 * snapshot transactions, and which SQL states mean "run the transaction again".
 *
 * <p>Everything else (get, scan, count, replace, delete) is portable SQL in
 * {@link JdbcTransaction}. Implementations are stateless and shared by all threads.
 */
abstract sealed class Dialect permits H2Dialect, PostgresDialect {

    static final String INSERT_DOCUMENT =
            "INSERT INTO documents (kind, doc_key, version, json, updated_at) VALUES (?, ?, 1, ?, CURRENT_TIMESTAMP)";

    private final String name;
    private final Set<String> retryableStates;

    /**
     * @param name {@code h2} or {@code postgresql}; also the name of the migration folder
     * @param retryableStates SQL states after which the whole transaction may simply run again
     */
    Dialect(String name, Set<String> retryableStates) {
        this.name = name;
        this.retryableStates = Set.copyOf(retryableStates);
    }

    final String name() {
        return name;
    }

    /** The value to bind for a key parameter. */
    abstract Object keyParam(String key);

    /** Reads a key column. */
    abstract String readKey(ResultSet rs, int column) throws SQLException;

    /** Inserts a document at version 1 unless kind/key exists; true if inserted. */
    abstract boolean insert(Handle h, String kind, String key, String json);

    /** Inserts or overwrites a document; returns its new version. */
    abstract long put(Handle h, String kind, String key, String json);

    /** Increments a counter, creating it at 0 first; returns the new value. */
    abstract long increment(Handle h, String name);

    /** Called on a fresh handle before {@code begin()}. */
    void beforeBegin(Handle h, boolean readOnly) throws SQLException {
    }

    /** Called right after {@code begin()}, before the caller's work. */
    void afterBegin(Handle h, boolean readOnly) {
    }

    /** Called after commit or rollback, before the connection goes back to the pool. */
    void afterEnd(Handle h, boolean readOnly) throws SQLException {
    }

    final String migrationLocation() {
        return "classpath:db/migration/" + name();
    }

    final boolean isRetryable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && e.getSQLState() != null && retryableStates.contains(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure says the connection itself is unusable (SQL state class 08). */
    static boolean isConnectionFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    static boolean isUniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && "23505".equals(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Update-else-insert for databases without a concurrency-safe upsert: try {@code update}; if
     * no row was there, try {@code insert}; if a concurrent transaction inserted the row first
     * (unique violation, after waiting for its commit), update again. {@code insert} must leave
     * the transaction usable after a unique violation (true on H2, whose failed statements roll
     * back alone).
     */
    static long updateElseInsert(Supplier<Optional<Long>> update, Supplier<Long> insert) {
        for (int round = 0; ; round++) {
            Optional<Long> updated = update.get();
            if (updated.isPresent()) {
                return updated.get();
            }
            try {
                return insert.get();
            } catch (RuntimeException e) {
                if (!isUniqueViolation(e) || round >= 3) {
                    throw e;
                }
            }
        }
    }
}
