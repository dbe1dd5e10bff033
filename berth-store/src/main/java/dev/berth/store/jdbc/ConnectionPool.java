package dev.berth.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small bounded pool of JDBC connections, each wrapped in a {@link PooledConnection} that keeps
 * its prepared statements and transaction mode across borrowings.
 *
 * <p>Why our own: HikariCP is not one of Berth's chosen dependencies, {@code PGSimpleDataSource}
 * does not pool at all, and H2's {@code JdbcConnectionPool} exists only for H2 and waits with
 * {@code Object.wait} and timeouts. What the store needs is about sixty lines: at most
 * {@code size} connections open, callers beyond that wait their turn, and a connection that broke
 * is closed instead of handed out again.
 *
 * <p>Threading: callers are typically virtual threads, many more of them than connections. They
 * wait on a fair {@link Semaphore}, which parks a virtual thread without pinning its carrier and
 * serves waiters in arrival order, so none starves under load. Idle connections sit in a LIFO
 * deque so the most recently used (warmest) one is reused first, except that a caller prefers an
 * idle connection already in the mode (read-only or read-write) it wants, which saves switching
 * the mode (a round trip on PostgreSQL) when reads and writes alternate. Invariant: a permit is held for
 * exactly as long as a connection is lent out. Waiting is bounded (30 s) so a caller that nests a
 * {@code transact} inside another one on the same thread fails loudly instead of hanging forever
 * once the pool is exhausted.
 */
final class ConnectionPool implements AutoCloseable {

    /** Opens one new physical connection. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    private static final long ACQUIRE_TIMEOUT_SECONDS = 30;

    private final Opener opener;
    private final int size;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<PooledConnection> idle = new ConcurrentLinkedDeque<>();
    private final Set<PooledConnection> broken = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ConnectionPool(Opener opener, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1: " + size);
        }
        this.opener = opener;
        this.size = size;
        this.permits = new Semaphore(size, true);
    }

    int size() {
        return size;
    }

    /**
     * Borrows a connection, waiting for one if all are lent out; give it back with
     * {@link #release}. The connection is not yet in the wanted mode: the caller sets it.
     */
    PooledConnection acquire(boolean readOnly) throws SQLException {
        if (closed) {
            throw new SQLException("the state store is closed", "08003");
        }
        try {
            if (!permits.tryAcquire(ACQUIRE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLException("no database connection free after " + ACQUIRE_TIMEOUT_SECONDS + " s (pool of "
                        + size + "; is a transaction nested inside another on one thread?)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection", e);
        }
        try {
            PooledConnection c = takeIdle(readOnly);
            return c != null ? c : open();
        } catch (SQLException | RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    private PooledConnection takeIdle(boolean readOnly) {
        for (PooledConnection c : idle) {
            if (c.isReadOnly() == readOnly && idle.removeFirstOccurrence(c)) {
                return c;
            }
        }
        return idle.pollFirst();
    }

    private PooledConnection open() throws SQLException {
        Connection c = opener.open();
        try {
            return new PooledConnection(c);
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.close();
            } catch (SQLException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Makes the next return of {@code c} close it instead of pooling it. */
    void markBroken(PooledConnection c) {
        broken.add(c);
    }

    /** Gives back a connection from {@link #acquire}; its transaction must have ended. */
    void release(PooledConnection c) {
        try {
            if (closed || broken.remove(c) || c.isClosed()) {
                c.closeQuietly();
            } else {
                idle.offerFirst(c);
                if (closed && idle.remove(c)) {
                    c.closeQuietly();
                }
            }
        } catch (SQLException e) {
            c.closeQuietly();
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (PooledConnection c; (c = idle.pollFirst()) != null; ) {
            c.closeQuietly();
        }
    }
}
