package dev.berth.store;

/**
 * A failure of the store itself (I/O, a lost connection, a conflict that persisted through every
 * retry), as opposed to an exception thrown by the caller's own transaction code, which
 * {@link StateStore#transact} propagates unchanged.
 *
 * <p>Callers normally let it travel up to the API layer, which answers with a server-side error;
 * the transaction that raised it has been rolled back (or, if the connection broke during
 * commit, its outcome is unknown, as with any database).
 */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
