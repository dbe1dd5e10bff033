package dev.berth.control.ecs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque pagination tokens for ECS list calls. A token carries the operation it belongs to and the
 * store key to resume after, so that a token is useless for another operation and a forged or
 * damaged one is rejected with {@code InvalidParameterException} rather than misread.
 */
public final class NextTokens {

    private static final String VERSION = "b1";

    private NextTokens() {
    }

    public static String encode(String operation, String afterKey) {
        if (afterKey == null) {
            return null;
        }
        String raw = VERSION + "\n" + operation + "\n" + afterKey;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The key to resume after, or null when {@code token} is null (first page). */
    public static String decode(String operation, String token) {
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
        throw EcsErrors.invalidParameter("Invalid nextToken: it was not returned by a previous " + operation + " call.");
    }

    /** ECS's maxResults rule for list calls: 1 to 100, default 100. */
    public static int maxResults(Integer requested) {
        if (requested == null) {
            return 100;
        }
        if (requested < 1 || requested > 100) {
            throw EcsErrors.invalidParameter("maxResults must be between 1 and 100.");
        }
        return requested;
    }
}
