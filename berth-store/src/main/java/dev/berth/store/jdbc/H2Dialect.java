package dev.berth.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * H2 specifics. Keys are stored as UTF-8 {@code VARBINARY} because H2 compares strings by UTF-16
 * code units; H2 compares binary values as unsigned bytes, which for UTF-8 is code-point order.
 * H2 2.x has no concurrency-safe {@code INSERT ... ON CONFLICT}, but a failed H2 statement rolls
 * back alone, so upserts are update-else-insert with a retry on a duplicate key. Read-only
 * transactions run at REPEATABLE READ (a stable snapshot) and reset to READ COMMITTED afterwards.
 * H2 signals a deadlock with SQL state 40001 and a lost MVStore race with 90131; both are retried.
 */
final class H2Dialect extends Dialect {

    static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {
        super("h2", Set.of("40001", "90131"));
    }

    @Override
    Object keyParam(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    String readKey(ResultSet rs, int column) throws SQLException {
        return new String(rs.getBytes(column), StandardCharsets.UTF_8);
    }

    @Override
    boolean insert(Handle h, String kind, String key, String json) {
        try {
            return h.createUpdate(INSERT_DOCUMENT).bind(0, kind).bind(1, keyParam(key)).bind(2, json).execute() == 1;
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    long put(Handle h, String kind, String key, String json) {
        Object k = keyParam(key);
        return updateElseInsert(
                () -> h.createQuery("SELECT version FROM FINAL TABLE (UPDATE documents SET version = version + 1,"
                                + " json = ?, updated_at = CURRENT_TIMESTAMP WHERE kind = ? AND doc_key = ?)")
                        .bind(0, json).bind(1, kind).bind(2, k).mapTo(Long.class).findOne(),
                () -> {
                    h.createUpdate(INSERT_DOCUMENT).bind(0, kind).bind(1, k).bind(2, json).execute();
                    return 1L;
                });
    }

    @Override
    long increment(Handle h, String name) {
        return updateElseInsert(
                () -> h.createQuery("SELECT counter_value FROM FINAL TABLE"
                                + " (UPDATE counters SET counter_value = counter_value + 1 WHERE name = ?)")
                        .bind(0, name).mapTo(Long.class).findOne(),
                () -> {
                    h.createUpdate("INSERT INTO counters (name, counter_value) VALUES (?, 1)").bind(0, name).execute();
                    return 1L;
                });
    }

    @Override
    void beforeBegin(Handle h, boolean readOnly) throws SQLException {
        if (readOnly) {
            h.getConnection().setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
    }

    @Override
    void afterEnd(Handle h, boolean readOnly) throws SQLException {
        if (readOnly) {
            h.getConnection().setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
    }
}
