package dev.berth.store.crypto;

import dev.berth.model.files.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The root of Berth's envelope encryption: one AES-256 key that wraps everything else (the KMS keys'
 * material, the access keys' secrets). It never enters the state store, so a copy of the store alone
 * (an H2 file, a PostgreSQL dump) reveals no secret.
 *
 * <p>Where it comes from, first match wins: the operator's {@code BERTH_MASTER_KEY} (base64 of 32
 * bytes), the operator's key file ({@code --master-key-file} / {@code BERTH_MASTER_KEY_FILE}, same
 * base64 text), else {@code <data-dir>/master.key}, created with mode 0600 on first start. Servers
 * that share a PostgreSQL store must be given the same key; {@link #fingerprint()} lets the server
 * refuse to start with a key other than the one its store was sealed with.
 *
 * <p>Immutable and thread-safe.
 */
public final class MasterKey {

    public static final String FILE = "master.key";
    public static final String ENV_KEY = "BERTH_MASTER_KEY";
    public static final String ENV_FILE = "BERTH_MASTER_KEY_FILE";

    private final byte[] key;
    private final String source;

    private MasterKey(byte[] key, String source) {
        if (key.length != Aead.KEY_BYTES) {
            throw new IllegalArgumentException("the master key from " + source + " must be " + Aead.KEY_BYTES
                    + " bytes (base64), not " + key.length);
        }
        this.key = key.clone();
        this.source = source;
    }

    /** A key given directly (tests, tools). */
    public static MasterKey of(byte[] key) {
        return new MasterKey(key, "memory");
    }

    /**
     * The master key for a server with {@code dataDir}: {@code base64} when given, else {@code file}
     * when given (it must exist), else the data dir's {@code master.key}, created if missing.
     */
    public static MasterKey load(Path dataDir, Path file, String base64) {
        if (base64 != null && !base64.isBlank()) {
            return new MasterKey(decode(base64, ENV_KEY), ENV_KEY);
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("the master key file " + file + " does not exist");
            }
            return new MasterKey(decode(read(file), file.toString()), file.toString());
        }
        Path own = dataDir.resolve(FILE);
        if (Files.isRegularFile(own)) {
            return new MasterKey(decode(read(own), own.toString()), own.toString());
        }
        byte[] fresh = Aead.randomKey();
        PrivateFiles.write(own, (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII));
        return new MasterKey(fresh, own.toString());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key file " + file, e);
        }
    }

    private static byte[] decode(String text, String source) {
        try {
            return Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the master key from " + source + " is not base64 text");
        }
    }

    /** Where the key came from (a path or an environment variable name), for logs; never the key. */
    public String source() {
        return source;
    }

    /** A short, one-way name of the key: the first 16 hex digits of SHA-256 over a label and the key. */
    public String fingerprint() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("berth-master-key-fingerprint\n".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(d.digest(key)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seals {@code plaintext} for {@code purpose} (the associated data, e.g. "kms-key/<id>/3"). */
    public byte[] seal(byte[] plaintext, String purpose) {
        return Aead.seal(key, plaintext, purpose.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] open(byte[] sealed, String purpose) throws Aead.OpenFailed {
        return Aead.open(key, sealed, purpose.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "MasterKey[" + fingerprint() + " from " + source + "]";
    }
}
