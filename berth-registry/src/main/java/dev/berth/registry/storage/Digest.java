package dev.berth.registry.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image spec writes it, {@code algorithm:hex}. Only the two algorithms
 * registries must verify are accepted, sha256 (64 hex digits) and sha512 (128), lower-case hex only,
 * so that a digest is also a safe file name and store key: nothing else can be parsed into one.
 */
public record Digest(Algorithm algorithm, String hex) implements Comparable<Digest> {

    /** The digest algorithms Berth verifies, with their JCA names and hex lengths. */
    public enum Algorithm {
        SHA256("sha256", "SHA-256", 64),
        SHA512("sha512", "SHA-512", 128);

        private final String prefix;
        private final String jca;
        private final int hexLength;

        Algorithm(String prefix, String jca, int hexLength) {
            this.prefix = prefix;
            this.jca = jca;
            this.hexLength = hexLength;
        }

        public String prefix() {
            return prefix;
        }

        public MessageDigest newDigest() {
            try {
                return MessageDigest.getInstance(jca);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(jca + " is missing from this JVM", e);
            }
        }

        static Optional<Algorithm> of(String prefix) {
            for (Algorithm a : values()) {
                if (a.prefix.equals(prefix)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        if (hex.length() != algorithm.hexLength || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a " + algorithm.prefix + " digest: " + hex);
        }
    }

    /** The digest {@code text} names, or empty if it is not a well-formed sha256/sha512 digest. */
    public static Optional<Digest> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Optional<Algorithm> alg = Algorithm.of(text.substring(0, colon));
        String hex = text.substring(colon + 1);
        if (alg.isEmpty()
                || hex.length() != alg.get().hexLength
                || !HEX.matcher(hex).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Digest(alg.get(), hex));
    }

    /** True when {@code text} looks like a digest of some algorithm (for telling tags from digests). */
    public static boolean looksLikeDigest(String text) {
        return text != null && text.indexOf(':') > 0;
    }

    public static Digest of(Algorithm algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    public static Digest sha256(byte[] content) {
        return of(Algorithm.SHA256, Algorithm.SHA256.newDigest().digest(content));
    }

    public static Digest compute(Algorithm algorithm, byte[] content) {
        return of(algorithm, algorithm.newDigest().digest(content));
    }

    @Override
    public String toString() {
        return algorithm.prefix + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }
}
