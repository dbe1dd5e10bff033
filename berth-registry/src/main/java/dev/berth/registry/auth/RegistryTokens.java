package dev.berth.registry.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The registry passwords GetAuthorizationToken hands out and {@code /v2/} accepts after
 * {@code docker login --username AWS}. A password names the access key it was issued to and its
 * expiry, signed with HMAC-SHA256 under a 32-byte secret kept in {@code <data-dir>/registry/token.key}
 * (mode 0600, created on first use), so any server sharing the data directory verifies it without a
 * store lookup and nothing needs to be remembered per token.
 *
 * <p>Format: {@code base64url(accessKeyId "." expiryEpochSeconds) "." base64url(hmac)} — only
 * {@code [A-Za-z0-9_-.]}, never a colon, because {@code aws ecr get-login-password} splits the
 * decoded {@code AWS:<password>} at the first colon. Tokens live 12 hours, as ECR's do.
 * Thread-safe: the secret is read once; each call makes its own {@link Mac}.
 */
public final class RegistryTokens {

    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final String ALGORITHM = "HmacSHA256";

    /** A password and the moment it stops being accepted. */
    public record Token(String password, Instant expiresAt) {
    }

    private final byte[] secret;
    private final Clock clock;

    public RegistryTokens(Path dataDir, Clock clock) {
        this.secret = loadOrCreate(dataDir.resolve("registry").resolve("token.key"));
        this.clock = clock;
    }

    public Token issue(String accessKeyId) {
        Instant expiresAt = clock.instant().plus(LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String payload = accessKeyId + "." + expiresAt.getEpochSecond();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String password = b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(mac(payload));
        return new Token(password, expiresAt);
    }

    /** The access key id a valid, unexpired password was issued to; empty for anything else. */
    public Optional<String> verify(String password) {
        if (password == null) {
            return Optional.empty();
        }
        int dot = password.indexOf('.');
        if (dot <= 0 || dot != password.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(password.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] given = Base64.getUrlDecoder().decode(password.substring(dot + 1));
            if (!MessageDigest.isEqual(given, mac(payload))) {
                return Optional.empty();
            }
            int sep = payload.lastIndexOf('.');
            long expiry = Long.parseLong(payload.substring(sep + 1));
            if (sep <= 0 || clock.instant().getEpochSecond() >= expiry) {
                return Optional.empty();
            }
            return Optional.of(payload.substring(0, sep));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Reads the secret, or writes a fresh one (0600, atomically, so concurrent starters agree on one). */
    private static byte[] loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            Files.createDirectories(file.getParent());
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            Path tmp = Files.createTempFile(file.getParent(), "token", ".tmp");
            try {
                restrict(tmp);
                Files.write(tmp, fresh);
                try {
                    Files.createLink(file, tmp); // fails if the file exists: the first writer wins, everyone reads its key
                } catch (FileAlreadyExistsException e) {
                    // another server won the race
                } catch (UnsupportedOperationException e) {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the registry token key " + file, e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        byte[] key = Files.readAllBytes(file);
        if (key.length != 32) {
            throw new IOException(file + " must hold 32 bytes, found " + key.length);
        }
        return key;
    }

    private static void restrict(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }
}
