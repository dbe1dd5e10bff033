package dev.berth.registry.repo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque {@code nextToken}s for ECR list calls: the operation they belong to and the store key to
 * resume after, so a token of another call, a forged token or a damaged one is an
 * InvalidParameterException instead of a silent misread.
 */
public final class PageTokens {

    private static final String VERSION = "r1";

    private PageTokens() {
    }

    public static String encode(String operation, String afterKey) {
        if (afterKey == null) {
            return null;
        }
        String raw = VERSION + "\n" + operation + "\n" + afterKey;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The key to resume after, or null for the first page. */
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
        throw RepositoryErrors.invalidParameter("Invalid parameter at 'nextToken' failed to satisfy constraint: "
                + "'the token was not returned by a previous " + operation + " call'");
    }
}
