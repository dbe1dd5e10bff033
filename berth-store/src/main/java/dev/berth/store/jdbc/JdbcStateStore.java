package dev.berth.store.jdbc;

import dev.berth.store.StateStore;
import dev.berth.store.StoreException;
import dev.berth.store.Transaction;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@link StateStore} over plain JDBC, shared by the H2 and PostgreSQL backends; what differs
 * between them lives in a {@link Dialect}. Build one with {@link dev.berth.store.StateStores}.
 *
 * <p>Transactions: {@link #transact} runs at READ COMMITTED, the default of both databases.
 * That is enough for the {@code Transaction} contract because every write is a single statement
 * that re-checks its own condition under the row lock ({@code replace} compares the version in
 * its WHERE clause, upserts and increments lock the row they change), and read-modify-write goes
 * through {@code getForUpdate}. Conflicts therefore show up as lock waits rather than
 * serialization failures; the ones that remain (deadlocks, H2's MVStore races) are retried: the
 * whole of the caller's work runs again on a fresh transaction, up to {@value #MAX_ATTEMPTS}
 * attempts with a short randomised backoff, then a {@link StoreException} is thrown. {@link #read}
 * runs at REPEATABLE READ so that all of its statements see one snapshot. On H2, write
 * transactions additionally take turns (a fair semaphore) because that is what keeps a crash from
 * leaving part of one behind (see {@link H2Dialect}).
 *
 * <p>Why plain JDBC and no mapping library: a request of the server does one to three one-row
 * reads, so the store's own per-call overhead matters as much as the database's, and JDBI's
 * (configuration lookups, statement objects copied per call, handle creation, its JFR events)
 * and its class loading at start-up (most of a second on a cold JVM) were the largest avoidable
 * costs in the server's profile. Each attempt here is: borrow a {@link PooledConnection}, switch
 * its mode only if it differs, run cached prepared statements, commit, give it back.
 *
 * <p>Threading: thread-safe; meant to be called by many virtual threads at once. Each attempt
 * borrows one connection from the {@link ConnectionPool} for its whole duration and returns it
 * afterwards, so at most {@code poolSize} transactions run at a time and the rest wait (parked,
 * not pinned) for a connection. A transaction must not start another one on the same thread.
 *
 * <p>Durability: {@code transact} returns only after the database has committed. PostgreSQL's
 * default {@code synchronous_commit=on} flushes the WAL before that; for H2 the factory forces
 * {@code WRITE_DELAY=0}, which makes every commit write its changes to the file before returning
 * (see {@link dev.berth.store.StateStores}).
 */
public final class JdbcStateStore implements StateStore {

    /** How many times one call of {@link #transact} may run the caller's work. */
    public static final int MAX_ATTEMPTS = 5;

    private static final long WRITE_TURN_TIMEOUT_SECONDS = 30;

    private final Dialect dialect;
    private final ConnectionPool pool;
    /** Held by a write attempt for its whole duration when the dialect needs writers in turn; else null. */
    private final Semaphore writeTurn;

    JdbcStateStore(Dialect dialect, ConnectionPool pool) {
        this.dialect = dialect;
        this.pool = pool;
        this.writeTurn = dialect.oneWriterAtATime() ? new Semaphore(1, true) : null;
    }

    @Override
    public <T> T transact(Function<Transaction, T> work) {
        return run(Objects.requireNonNull(work, "work"), false);
    }

    @Override
    public <T> T read(Function<Transaction, T> work) {
        return run(Objects.requireNonNull(work, "work"), true);
    }

    @Override
    public String backend() {
        return dialect.name();
    }

    @Override
    public void close() {
        pool.close();
    }

    private <T> T run(Function<Transaction, T> work, boolean readOnly) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(work, readOnly);
            } catch (RuntimeException e) {
                if (!dialect.isRetryable(e)) {
                    throw e;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new StoreException("transaction still conflicting after " + attempt + " attempts", e);
                }
                backoff(attempt);
            }
        }
    }

    private <T> T attempt(Function<Transaction, T> work, boolean readOnly) {
        if (readOnly || writeTurn == null) {
            return attemptOnConnection(work, readOnly);
        }
        try {
            if (!writeTurn.tryAcquire(WRITE_TURN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new StoreException("no write turn after " + WRITE_TURN_TIMEOUT_SECONDS
                        + " s (is a transaction nested inside another on one thread?)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the write turn", e);
        }
        try {
            return attemptOnConnection(work, false);
        } finally {
            writeTurn.release();
        }
    }

    private <T> T attemptOnConnection(Function<Transaction, T> work, boolean readOnly) {
        PooledConnection connection;
        try {
            connection = pool.acquire(readOnly);
        } catch (SQLException e) {
            throw new StoreException("cannot get a database connection: " + e.getMessage(), e);
        }
        try {
            try {
                connection.setMode(readOnly);
            } catch (SQLException e) {
                rollback(connection, e);
                throw new StoreException("cannot start a transaction: " + e.getMessage(), e);
            }
            JdbcTransaction tx = new JdbcTransaction(connection, dialect, readOnly);
            try {
                T result = work.apply(tx);
                tx.end();
                connection.commit();
                return result;
            } catch (SQLException e) {
                tx.end();
                rollback(connection, e);
                throw new StoreException("transaction failed: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                tx.end();
                rollback(connection, e);
                throw e;
            }
        } finally {
            // The outcome is decided (committed, or rolled back and being reported); the pool
            // discards a connection that broke, so handing it back cannot fail the call.
            pool.release(connection);
        }
    }

    /** Ends a failed attempt; a connection that cannot even roll back is not reused. */
    private void rollback(PooledConnection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
            pool.markBroken(connection);
        }
        if (Dialect.isConnectionFailure(cause)) {
            pool.markBroken(connection);
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to retry a transaction", e);
        }
    }
}
