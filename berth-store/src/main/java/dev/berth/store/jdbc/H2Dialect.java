package dev.berth.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;

/**
 * H2 specifics. Keys are stored as UTF-8 {@code VARBINARY} because H2 compares strings by UTF-16
 * code units; H2 compares binary values as unsigned bytes, which for UTF-8 is code-point order.
 * H2 2.x has no concurrency-safe {@code INSERT ... ON CONFLICT}, but a failed H2 statement rolls
 * back alone, so upserts are update-else-insert with a retry on a duplicate key. Read-only
 * transactions run at REPEATABLE READ (a stable snapshot; see {@link PooledConnection#setMode}).
 * H2 signals a deadlock with SQL state 40001 and a lost MVStore race with 90131; both are retried.
 *
 * <p>Write transactions take turns ({@code oneWriterAtATime}). With {@code WRITE_DELAY=0} each
 * commit writes a new MVStore chunk from the committing thread, and that chunk takes the root of
 * each table's map one map after another. A second writer committing meanwhile can land in the
 * documents map's root but not in the counters map's root already taken, so a SIGKILL right after
 * that chunk left whole documents of a transaction without its counter increment ({@code
 * H2CrashTest} caught it in one CI run: four documents ahead of their counter). With one writer
 * at a time every chunk is cut at a transaction boundary. H2 serialises its commits anyway, so throughput barely changes;
 * reads never wait for the turn.
 */
final class H2Dialect extends Dialect {

    static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {
        super("h2", Set.of("40001", "90131"), true);
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
    boolean insert(PooledConnection c, String kind, String key, String json) throws SQLException {
        try {
            return c.update(INSERT_DOCUMENT, kind, keyParam(key), json) == 1;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    long put(PooledConnection c, String kind, String key, String json) throws SQLException {
        Object k = keyParam(key);
        return updateElseInsert(
                () -> c.queryLong(
                        "SELECT version FROM FINAL TABLE (UPDATE documents SET version = version + 1,"
                                + " json = ?, updated_at = CURRENT_TIMESTAMP WHERE kind = ? AND doc_key = ?)",
                        json,
                        kind,
                        k),
                () -> {
                    c.update(INSERT_DOCUMENT, kind, k, json);
                    return 1L;
                });
    }

    @Override
    long increment(PooledConnection c, String name) throws SQLException {
        return updateElseInsert(
                () -> c.queryLong(
                        "SELECT counter_value FROM FINAL TABLE"
                                + " (UPDATE counters SET counter_value = counter_value + 1 WHERE name = ?)",
                        name),
                () -> {
                    c.update("INSERT INTO counters (name, counter_value) VALUES (?, 1)", name);
                    return 1L;
                });
    }
}
