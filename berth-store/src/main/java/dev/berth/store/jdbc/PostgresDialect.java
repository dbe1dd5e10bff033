package dev.berth.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.Set;

/**
 * PostgreSQL specifics. Keys are {@code text COLLATE "C"} (byte order of UTF-8, i.e. code-point
 * order). Upserts use {@code INSERT ... ON CONFLICT}, which is safe under concurrency at READ
 * COMMITTED: a conflicting insert waits for the other transaction and then updates or does
 * nothing. Read-only transactions run as {@code REPEATABLE READ, READ ONLY} (one snapshot, and
 * the server itself refuses writes; set by {@link PooledConnection#setMode}). Serialization failures (40001) and deadlocks (40P01) are
 * retried.
 */
final class PostgresDialect extends Dialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {
        super("postgresql", Set.of("40001", "40P01"), false);
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
    boolean insert(PooledConnection c, String kind, String key, String json) throws SQLException {
        return c.update(INSERT_DOCUMENT + " ON CONFLICT DO NOTHING", kind, key, json) == 1;
    }

    @Override
    long put(PooledConnection c, String kind, String key, String json) throws SQLException {
        return one(c.queryLong(
                INSERT_DOCUMENT + " ON CONFLICT (kind, doc_key) DO UPDATE SET"
                        + " version = documents.version + 1, json = EXCLUDED.json, updated_at = EXCLUDED.updated_at"
                        + " RETURNING version",
                kind,
                key,
                json));
    }

    @Override
    long increment(PooledConnection c, String name) throws SQLException {
        return one(c.queryLong(
                "INSERT INTO counters (name, counter_value) VALUES (?, 1) ON CONFLICT (name)"
                        + " DO UPDATE SET counter_value = counters.counter_value + 1 RETURNING counter_value",
                name));
    }

    private static long one(OptionalLong value) throws SQLException {
        return value.orElseThrow(() -> new SQLException("an upsert with RETURNING returned no row"));
    }
}
