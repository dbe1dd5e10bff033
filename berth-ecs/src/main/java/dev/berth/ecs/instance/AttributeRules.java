package dev.berth.ecs.instance;

import dev.berth.ecs.EcsErrors;
import dev.berth.model.error.AwsException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ECS's rules for container instance attributes, shared by PutAttributes, DeleteAttributes and
 * agent registration: the name and value character sets and lengths from the ECS API reference, the
 * limit of 10 custom attributes per resource, and the names reserved for the agent.
 *
 * <p>Reserved names are those starting with {@code ecs.} or {@code com.amazonaws.ecs.}: the agent
 * sets them (built-ins such as {@code ecs.instance-type}, capabilities); the API refuses to set or
 * delete them, so {@code ecs.os-type} always tells the truth about the host.
 */
public final class AttributeRules {

    /** ECS: "You can specify up to 10 custom attributes for each resource." */
    public static final int MAX_CUSTOM = 10;
    /** ECS: "You can specify up to 10 attributes in a single call." */
    public static final int MAX_PER_CALL = 10;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_./\\\\-]{1,128}");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.@/\\\\: -]{1,128}");

    private AttributeRules() {}

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw EcsErrors.invalidParameter("Attribute name must be 1 to 128 characters of letters, numbers, hyphens, "
                    + "underscores, periods, forward and back slashes: '" + name + "'.");
        }
    }

    /** Checks a value; null (an attribute without value) is allowed. */
    public static void checkValue(String name, String value) {
        if (value == null) {
            return;
        }
        if (!VALUE.matcher(value).matches() || value.startsWith(" ") || value.endsWith(" ")) {
            throw EcsErrors.invalidParameter(
                    "Value of attribute '" + name + "' must be 1 to 128 characters of letters, "
                            + "numbers, hyphens, underscores, periods, at signs, slashes, colons and spaces, and must not start "
                            + "or end with a space.");
        }
    }

    public static boolean reserved(String name) {
        return name.startsWith("ecs.") || name.startsWith("com.amazonaws.ecs.");
    }

    /** Refuses a user call that would set or delete a reserved attribute. */
    public static void checkNotReserved(String name) {
        if (reserved(name)) {
            throw EcsErrors.invalidParameter(
                    "Attribute '" + name
                            + "' is set by the container agent; names starting with 'ecs.' or 'com.amazonaws.ecs.' are reserved.");
        }
    }

    /** How many custom (not reserved) attributes the union of the two maps holds. */
    public static long customCount(Map<String, String> agentAttributes, Map<String, String> customAttributes) {
        return java.util.stream.Stream.concat(agentAttributes.keySet().stream(), customAttributes.keySet().stream())
                .filter(n -> !reserved(n))
                .distinct()
                .count();
    }

    /** Refuses more than {@link #MAX_CUSTOM} custom attributes on one instance. */
    public static void checkLimit(
            String arn, Map<String, String> agentAttributes, Map<String, String> customAttributes) {
        long n = customCount(agentAttributes, customAttributes);
        if (n > MAX_CUSTOM) {
            throw new AwsException(
                    "AttributeLimitExceededException",
                    400,
                    "You can specify up to " + MAX_CUSTOM + " custom attributes for each resource; " + arn
                            + " would have " + n + ".");
        }
    }
}
