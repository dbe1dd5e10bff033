package dev.berth.registry.ecr;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque nextTokens for the ECR list calls of the image operations: the operation and repository
 * they belong to and the store key to resume after, so a token of another call or repository is
 * refused with InvalidParameterException instead of misread.
 */
final class PageTokens {

    private PageTokens() {
    }

    static String encode(String operation, String repo, String afterKey) {
        if (afterKey == null) {
            return null;
        }
        String raw = "e1\n" + operation + "\n" + repo + "\n" + afterKey;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String operation, String repo, String token) {
        if (token == null) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 4);
            if (parts.length == 4 && parts[0].equals("e1") && parts[1].equals(operation) && parts[2].equals(repo)) {
                return parts[3];
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ImageErrors.invalidParameter("Invalid parameter at 'nextToken' failed to satisfy constraint: "
                + "'The token was not returned by a previous " + operation + " call for this repository'");
    }
}
