package dev.berth.store;

import java.util.function.Function;

/**
 * The durable state of a Berth control plane, behind the narrowest interface that the API
 * handlers and controllers need.
 *
 * <p>State is a set of JSON documents, each named by a {@code kind} (e.g. {@code cluster},
 * {@code taskdef}) and a {@code key} that is unique within its kind. Keys are compared as
 * binary strings (code-point order), so hierarchical keys such as {@code web/000000012} scan in
 * order and make pagination a range query. Every document carries a version that increases on
 * each write, for compare-and-set. All access happens inside a transaction: either every write of
 * {@link #transact} becomes durable, or none does, and a write is acknowledged only after its
 * transaction has committed durably (a SIGKILL afterwards does not lose it).
 *
 * <p>Two implementations exist: an embedded H2 file (single process) and PostgreSQL (several
 * control-plane processes may share it). Both pass the same test suite,
 * {@code StateStoreContract} in this module's test jar.
 */
public interface StateStore extends AutoCloseable {

    /**
     * Runs {@code work} in one read-write transaction and commits it. If {@code work} throws, the
     * transaction rolls back and the exception propagates unchanged. When the backend reports a
     * serialization conflict or deadlock, the whole of {@code work} is run again (a bounded number
     * of times), so {@code work} must not have side effects outside the transaction. Failures of
     * the store itself, including a conflict that outlasts the retries, throw {@link StoreException}.
     * Do not call {@code transact} or {@code read} from inside {@code work}: each transaction holds
     * a pooled connection, and nesting can exhaust the pool.
     */
    <T> T transact(Function<Transaction, T> work);

    /**
     * Runs {@code work} in a read-only transaction that sees one consistent snapshot. Writes inside
     * it fail with {@link IllegalStateException}.
     */
    <T> T read(Function<Transaction, T> work);

    /** A short name of the backend, {@code h2} or {@code postgresql}, for logs and health output. */
    String backend();

    /** Releases connections and files. */
    @Override
    void close();
}
