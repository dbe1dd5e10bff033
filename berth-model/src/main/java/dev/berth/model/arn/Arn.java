package dev.berth.model.arn;

import java.util.Optional;

/**
 * An Amazon Resource Name, {@code arn:partition:service:region:account:resource}.
 *
 * <p>Berth names everything the way AWS does so that scripts which slice ARNs keep working:
 * {@code arn:aws:ecs:us-east-1:000000000000:cluster/demo},
 * {@code arn:aws:ecs:us-east-1:000000000000:task-definition/web:3}.
 */
public record Arn(String partition, String service, String region, String account, String resource) {

    public static Arn of(String service, String region, String account, String resource) {
        return new Arn("aws", service, region, account, resource);
    }

    /** Parses an ARN; empty when the text is not one (six colon-separated parts, the first {@code arn}). */
    public static Optional<Arn> parse(String text) {
        if (text == null || !text.startsWith("arn:")) {
            return Optional.empty();
        }
        String[] parts = text.split(":", 6);
        if (parts.length != 6 || parts[1].isEmpty() || parts[2].isEmpty() || parts[5].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]));
    }

    /** The resource type, the part of the resource before the first {@code /}, e.g. {@code cluster}. */
    public String resourceType() {
        int slash = resource.indexOf('/');
        return slash < 0 ? resource : resource.substring(0, slash);
    }

    /** The resource id, the part of the resource after the first {@code /}, or empty. */
    public String resourceId() {
        int slash = resource.indexOf('/');
        return slash < 0 ? "" : resource.substring(slash + 1);
    }

    @Override
    public String toString() {
        return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
    }
}
