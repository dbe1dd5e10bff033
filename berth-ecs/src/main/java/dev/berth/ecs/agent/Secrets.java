package dev.berth.ecs.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets (join tokens, per-instance credentials) and how they are checked.
 *
 * <p>Instance secrets are stored only as their SHA-256: a leaked store does not let anyone act as an
 * agent. A 256-bit random secret needs no salt or slow hash. Comparisons are constant-time
 * ({@link MessageDigest#isEqual}) so response timing reveals nothing about the expected value.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** 256 random bits, base64url without padding (43 characters, no '.' or '|'). */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** {@code n} random lower-case hex digits. */
    public static String hex(int n) {
        byte[] b = new byte[(n + 1) / 2];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b).substring(0, n);
    }

    public static String sha256Hex(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    /** True if {@code presented} hashes to {@code expectedHex}, compared in constant time. */
    public static boolean matchesHash(String presented, String expectedHex) {
        if (presented == null || expectedHex == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(expectedHex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), expected);
    }

    /** Constant-time equality of two secrets (compares their hashes, so lengths leak nothing either). */
    public static boolean equal(String presented, String expected) {
        return presented != null && expected != null && MessageDigest.isEqual(sha256(presented), sha256(expected));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
