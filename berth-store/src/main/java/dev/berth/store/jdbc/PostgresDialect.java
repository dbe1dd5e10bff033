package dev.berth.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * PostgreSQL specifics. Keys are {@code text COLLATE "C"} (byte order of UTF-8, i.e. code-point
 * order). Upserts use {@code INSERT ... ON CONFLICT}, which is safe under concurrency at READ
 * COMMITTED: a conflicting insert waits for the other transaction and then updates or does
 * nothing. Read-only transactions run as {@code REPEATABLE READ, READ ONLY} (one snapshot, and
 * the server itself refuses writes). Serialization failures (40001) and deadlocks (40P01) are
 * retried.
 */
final class PostgresDialect extends Dialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {
        super("postgresql", Set.of("40001", "40P01"));
    }

    @Override
    Object keyParam(String key) {
        return key;
    }

    @Override
    String readKey(ResultSet rs, int column) throws SQLException {
        return rs.getString(column);
    }

    @Override
    boolean insert(Handle h, String kind, String key, String json) {
        return h.createUpdate(INSERT_DOCUMENT + " ON CONFLICT DO NOTHING")
                .bind(0, kind).bind(1, key).bind(2, json).execute() == 1;
    }

    @Override
    long put(Handle h, String kind, String key, String json) {
        return h.createQuery(INSERT_DOCUMENT + " ON CONFLICT (kind, doc_key) DO UPDATE SET"
                        + " version = documents.version + 1, json = EXCLUDED.json, updated_at = EXCLUDED.updated_at"
                        + " RETURNING version")
                .bind(0, kind).bind(1, key).bind(2, json).mapTo(Long.class).one();
    }

    @Override
    long increment(Handle h, String name) {
        return h.createQuery("INSERT INTO counters (name, counter_value) VALUES (?, 1) ON CONFLICT (name)"
                        + " DO UPDATE SET counter_value = counters.counter_value + 1 RETURNING counter_value")
                .bind(0, name).mapTo(Long.class).one();
    }

    @Override
    void afterBegin(Handle h, boolean readOnly) {
        if (readOnly) {
            h.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
    }
}
