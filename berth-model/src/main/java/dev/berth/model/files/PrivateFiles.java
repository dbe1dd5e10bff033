package dev.berth.model.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Writes secrets to disk (credentials, the join token, an agent's identity): mode 0600 from the
 * first byte (a temporary file created private, then atomically moved into place), so the file is
 * never readable by others and never seen half-written. Unchanged content is not rewritten.
 */
public final class PrivateFiles {

    private PrivateFiles() {}

    public static Path write(Path file, byte[] content) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)) {
                return file;
            }
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system; nothing to restrict
            }
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
