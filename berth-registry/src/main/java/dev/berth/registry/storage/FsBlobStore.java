package dev.berth.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link BlobStore} on a local file system, under {@code <data-dir>/registry/}.
 *
 * <pre>
 * &lt;root&gt;                                   (= &lt;data-dir&gt;/registry)
 *  |-- blobs/                               content-addressed, shared by all repositories
 *  |    |-- sha256/
 *  |    |    `-- ab/                        first two hex digits, to keep directories small
 *  |    |         `-- abcdef0123...(64 hex)/
 *  |    |              `-- data             the blob's bytes, complete and verified
 *  |    `-- sha512/
 *  |         `-- 9f/9f86d0...(128 hex)/data
 *  |-- uploads/                             in-progress uploads, never served
 *  |    `-- &lt;upload id&gt;/
 *  |         `-- data                       bytes received so far (its size is the resume offset)
 *  `-- tmp/                                 small blobs (manifests) being written before their rename
 * </pre>
 *
 * <p>Visibility: a blob's {@code data} file appears only through an atomic {@code rename(2)} of a
 * file that was fully written, fsync'ed and verified in the same file system, so a reader (or a
 * restart after SIGKILL) sees either nothing or the whole blob. Two uploads of the same content
 * both rename onto the same name; the bytes are identical, so either wins.
 *
 * <p>Hashing: while an upload is appended to in this process, a running SHA-256 follows it (no
 * second read of the bytes at commit). After a restart, or for a SHA-512 digest, the upload file is
 * read again at commit. Per-upload locks serialize appends and commit of one upload; per-digest
 * locks serialize a commit with garbage collection's delete of the same blob.
 */
public final class FsBlobStore implements BlobStore {

    private static final int COPY_BUFFER = 256 * 1024;

    private final Path blobs;
    private final Path uploadsDir;
    private final Path tmp;
    private final Map<String, ReentrantLock> uploadLocks = new ConcurrentHashMap<>();
    private final Map<String, RunningHash> hashes = new ConcurrentHashMap<>();
    private final ReentrantLock[] digestLocks = new ReentrantLock[64];

    /** SHA-256 of the first {@code bytes} bytes of an upload. */
    private static final class RunningHash {
        final MessageDigest sha256 = Digest.Algorithm.SHA256.newDigest();
        long bytes;
    }

