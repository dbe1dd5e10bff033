package dev.berth.objects;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The bytes of objects and parts, as files under {@code <data-dir>/objects/}:
 * <pre>
 * objects/
 *  |-- data/
 *  |    `-- 3f/3f2a...(uuid)     one file per object or part version, never rewritten
 *  `-- tmp/                      bodies being received; never referenced by the store
 * </pre>
 *
 * <p>Visibility: a body streams into {@code tmp/} (never held in memory), is fsync'ed, and only then
 * renamed atomically into {@code data/}; the store document that names it is written after that.
 * So a crash leaves at worst an unreferenced file, never a document pointing at a partial one;
 * {@code tmp/} is emptied when the server starts.
 * Files are named by random ids, not by content: an overwrite writes a new file and deletes the
 * old one after the store switched to the new one, so a GET in flight keeps reading whole bytes.
 *
 * <p>Thread-safe: no shared mutable state beyond the file system.
 */
final class ObjectFiles {

    private static final int BUFFER = 128 * 1024;

    private final Path data;
    private final Path tmp;

    /** A body fully written to a temporary file and fsync'ed, not yet visible. */
    record Staged(Path file, long size, byte[] md5) {}

    ObjectFiles(Path root) {
        this.data = root.resolve("data");
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(data);
            Files.createDirectories(tmp);
            // nothing is being received yet: what a previous run left in tmp/ is never referenced
            try (var leftovers = Files.newDirectoryStream(tmp)) {
                for (Path p : leftovers) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create object directories under " + root, e);
        }
    }

    /**
     * Streams {@code in} into a temporary file, computing its MD5.
     *
     * @param maxBytes a body longer than this is refused ({@code EntityTooLarge}) and discarded
     */
    Staged stage(InputStream in, long maxBytes) throws IOException {
        Path file = tmp.resolve(UUID.randomUUID().toString());
        MessageDigest md5 = md5();
        long size = 0;
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[BUFFER];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                size += n;
                if (size > maxBytes) {
                    throw S3Errors.entityTooLarge(maxBytes);
                }
                md5.update(buf, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            }
            ch.force(true);
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(file);
            }
        }
        return new Staged(file, size, md5.digest());
    }

    /** Concatenates existing data files into a staged file (completing a multipart upload). */
    Staged concat(Iterable<String> names) throws IOException {
        Path file = tmp.resolve(UUID.randomUUID().toString());
        long size = 0;
        boolean ok = false;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (String name : names) {
                try (FileChannel in = FileChannel.open(path(name), StandardOpenOption.READ)) {
                    long len = in.size();
                    long done = 0;
                    while (done < len) {
                        done += in.transferTo(done, len - done, out);
                    }
                    size += len;
                }
            }
            out.force(true);
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(file);
            }
        }
        return new Staged(file, size, null);
    }

    /** Copies a data file into a staged file (CopyObject). */
    Staged copy(String name) throws IOException {
        return concat(java.util.List.of(name));
    }

    /** Makes a staged file a data file (atomic rename) and returns its name. */
    String commit(Staged staged) throws IOException {
        String id = UUID.randomUUID().toString();
        Path target = path(id);
        Files.createDirectories(target.getParent());
        Files.move(staged.file(), target, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    /** Discards a staged file that will not be committed. */
    void discard(Staged staged) {
        if (staged != null) {
            try {
                Files.deleteIfExists(staged.file());
            } catch (IOException e) {
                // an unreferenced file in tmp/ harms nothing
            }
        }
    }

    /** Deletes a data file that no document names any more. */
    void delete(String name) {
        if (name == null) {
            return;
        }
        try {
            Files.deleteIfExists(path(name));
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path(String name) {
        return data.resolve(name.substring(0, 2)).resolve(name);
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JDK", e);
        }
    }
}
