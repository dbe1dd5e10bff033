package dev.berth.policy;

/**
 * What a policy document is for, which decides how it is validated: identity policies (and the
 * policies used as permissions boundaries and session policies, which have the same grammar) must
 * not name a principal and must name resources; resource-based policies must name a principal and
 * may leave out {@code Resource} (then they apply to the resource they are attached to); a role's
 * trust policy must name a principal, must not name resources and may only grant STS actions.
 */
public enum PolicyKind {
    IDENTITY(false, true),
    RESOURCE(true, false),
    TRUST(true, false);

    final boolean principalRequired;
    final boolean resourceRequired;

    PolicyKind(boolean principalRequired, boolean resourceRequired) {
        this.principalRequired = principalRequired;
        this.resourceRequired = resourceRequired;
    }
}
