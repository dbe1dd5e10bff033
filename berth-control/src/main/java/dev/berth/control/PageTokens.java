package dev.berth.control;

import dev.berth.model.error.AwsException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Opaque pagination tokens for the list calls of KMS, SSM and Secrets Manager (ECS has its own
 * {@code NextTokens}): the operation and the store key to resume after, so a token is useless for
 * another operation and a forged one is the service's invalid-token error rather than misread.
 * Also the epoch-seconds rendering these JSON services use for timestamps.
 */
public final class PageTokens {

    private static final String VERSION = "p1";

    private PageTokens() {
    }

    public static String encode(String operation, String afterKey) {
        if (afterKey == null) {
            return null;
        }
        String raw = VERSION + "\n" + operation + "\n" + afterKey;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The key to resume after, null for the first page; {@code invalid} when the token is not one of ours. */
    public static String decode(String operation, String token, Supplier<AwsException> invalid) {
        if (token == null) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = raw.split("\n", 3);
            if (parts.length == 3 && parts[0].equals(VERSION) && parts[1].equals(operation) && !parts[2].isEmpty()) {
                return parts[2];
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw invalid.get();
    }

    /** Epoch milliseconds as the JSON protocols' timestamp: seconds with a fraction. */
    public static BigDecimal seconds(long millis) {
        return BigDecimal.valueOf(millis).movePointLeft(3);
    }
}