    public FsBlobStore(Path root) {
        this.blobs = root.resolve("blobs");
        this.uploadsDir = root.resolve("uploads");
        this.tmp = root.resolve("tmp");
        for (int i = 0; i < digestLocks.length; i++) {
            digestLocks[i] = new ReentrantLock();
        }
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(uploadsDir);
            Files.createDirectories(tmp);
            // Small blobs staged before a crash never became visible; nothing refers to them.
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(tmp)) {
                for (Path p : stale) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the registry storage under " + root, e);
        }
    }

    Path blobPath(Digest d) {
        return blobs.resolve(d.algorithm().prefix())
                .resolve(d.hex().substring(0, 2))
                .resolve(d.hex())
                .resolve("data");
    }

    private Path uploadPath(String id) {
        if (!BlobStore.validUploadId(id)) {
            throw new IllegalArgumentException("invalid upload id");
        }
        return uploadsDir.resolve(id).resolve("data");
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(blobPath(digest), BasicFileAttributes.class);
            return Optional.of(
                    new BlobInfo(digest, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset) throws IOException {
        try {
            FileChannel ch = FileChannel.open(blobPath(digest), StandardOpenOption.READ);
            ch.position(offset);
            return Optional.of(Channels.newInputStream(ch));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Path> file(Digest digest) {
        Path p = blobPath(digest);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public BlobInfo put(Digest digest, byte[] content) throws IOException, DigestMismatchException {
        Digest actual = Digest.compute(digest.algorithm(), content);
        if (!actual.equals(digest)) {
            throw new DigestMismatchException(digest, actual);
        }
        Path staged = tmp.resolve(UUID.randomUUID().toString());
        try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        return placeStaged(staged, digest, content.length);
    }

    /** Renames a complete, verified, synced file into place as {@code digest} (under its digest lock). */
    private BlobInfo placeStaged(Path staged, Digest digest, long size) throws IOException {
        Path target = blobPath(digest);
        ReentrantLock lock = digestLock(digest);
        lock.lock();
        try {
            Files.createDirectories(target.getParent());
            // A fresh modification time tells garbage collection this content was just written again.
            Instant now = Instant.now();
            Files.setLastModifiedTime(staged, FileTime.from(now));
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new BlobInfo(digest, size, now);
        } finally {
            lock.unlock();
            Files.deleteIfExists(staged);
        }
    }

    @Override
    public void createUpload(String id) throws IOException {
        Path p = uploadPath(id);
        Files.createDirectories(p.getParent());
        try {
            Files.createFile(p);
            hashes.put(id, new RunningHash());
        } catch (FileAlreadyExistsException e) {
            // idempotent
        }
    }

    @Override
    public UploadInfo upload(String id) throws IOException, UploadUnknownException {
        try {
            BasicFileAttributes a = Files.readAttributes(uploadPath(id), BasicFileAttributes.class);
            return new UploadInfo(id, a.size(), a.lastModifiedTime().toInstant());
        } catch (NoSuchFileException e) {
            throw new UploadUnknownException(id);
        }
    }

    @Override
    public long append(String id, long offset, InputStream data, long maxBytes)
            throws IOException, UploadUnknownException, OffsetMismatchException {
        ReentrantLock lock = uploadLocks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try (FileChannel ch = openUpload(id)) {
            long size = ch.size();
            if (size != offset) {
                throw new OffsetMismatchException(size);
            }
            ch.position(size);
            RunningHash hash = hashes.get(id);
            if (hash != null && hash.bytes != size) {
                hashes.remove(id);
                hash = null;
            }
            byte[] buf = new byte[COPY_BUFFER];
            long written = 0;
            int n;
            // Fill the buffer before each write: one syscall and one digest update per 256 KiB, not per
            // network chunk.
            while ((n = data.readNBytes(buf, 0, buf.length)) > 0) {
                if (written + n > maxBytes) {
                    throw new IOException("the upload exceeds " + maxBytes + " bytes");
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                if (hash != null) {
                    hash.sha256.update(buf, 0, n);
                    hash.bytes += n;
                }
                written += n;
            }
            return size + written;
        } finally {
            lock.unlock();
        }
    }

    private FileChannel openUpload(String id) throws IOException, UploadUnknownException {
        try {
            return FileChannel.open(uploadPath(id), StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new UploadUnknownException(id);
        }
    }

    @Override
    public BlobInfo commit(String id, Digest expected)
            throws IOException, UploadUnknownException, DigestMismatchException {
        ReentrantLock lock = uploadLocks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            Path p = uploadPath(id);
            long size;
            Digest actual;
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                size = ch.size();
                RunningHash hash = hashes.get(id);
                if (hash != null && hash.bytes == size && expected.algorithm() == Digest.Algorithm.SHA256) {
                    actual = Digest.of(Digest.Algorithm.SHA256, hash.sha256.digest());
                } else {
                    actual = hashFile(ch, expected.algorithm());
                }
                if (actual.equals(expected)) {
                    ch.force(true);
                }
            } catch (NoSuchFileException e) {
                throw new UploadUnknownException(id);
            }
            if (!actual.equals(expected)) {
                discard(id);
                throw new DigestMismatchException(expected, actual);
            }
            BlobInfo info = placeStaged(p, expected, size);
            discard(id);
            return info;
        } finally {
            lock.unlock();
            uploadLocks.remove(id);
        }
    }

    private static Digest hashFile(FileChannel ch, Digest.Algorithm alg) throws IOException {
        MessageDigest md = alg.newDigest();
        ByteBuffer buf = ByteBuffer.allocate(COPY_BUFFER);
        long pos = 0;
        int n;
        while ((n = ch.read(buf, pos)) > 0) {
            buf.flip();
            md.update(buf);
            buf.clear();
            pos += n;
        }
        return Digest.of(alg, md.digest());
    }

    @Override
    public boolean cancel(String id) throws IOException {
        ReentrantLock lock = uploadLocks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            return discard(id);
        } finally {
            lock.unlock();
            uploadLocks.remove(id);
        }
    }

    private boolean discard(String id) throws IOException {
        hashes.remove(id);
        Path p = uploadPath(id);
        boolean existed = Files.deleteIfExists(p);
        Files.deleteIfExists(p.getParent());
        return existed;
    }

    @Override
    public List<UploadInfo> uploads() throws IOException {
        List<UploadInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(uploadsDir)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (!BlobStore.validUploadId(id)) {
                    continue;
                }
                try {
                    out.add(upload(id));
                } catch (UploadUnknownException e) {
                    // an empty directory left by a crash between mkdir and create: expired with age
                    out.add(new UploadInfo(id, 0, Files.getLastModifiedTime(dir).toInstant()));
                }
            }
        }
        return out;
    }

    @Override
    public boolean delete(Digest digest, Instant writtenBefore) throws IOException {
        ReentrantLock lock = digestLock(digest);
        lock.lock();
        try {
            Path p = blobPath(digest);
            Optional<BlobInfo> info = stat(digest);
            if (info.isEmpty() || !info.get().modifiedAt().isBefore(writtenBefore)) {
                return false;
            }
            Files.delete(p);
            Files.deleteIfExists(p.getParent());
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void forEachBlob(Consumer<BlobInfo> each) throws IOException {
        for (Digest.Algorithm alg : Digest.Algorithm.values()) {
            Path algDir = blobs.resolve(alg.prefix());
            if (!Files.isDirectory(algDir)) {
                continue;
            }
            try (DirectoryStream<Path> shards = Files.newDirectoryStream(algDir)) {
                for (Path shard : shards) {
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(shard)) {
                        for (Path entry : entries) {
                            Optional<Digest> d = Digest.parse(alg.prefix() + ":" + entry.getFileName());
                            if (d.isPresent()) {
                                stat(d.get()).ifPresent(each);
                            }
                        }
                    }
                }
            }
        }
    }

    private ReentrantLock digestLock(Digest d) {
        return digestLocks[Math.floorMod(d.hex().hashCode(), digestLocks.length)];
    }
}
