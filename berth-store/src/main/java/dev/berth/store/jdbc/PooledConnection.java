package dev.berth.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One physical JDBC connection as the {@link ConnectionPool} holds it, with what the store keeps
 * per connection to make a transaction cheap.
 *
 * <p>Why it exists: every transaction of the server runs the same handful of statements, and
 * most are one-row reads whose cost is dominated by per-call overhead, not by the database.
 * So the connection stays in manual-commit mode for its whole life (a transaction begins
 * implicitly with its first statement and ends with {@link #commit} or {@link #rollback}), keeps
 * its prepared statements in a small LRU map keyed by SQL (no re-parsing; on PostgreSQL the
 * driver can then use a server-side prepared statement), and remembers its current read-only
 * flag and isolation level so that {@link #setMode} talks to the driver only when the mode
 * actually changes. Read-only transactions run at REPEATABLE READ (one snapshot) and with the
 * JDBC read-only flag, which costs nothing on H2 and makes PostgreSQL's driver begin them with
 * {@code BEGIN READ ONLY}, so the server itself refuses writes; read-write ones run at READ
 * COMMITTED (see {@link JdbcStateStore}).
 *
 * <p>Threading: not thread-safe; it belongs to whichever thread borrowed it from the pool, and
 * only the pool's idle list is shared. Statements are owned by the connection: callers must
 * close their {@link ResultSet}s but never the {@link PreparedStatement}s.
 */
final class PooledConnection {

    /** Distinct SQL texts the store uses are about twenty; the bound only guards against leaks. */
    private static final int MAX_STATEMENTS = 64;

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > MAX_STATEMENTS) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    };
    private boolean readOnly;
    private int isolation;

    /** Takes over {@code connection}: manual commit, read-write, READ COMMITTED. */
    PooledConnection(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
        connection.setReadOnly(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        this.isolation = Connection.TRANSACTION_READ_COMMITTED;
    }

    boolean isReadOnly() {
        return readOnly;
    }

    /** Puts the connection in read-only or read-write mode; call only between transactions. */
    void setMode(boolean wantReadOnly) throws SQLException {
        int wantIsolation =
                wantReadOnly ? Connection.TRANSACTION_REPEATABLE_READ : Connection.TRANSACTION_READ_COMMITTED;
        if (isolation != wantIsolation) {
            isolation = -1; // unknown until the driver has accepted the change
            connection.setTransactionIsolation(wantIsolation);
            isolation = wantIsolation;
        }
        if (readOnly != wantReadOnly) {
            connection.setReadOnly(wantReadOnly);
            readOnly = wantReadOnly;
        }
    }

    /** The cached statement for {@code sql}, preparing it on first use. Do not close it. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the number of rows it changed. */
    int update(String sql, Object... params) throws SQLException {
        return bind(prepare(sql), params).executeUpdate();
    }

    /** Runs a query whose result is at most one row with a number in its first column. */
    OptionalLong queryLong(String sql, Object... params) throws SQLException {
        try (ResultSet rs = bind(prepare(sql), params).executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
    }

    /** Runs a query whose result is exactly one row with a text in its first column. */
    String queryString(String sql) throws SQLException {
        try (ResultSet rs = prepare(sql).executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("no row from " + sql);
            }
            return rs.getString(1);
        }
    }

    static PreparedStatement bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    void commit() throws SQLException {
        connection.commit();
    }

    void rollback() throws SQLException {
        connection.rollback();
    }

    boolean isClosed() throws SQLException {
        return connection.isClosed();
    }

    /** Closes the statements and the connection, ignoring failures: it is being discarded. */
    void closeQuietly() {
        for (Iterator<PreparedStatement> it = statements.values().iterator(); it.hasNext(); ) {
            closeQuietly(it.next());
            it.remove();
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // nothing more to do for a connection we are discarding
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException | RuntimeException ignored) {
            // the statement is being discarded
        }
    }
}
