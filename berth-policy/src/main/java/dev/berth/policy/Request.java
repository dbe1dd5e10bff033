package dev.berth.policy;

import java.util.List;
import java.util.Objects;

/**
 * One authorization question: may {@code principal} perform {@code action} (as the Service
 * Authorization Reference names it, {@code ecs:DeleteCluster}, any case) on {@code resources} with
 * these condition keys?
 *
 * @param principal who asks
 * @param action {@code service:Operation}
 * @param resources the resource ARNs the action touches; empty means {@code *} (actions without
 *     resource types, such as {@code ecs:ListClusters}); each is decided separately and all must be
 *     allowed
 * @param context the request's condition keys
 * @param resourceAccount the account that owns the resources; when it differs from the principal's
 *     and a resource policy is given, the request is cross-account and needs an allow from both the
 *     identity side and the resource policy. Null means the principal's own account.
 */
public record Request(
        Principal principal, String action, List<String> resources, RequestContext context, String resourceAccount) {

    public Request {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        resources = List.copyOf(resources);
        Objects.requireNonNull(context, "context");
    }

    public static Request of(Principal principal, String action, String resource, RequestContext context) {
        return new Request(principal, action, List.of(resource), context, null);
    }

    public static Request of(Principal principal, String action, String resource) {
        return of(principal, action, resource, RequestContext.empty());
    }

    /** The same request against resources owned by {@code account}. */
    public Request inAccount(String account) {
        return new Request(principal, action, resources, context, account);
    }
}
