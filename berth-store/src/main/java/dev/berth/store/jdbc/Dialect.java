package dev.berth.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The few places where H2 and PostgreSQL need different SQL or JDBC handling: how a key is bound
 * and read (UTF-8 bytes on H2, {@code COLLATE "C"} text on PostgreSQL), upserts, and which SQL
 * states mean "run the transaction again".
 *
 * <p>Everything else (get, scan, count, replace, delete, and the read-only snapshot mode that
 * {@link PooledConnection#setMode} sets through plain JDBC) is portable in {@link JdbcTransaction}.
 * Implementations are stateless and shared by all threads.
 */
abstract sealed class Dialect permits H2Dialect, PostgresDialect {

    static final String INSERT_DOCUMENT =
            "INSERT INTO documents (kind, doc_key, version, json, updated_at) VALUES (?, ?, 1, ?, CURRENT_TIMESTAMP)";

    private final String name;
    private final Set<String> retryableStates;
    private final boolean oneWriterAtATime;

    /**
     * @param name {@code h2} or {@code postgresql}; also the name of the migration folder
     * @param retryableStates SQL states after which the whole transaction may simply run again
     * @param oneWriterAtATime whether write transactions must not overlap for a crash to leave
     *     only whole transactions behind (see {@link H2Dialect})
     */
    Dialect(String name, Set<String> retryableStates, boolean oneWriterAtATime) {
        this.name = name;
        this.retryableStates = Set.copyOf(retryableStates);
        this.oneWriterAtATime = oneWriterAtATime;
    }

    final boolean oneWriterAtATime() {
        return oneWriterAtATime;
    }

    final String name() {
        return name;
    }

    /** The value to bind for a key parameter. */
    abstract Object keyParam(String key);

    /** Reads a key column. */
    abstract String readKey(ResultSet rs, int column) throws SQLException;

    /** Inserts a document at version 1 unless kind/key exists; true if inserted. */
    abstract boolean insert(PooledConnection c, String kind, String key, String json) throws SQLException;

    /** Inserts or overwrites a document; returns its new version. */
    abstract long put(PooledConnection c, String kind, String key, String json) throws SQLException;

    /** Increments a counter, creating it at 0 first; returns the new value. */
    abstract long increment(PooledConnection c, String name) throws SQLException;

    /** One statement (or a few) that may fail with an {@link SQLException}. */
    @FunctionalInterface
    interface SqlCall<T> {
        T call() throws SQLException;
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
            if (c instanceof SQLException e
                    && e.getSQLState() != null
                    && e.getSQLState().startsWith("08")) {
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
    static long updateElseInsert(SqlCall<OptionalLong> update, SqlCall<Long> insert) throws SQLException {
        for (int round = 0; ; round++) {
            OptionalLong updated = update.call();
            if (updated.isPresent()) {
                return updated.getAsLong();
            }
            try {
                return insert.call();
            } catch (SQLException e) {
                if (!isUniqueViolation(e) || round >= 3) {
                    throw e;
                }
            }
        }
    }
}
