package dev.berth.protocol.json;

import dev.berth.model.error.AwsException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Opaque pagination tokens for every AWS list call Berth serves (ECS, ECR, KMS, SSM, Secrets
 * Manager). A token carries its scope (the operation, plus whatever else it is only valid for, e.g.
 * the repository of an ECR image listing) and the store key to resume after. A token of another
 * call or scope, a forged one or a damaged one is refused with the calling service's own error
 * (each service words it differently) instead of being misread as a position.
 */
public final class PageTokens {

    private static final String VERSION = "p1";

    private PageTokens() {}

    /** The token that resumes after {@code afterKey} within {@code scope}; null when there is no next page. */
    public static String encode(String scope, String afterKey) {
        if (afterKey == null) {
            return null;
        }
        String raw = prefix(scope) + afterKey;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The key to resume after, null for the first page ({@code token} null).
     *
     * @throws AwsException from {@code invalid} when the token is not one of ours for this scope
     */
    public static String decode(String scope, String token, Supplier<AwsException> invalid) {
        if (token == null) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String prefix = prefix(scope);
            if (raw.startsWith(prefix) && raw.length() > prefix.length()) {
                return raw.substring(prefix.length());
            }
        } catch (IllegalArgumentException e) {
            // not base64: fall through to the service's error
        }
        throw invalid.get();
    }

    /** The scope with its length, so that no scope is a prefix of another ("ListImages" vs "ListImages\nrepo"). */
    private static String prefix(String scope) {
        return VERSION + "\n" + scope.length() + ":" + scope + "\n";
    }
}
