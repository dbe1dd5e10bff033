package dev.berth.ecs;

import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolving a reference to a cluster-scoped ECS resource with a 32-hex id (container instances,
 * tasks): the bare id, or an ARN {@code <type>/<cluster>/<id>} (or the old {@code <type>/<id>}) of
 * this account and region whose cluster, if named, is the call's cluster. One rule for both kinds,
 * so "which references name this task" cannot differ from the same question for an instance.
 */
public final class ClusterScopedIds {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    private ClusterScopedIds() {}

    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    /** The id {@code reference} names in {@code cluster}, or empty for anything else. */
    public static Optional<String> resolve(Platform platform, String resourceType, String cluster, String reference) {
        if (isId(reference)) {
            return Optional.of(reference);
        }
        Optional<Arn> arn = Arn.parse(reference)
                .filter(a -> a.service().equals("ecs")
                        && a.resourceType().equals(resourceType)
                        && a.region().equals(platform.region())
                        && a.account().equals(platform.accountId()));
        if (arn.isEmpty()) {
            return Optional.empty();
        }
        String rest = arn.get().resourceId();
        int slash = rest.lastIndexOf('/');
        String id = slash < 0 ? rest : rest.substring(slash + 1);
        if (slash >= 0 && !rest.substring(0, slash).equals(cluster)) {
            return Optional.empty();
        }
        return isId(id) ? Optional.of(id) : Optional.empty();
    }
}
