package dev.berth.registry.meta;

import dev.berth.registry.RegistryError;
import dev.berth.registry.RegistryError.Code;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.storage.BlobStore;
import dev.berth.registry.storage.Digest;
import dev.berth.store.StorePages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Blob upload sessions, shared by the OCI push endpoints and ECR's InitiateLayerUpload /
 * UploadLayerPart / CompleteLayerUpload. A session belongs to one repository; its bytes live in the
 * blob store's upload area, whose size is the offset a client resumes at (also after a server
 * restart: nothing about an upload lives only in memory). Completing verifies the digest, moves
 * the bytes into place and links the blob into the repository; a wrong digest discards the upload
 * and nothing becomes visible.
 *
 * <p>State machine of a session: OPEN (created) --append*--> OPEN --complete--> gone (blob linked)
 * | --cancel / digest mismatch / idle longer than {@link #expiry()}--> gone (bytes discarded).
 */
public final class Uploads {

    /** How long an upload session may sit idle before housekeeping discards it. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofHours(24);

    private final Images images;
    private final Duration expiry;

    public Uploads(Images images, Duration expiry) {
        this.images = images;
        this.expiry = expiry;
    }

    public Duration expiry() {
        return expiry;
    }

    /** Opens a session in {@code repo} (which must exist) and returns it. */
    public UploadSession start(String repo, String api) {
        String id = UUID.randomUUID().toString();
        long now = images.clock().millis();
        UploadSession session = new UploadSession(id, repo, api, now, now, 0, 0, false);
        images.store().transact(tx -> {
            images.requireRepo(tx, repo);
            images.docs().insert(tx, RegistryKinds.UPLOAD, id, session);
            return null;
        });
        try {
            images.blobs().createUpload(id);
        } catch (IOException e) {
            images.store().transact(tx -> tx.delete(RegistryKinds.UPLOAD, id));
            throw new UncheckedIOException(e);
        }
        return session;
    }

    /** The session {@code id} of {@code repo}, or BLOB_UPLOAD_UNKNOWN. */
    public UploadSession require(String repo, String id) {
        if (!BlobStore.validUploadId(id)) {
            throw unknown();
        }
        return images.store()
                .read(tx -> images.docs().get(tx, RegistryKinds.UPLOAD, id, UploadSession.class))
                .filter(s -> s.repositoryName().equals(repo))
                .orElseThrow(Uploads::unknown);
    }

    /** Bytes received so far by session {@code id}. */
    public long size(String id) {
        try {
            return images.blobs().upload(id).size();
        } catch (BlobStore.UploadUnknownException e) {
            throw unknown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends {@code data} to the session; {@code offset} (null = wherever it ends) must be where it
     * ends, else RANGE_INVALID carrying the current size. Returns the new size.
     */
    public long append(UploadSession session, Long offset, InputStream data, long maxBytes) {
        long start = offset == null ? size(session.id()) : offset;
        try {
            long size = images.blobs().append(session.id(), start, data, maxBytes);
            if ("ECR".equals(session.api())) {
                // ECR's part rules need the part history; OCI sessions are kept alive by the upload
                // file's modification time instead (see expire), sparing a store write per chunk.
                touch(session.id(), size - start);
            }
            return size;
        } catch (BlobStore.OffsetMismatchException e) {
            throw new RangeMismatch(e.size());
        } catch (BlobStore.UploadUnknownException e) {
            throw unknown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RANGE_INVALID with the upload's actual size, for the 416 response's Range header. */
    public static final class RangeMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long size;

        public RangeMismatch(long size) {
            super("the upload holds " + size + " bytes", null, false, false);
            this.size = size;
        }

        public long size() {
            return size;
        }
    }

    private void touch(String id, long partSize) {
        long now = images.clock().millis();
        images.store().transact(tx -> {
            images.docs()
                    .getForUpdate(tx, RegistryKinds.UPLOAD, id, UploadSession.class)
                    .ifPresent(s -> images.docs().put(tx, RegistryKinds.UPLOAD, id, s.withPart(now, partSize)));
            return null;
        });
    }

    /** Verifies and stores the upload as {@code digest} and links it into the session's repository. */
    public BlobStore.BlobInfo complete(UploadSession session, Digest digest) {
        BlobStore.BlobInfo info;
        try {
            info = images.blobs().commit(session.id(), digest);
        } catch (BlobStore.DigestMismatchException e) {
            images.store().transact(tx -> tx.delete(RegistryKinds.UPLOAD, session.id()));
            throw new RegistryError(
                    Code.DIGEST_INVALID,
                    "provided digest did not match uploaded content: the content has " + e.actual() + ", not "
                            + digest);
        } catch (BlobStore.UploadUnknownException e) {
            throw unknown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        images.ensureGcEpoch();
        images.store().transact(tx -> {
            tx.delete(RegistryKinds.UPLOAD, session.id());
            images.link(tx, session.repositoryName(), digest, info.size());
            return null;
        });
        return info;
    }

    /** Discards the session and its bytes. */
    public void cancel(UploadSession session) {
        images.store().transact(tx -> tx.delete(RegistryKinds.UPLOAD, session.id()));
        try {
            images.blobs().cancel(session.id());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Discards sessions idle longer than the expiry, and upload areas no session owns (left by a
     * crash between the two writes of {@link #start}) once they are as old. Returns how many.
     */
    public int expire() {
        Instant cutoff = images.clock().instant().minus(expiry);
        List<UploadSession> stale = new ArrayList<>();
        Set<String> known = new HashSet<>();
        images.store().read(tx -> {
            StorePages.forEach(tx, RegistryKinds.UPLOAD, "", e -> {
                UploadSession s = images.docs().read(e, UploadSession.class);
                known.add(s.id());
                if (s.touchedAt() < cutoff.toEpochMilli()) {
                    stale.add(s);
                }
            });
            return null;
        });
        int n = 0;
        for (UploadSession s : stale) {
            Optional<BlobStore.UploadInfo> area = area(s.id());
            if (area.isPresent() && !area.get().modifiedAt().isBefore(cutoff)) {
                continue; // bytes still arriving in a long PATCH
            }
            cancel(s);
            n++;
        }
        try {
            for (BlobStore.UploadInfo u : images.blobs().uploads()) {
                if (!known.contains(u.id())
                        && u.modifiedAt().isBefore(cutoff)
                        && images.store()
                                .read(tx -> tx.get(RegistryKinds.UPLOAD, u.id()))
                                .isEmpty()) {
                    images.blobs().cancel(u.id());
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    private Optional<BlobStore.UploadInfo> area(String id) {
        try {
            return Optional.of(images.blobs().upload(id));
        } catch (BlobStore.UploadUnknownException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RegistryError unknown() {
        return new RegistryError(Code.BLOB_UPLOAD_UNKNOWN, "blob upload unknown to registry");
    }
}
