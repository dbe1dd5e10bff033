package dev.berth.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the registry keeps blob bytes (layers, configs, manifests), addressed by their digest, and
 * the upload areas that become blobs. The interface is deliberately narrow, blocking and
 * stream-based, so that an S3-compatible backend can implement it later (uploads = multipart
 * uploads, commit = complete + copy); nothing above it assumes a file system except the optional
 * zero-copy {@link #file} fast path.
 *
 * <p>Invariants every implementation keeps (the shared {@code BlobStoreContract} suite checks them):
 * <ul>
 *   <li>A blob is visible under a digest only once bytes with exactly that digest are complete:
 *       uploads live apart and are moved into place atomically after verification, so a crash or a
 *       wrong digest never leaves a partial or corrupt blob visible.</li>
 *   <li>Blobs are global and shared: the same content uploaded twice (or into two repositories) is
 *       stored once; which repository may see a blob is the metadata's business, not the store's.</li>
 *   <li>Memory use is independent of blob size: bytes are streamed in both directions.</li>
 *   <li>All methods are thread-safe; concurrent appends to one upload are serialized, and concurrent
 *       commits of the same content both succeed.</li>
 * </ul>
 *
 * <p>Upload ids are chosen by the caller and must match {@link #validUploadId}; the store treats
 * them as opaque names.
 */
public interface BlobStore {

    /** A stored blob: its digest, length and when it was last written. */
    record BlobInfo(Digest digest, long size, Instant modifiedAt) {}

    /** An upload area: its id, the bytes received so far and when it last received any. */
    record UploadInfo(String id, long size, Instant modifiedAt) {}

    /** The upload does not exist (never created, committed, cancelled or expired). */
    final class UploadUnknownException extends Exception {
        private static final long serialVersionUID = 1L;

        public UploadUnknownException(String id) {
            super("upload " + id + " is unknown");
        }
    }

    /** An append did not start where the upload ends; {@link #size} is where it does end. */
    final class OffsetMismatchException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long size;

        public OffsetMismatchException(long size) {
            super("the upload holds " + size + " bytes");
            this.size = size;
        }

        public long size() {
            return size;
        }
    }

    /** The uploaded bytes do not have the digest the client claimed; nothing became visible. */
    final class DigestMismatchException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Digest actual;

        public DigestMismatchException(Digest expected, Digest actual) {
            super("the content has digest " + actual + ", not " + expected);
            this.actual = actual;
        }

        public Digest actual() {
            return actual;
        }
    }

    /** Upload ids are 1 to 64 characters of {@code [A-Za-z0-9-]}: safe as file and object names. */
    static boolean validUploadId(String id) {
        return id != null && id.matches("[A-Za-z0-9-]{1,64}");
    }

    Optional<BlobInfo> stat(Digest digest) throws IOException;

    /** The blob's bytes from {@code offset} on; empty when the blob does not exist. */
    Optional<InputStream> open(Digest digest, long offset) throws IOException;

    /**
     * The blob as a local file, when this backend keeps blobs as files, so the HTTP layer can send
     * it with zero-copy {@code sendFile}; empty otherwise or when the blob does not exist.
     */
    Optional<Path> file(Digest digest);

    /** Stores a small blob held in memory (a manifest), verifying it against {@code digest}. */
    BlobInfo put(Digest digest, byte[] content) throws IOException, DigestMismatchException;

    /** Starts an empty upload; an existing one with that id is left as it is. */
    void createUpload(String id) throws IOException;

    /** The upload's current state. */
    UploadInfo upload(String id) throws IOException, UploadUnknownException;

    /**
     * Appends everything {@code data} yields (at most {@code maxBytes}, more is an IOException) to
     * the upload, which must currently hold exactly {@code offset} bytes. Returns the new size. If
     * {@code data} fails midway, the bytes written so far stay (the client may resume after them).
     */
    long append(String id, long offset, InputStream data, long maxBytes)
            throws IOException, UploadUnknownException, OffsetMismatchException;

    /**
     * Verifies the upload against {@code expected} and moves it into place as that blob; the upload
     * is gone afterwards whatever the outcome (a mismatch discards it, as a registry must).
     */
    BlobInfo commit(String id, Digest expected) throws IOException, UploadUnknownException, DigestMismatchException;

    /** Discards the upload; false if it did not exist. */
    boolean cancel(String id) throws IOException;

    /** Every upload area, for expiry. */
    List<UploadInfo> uploads() throws IOException;

    /**
     * Deletes the blob if it was last written before {@code writtenBefore} (garbage collection's
     * grace period: a blob just committed again is kept). Returns true if it was deleted.
     */
    boolean delete(Digest digest, Instant writtenBefore) throws IOException;

    /** Calls {@code each} for every stored blob (order unspecified), for garbage collection. */
    void forEachBlob(Consumer<BlobInfo> each) throws IOException;
}
