package dev.berth.ecs;

/**
 * Opaque pagination tokens for ECS list calls. A token carries the operation it belongs to and the
 * store key to resume after, so that a token is useless for another operation and a forged or
 * damaged one is rejected with {@code InvalidParameterException} rather than misread.
 */
public final class NextTokens {

    private NextTokens() {}

    public static String encode(String operation, String afterKey) {
        return dev.berth.protocol.json.PageTokens.encode(operation, afterKey);
    }

    /** The key to resume after, or null when {@code token} is null (first page). */
    public static String decode(String operation, String token) {
        return dev.berth.protocol.json.PageTokens.decode(
                operation,
                token,
                () -> EcsErrors.invalidParameter(
                        "Invalid nextToken: it was not returned by a previous " + operation + " call."));
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
