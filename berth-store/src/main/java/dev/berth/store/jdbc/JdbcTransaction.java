package dev.berth.store.jdbc;

import dev.berth.store.Entry;
import dev.berth.store.Page;
import dev.berth.store.StoreException;
import dev.berth.store.Transaction;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@link Transaction}, bound to one {@link PooledConnection} for the duration of a single
 * attempt of {@link JdbcStateStore#transact} or {@link JdbcStateStore#read}.
 *
 * <p>Not thread-safe: it belongs to the thread running the caller's work, like the connection
 * under it. Once the attempt ends it refuses every call, so a transaction object that escaped
 * its lambda cannot silently run statements in autocommit mode or on someone else's connection.
 * Arguments are validated (by {@link Arguments}) before any SQL runs; database failures come out
 * as {@link StoreException} with the SQL exception as cause, which is how the store recognises a
 * retryable conflict even after the caller's code has let it pass through. Statements are plain
 * JDBC on the connection's cached prepared statements; the SQL text of each call depends only on
 * which optional conditions it has (the scan limit is a parameter), so the cache stays small.
 */
final class JdbcTransaction implements Transaction {

    private static final String COLUMNS = "SELECT doc_key, version, json FROM documents WHERE kind = ?";

    private final PooledConnection connection;
    private final Dialect dialect;
    private final boolean readOnly;
    private boolean ended;

    JdbcTransaction(PooledConnection connection, Dialect dialect, boolean readOnly) {
        this.connection = connection;
        this.dialect = dialect;
        this.readOnly = readOnly;
    }

    void end() {
        ended = true;
    }

    @Override
    public Optional<Entry> get(String kind, String key) {
        return select(Arguments.kind(kind), Arguments.key(key), "");
    }

    @Override
    public Optional<Entry> getForUpdate(String kind, String key) {
        checkWritable("getForUpdate");
        return select(Arguments.kind(kind), Arguments.key(key), " FOR UPDATE");
    }

    private Optional<Entry> select(String kind, String key, String suffix) {
        checkOpen();
        return sql(() -> {
            PreparedStatement ps = connection.prepare(COLUMNS + " AND doc_key = ?" + suffix);
            ps.setString(1, kind);
            ps.setObject(2, dialect.keyParam(key));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Entry(kind, key, rs.getLong(2), rs.getString(3))) : Optional.empty();
            }
        });
    }

    @Override
    public Page scan(String kind, String keyPrefix, String afterKey, int limit) {
        Arguments.kind(kind);
        String prefix = Arguments.prefix(keyPrefix);
        if (afterKey != null) {
            Arguments.key(afterKey);
        }
        Arguments.limit(limit);
        checkOpen();
        StringBuilder sql = new StringBuilder(COLUMNS);
        List<Object> params = rangeParams(sql, kind, prefix);
        if (afterKey != null) {
            sql.append(" AND doc_key > ?");
            params.add(dialect.keyParam(afterKey));
        }
        sql.append(" ORDER BY doc_key LIMIT ?");
        params.add(limit + 1);
        List<Entry> rows = sql(() -> {
            List<Entry> list = new ArrayList<>();
            try (ResultSet rs = PooledConnection.bind(connection.prepare(sql.toString()), params.toArray())
                    .executeQuery()) {
                while (rs.next()) {
                    list.add(new Entry(kind, dialect.readKey(rs, 1), rs.getLong(2), rs.getString(3)));
                }
            }
            return list;
        });
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<Entry> page = new ArrayList<>(rows.subList(0, limit));
        return new Page(page, page.get(limit - 1).key());
    }

    @Override
    public long count(String kind, String keyPrefix) {
        Arguments.kind(kind);
        String prefix = Arguments.prefix(keyPrefix);
        checkOpen();
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM documents WHERE kind = ?");
        List<Object> params = rangeParams(sql, kind, prefix);
        return sql(() -> connection.queryLong(sql.toString(), params.toArray()).orElseThrow());
    }

    /**
     * The parameters of a statement whose SQL so far ends in {@code WHERE kind = ?}: the kind,
     * then the key range of a prefix, appended to {@code sql} (an index range scan; no LIKE, so
     * nothing to escape).
     */
    private List<Object> rangeParams(StringBuilder sql, String kind, String prefix) {
        List<Object> params = new ArrayList<>(5);
        params.add(kind);
        if (!prefix.isEmpty()) {
            sql.append(" AND doc_key >= ?");
            params.add(dialect.keyParam(prefix));
            String end = Arguments.prefixSuccessor(prefix);
            if (end != null) {
                sql.append(" AND doc_key < ?");
                params.add(dialect.keyParam(end));
            }
        }
        return params;
    }

    @Override
    public boolean insert(String kind, String key, String json) {
        validateWrite("insert", kind, key, json);
        return sql(() -> dialect.insert(connection, kind, key, json));
    }

    @Override
    public long put(String kind, String key, String json) {
        validateWrite("put", kind, key, json);
        return sql(() -> dialect.put(connection, kind, key, json));
    }

    @Override
    public boolean replace(String kind, String key, long expectedVersion, String json) {
        validateWrite("replace", kind, key, json);
        Arguments.version(expectedVersion);
        return sql(() -> connection.update(
                        "UPDATE documents SET version = version + 1, json = ?,"
                                + " updated_at = CURRENT_TIMESTAMP WHERE kind = ? AND doc_key = ? AND version = ?",
                        json,
                        kind,
                        dialect.keyParam(key),
                        expectedVersion)
                == 1);
    }

    @Override
    public boolean delete(String kind, String key) {
        Arguments.kind(kind);
        Arguments.key(key);
        checkWritable("delete");
        return sql(() ->
                connection.update("DELETE FROM documents WHERE kind = ? AND doc_key = ?", kind, dialect.keyParam(key))
                        == 1);
    }

    @Override
    public long increment(String counter) {
        Arguments.counter(counter);
        checkWritable("increment");
        return sql(() -> dialect.increment(connection, counter));
    }

    private void validateWrite(String op, String kind, String key, String json) {
        Arguments.kind(kind);
        Arguments.key(key);
        Arguments.json(json);
        checkWritable(op);
    }

    private void checkWritable(String op) {
        checkOpen();
        if (readOnly) {
            throw new IllegalStateException(op + " is not allowed in a read-only transaction");
        }
    }

    private void checkOpen() {
        if (ended) {
            throw new IllegalStateException("this transaction has ended; use the one passed to the current work");
        }
    }

    private static <T> T sql(Dialect.SqlCall<T> statement) {
        try {
            return statement.call();
        } catch (SQLException e) {
            throw new StoreException("state store statement failed: " + e.getMessage(), e);
        }
    }
}
