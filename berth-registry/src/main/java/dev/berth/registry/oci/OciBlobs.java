package dev.berth.registry.oci;

import dev.berth.protocol.http.RequestStream;
import dev.berth.registry.RegistryError;
import dev.berth.registry.RegistryError.Code;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.auth.RegistryAuthorizer;
import dev.berth.registry.meta.Images;
import dev.berth.registry.meta.LayerLink;
import dev.berth.registry.meta.UploadSession;
import dev.berth.registry.meta.Uploads;
import dev.berth.registry.storage.Digest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob endpoints under {@code /v2/<name>/blobs/}: download (with a single Range), HEAD, delete (the
 * blob's link in the repository; the bytes go when garbage collection finds nothing using them),
 * and the upload protocol (POST, monolithic or with mount, PATCH chunks, GET status, PUT to finish,
 * DELETE to cancel). Bodies arrive as {@link RequestStream}s and stream into the blob store.
 */
final class OciBlobs {

    /** Largest blob accepted in one upload (ECR's layer limit is 52,000 MiB). */
    static final long MAX_BLOB = 52_000L * 1024 * 1024;

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?");

    private final Images images;
    private final Uploads uploads;

    OciBlobs(Images images, Uploads uploads) {
        this.images = images;
        this.uploads = uploads;
    }

    static String range(long size) {
        return "0-" + Math.max(0, size - 1);
    }

    private static Digest digest(String text) {
        return Digest.parse(text).orElseThrow(() -> new RegistryError(Code.DIGEST_INVALID, "invalid digest: " + text));
    }

    void get(OciExchange ex, String repo, String digestText, boolean head) {
        Digest d = Digest.parse(digestText).orElseThrow(() -> new RegistryError(Code.DIGEST_INVALID, "invalid digest"));
        Optional<LayerLink> link = images.visibleBlob(repo, d);
        if (link.isEmpty()) {
            throw new RegistryError(Code.BLOB_UNKNOWN, "blob unknown to registry: " + d);
        }
        long size = images.stat(d)
                .orElseThrow(() -> new RegistryError(Code.BLOB_UNKNOWN, "blob unknown"))
                .size();
        MultiMap h = ex.headers()
                .add("Docker-Content-Digest", d.toString())
                .add("Accept-Ranges", "bytes")
                .add("Content-Type", "application/octet-stream")
                .add("ETag", "\"" + d + "\"")
                .add("Cache-Control", "max-age=31536000");
        long offset = 0;
        long length = size;
        int status = 200;
        String rangeHeader = ex.req.getHeader("Range");
        if (rangeHeader != null && !head) {
            Matcher m = RANGE.matcher(rangeHeader.trim());
            long start;
            long end;
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                start = -1;
                end = -1;
            } else if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            }
            if (start < 0 || start >= size || end < start) {
                ex.send(416, h.add("Content-Range", "bytes */" + size), null);
                return;
            }
            offset = start;
            length = end - start + 1;
            status = 206;
            h.add("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        h.add("Content-Length", Long.toString(length));
        if (head) {
            ex.send(200, h, null);
            return;
        }
        Optional<Path> file = images.blobs().file(d);
        if (file.isPresent()) {
            ex.sendFile(status, h, file.get(), offset, length);
        } else {
            stream(ex, status, h, d, offset, length);
        }
    }

    /** The portable path: copies a blob store stream to the response with back-pressure. */
    private void stream(OciExchange ex, int status, MultiMap h, Digest d, long offset, long length) {
        try (InputStream in = images.blobs()
                .open(d, offset)
                .orElseThrow(() -> new RegistryError(Code.BLOB_UNKNOWN, "blob unknown"))) {
            java.util.concurrent.CompletableFuture<Void> ready = new java.util.concurrent.CompletableFuture<>();
            ex.ctx.runOnContext(v -> {
                ex.req.response().setStatusCode(status).headers().addAll(h);
                ready.complete(null);
            });
            ready.join();
            byte[] buf = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
                Buffer chunk = Buffer.buffer(java.util.Arrays.copyOf(buf, n));
                java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();
                ex.ctx.runOnContext(v -> ex.req.response().write(chunk).onComplete(r -> written.complete(null)));
                written.join();
            }
            ex.ctx.runOnContext(v -> ex.req.response().end());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete(OciExchange ex, String repo, String digestText) {
        Digest d = digest(digestText);
        boolean removed = images.store()
                .transact(tx -> tx.delete(RegistryKinds.LAYER, RegistryKinds.layerKey(repo, d.toString())));
        if (!removed) {
            throw new RegistryError(Code.BLOB_UNKNOWN, "blob unknown to registry: " + d);
        }
        ex.send(202, ex.headers().add("Docker-Content-Digest", d.toString()), null);
    }

    /** POST: a new session, a monolithic upload ({@code digest=}), or a cross-repository mount. */
    void start(OciExchange ex, String repo, RegistryAuthorizer.Principal who, RequestStream body) {
        String mount = ex.req.getParam("mount");
        String from = ex.req.getParam("from");
        if (mount != null) {
            Digest d = digest(mount);
            if (from != null && mountable(who, from, d)) {
                long size = images.stat(d).orElseThrow().size();
                images.ensureGcEpoch();
                images.store().transact(tx -> images.link(tx, repo, d, size));
                created(ex, repo, d);
                return;
            }
            // Not mountable: the spec says to answer with an ordinary upload session instead.
        }
        String digestParam = ex.req.getParam("digest");
        Digest expected = digestParam == null ? null : digest(digestParam);
        if (expected != null && images.stat(expected).isPresent() && contentLength(ex) == 0) {
            // Some clients POST an empty body with digest= for content they know the registry holds.
            images.ensureGcEpoch();
            images.store()
                    .transact(tx -> images.link(
                            tx, repo, expected, images.stat(expected).get().size()));
            created(ex, repo, expected);
            return;
        }
        UploadSession session = uploads.start(repo, "OCI");
        if (expected != null) {
            uploads.append(session, 0L, body, MAX_BLOB);
            uploads.complete(session, expected);
            created(ex, repo, expected);
            return;
        }
        drain(body);
        accepted(ex, repo, session.id(), 0);
    }

    private boolean mountable(RegistryAuthorizer.Principal who, String from, Digest d) {
        if (!dev.berth.registry.meta.Repositories.validName(from)) {
            return false;
        }
        return images.store().read(tx -> images.repositories().find(tx, from)).isPresent()
                && images.visibleBlob(from, d).isPresent();
    }

    void status(OciExchange ex, String repo, String id) {
        UploadSession s = uploads.require(repo, id);
        long size = uploads.size(s.id());
        ex.send(
                204,
                ex.headers()
                        .add("Location", location(repo, id))
                        .add("Range", range(size))
                        .add("Docker-Upload-UUID", id),
                null);
    }

    void patch(OciExchange ex, String repo, String id, RequestStream body) {
        UploadSession s = uploads.require(repo, id);
        Long offset = null;
        String cr = ex.req.getHeader("Content-Range");
        if (cr != null) {
            Matcher m = CONTENT_RANGE.matcher(cr.trim());
            if (!m.matches()) {
                throw new RegistryError(Code.RANGE_INVALID, "invalid Content-Range " + cr);
            }
            offset = Long.parseLong(m.group(1));
            long current = uploads.size(s.id());
            if (offset != current) {
                throw new Uploads.RangeMismatch(current);
            }
        }
        long size = uploads.append(s, offset, body, MAX_BLOB);
        accepted(ex, repo, id, size);
    }

    void finish(OciExchange ex, String repo, String id, RequestStream body) {
        UploadSession s = uploads.require(repo, id);
        Digest d = digest(Optional.ofNullable(ex.req.getParam("digest"))
                .orElseThrow(() -> new RegistryError(Code.DIGEST_INVALID, "the digest parameter is required")));
        if (contentLength(ex) != 0) {
            uploads.append(s, null, body, MAX_BLOB);
        } else {
            drain(body);
        }
        uploads.complete(s, d);
        created(ex, repo, d);
    }

    void cancel(OciExchange ex, String repo, String id) {
        uploads.cancel(uploads.require(repo, id));
        ex.send(204, ex.headers(), null);
    }

    private static long contentLength(OciExchange ex) {
        String cl = ex.req.getHeader("Content-Length");
        if (cl == null) {
            return ex.req.getHeader("Transfer-Encoding") != null ? -1 : 0;
        }
        try {
            return Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void drain(InputStream body) {
        try {
            body.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client went away; nothing to keep
        }
    }

    private static String location(String repo, String id) {
        return "/v2/" + repo + "/blobs/uploads/" + id;
    }

    private void created(OciExchange ex, String repo, Digest d) {
        ex.send(
                201,
                ex.headers().add("Location", "/v2/" + repo + "/blobs/" + d).add("Docker-Content-Digest", d.toString()),
                null);
    }

    private void accepted(OciExchange ex, String repo, String id, long size) {
        ex.send(
                202,
                ex.headers()
                        .add("Location", location(repo, id))
                        .add("Range", range(size))
                        .add("Docker-Upload-UUID", id)
                        .add("OCI-Chunk-Min-Length", "0"),
                null);
    }
}
