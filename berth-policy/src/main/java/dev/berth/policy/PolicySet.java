package dev.berth.policy;

import java.util.List;

/**
 * Every policy that applies to one request, by the role it plays: the principal's identity-based
 * policies (its own, its groups', managed and inline), the resource's resource-based policy if any,
 * the principal's permissions boundary if any, and the session policies the session was created
 * with, if any (an empty list means the session has none and is not limited by them).
 */
public record PolicySet(List<Policy> identity, Policy resource, Policy boundary, List<Policy> session) {

    public PolicySet {
        identity = List.copyOf(identity);
        session = session == null ? List.of() : List.copyOf(session);
    }

    public static PolicySet identity(List<Policy> identity) {
        return new PolicySet(identity, null, null, List.of());
    }

    public static PolicySet identity(Policy... identity) {
        return identity(List.of(identity));
    }

    public PolicySet withResource(Policy resourcePolicy) {
        return new PolicySet(identity, resourcePolicy, boundary, session);
    }

    public PolicySet withBoundary(Policy boundaryPolicy) {
        return new PolicySet(identity, resource, boundaryPolicy, session);
    }

    public PolicySet withSession(Policy... sessionPolicies) {
        return new PolicySet(identity, resource, boundary, List.of(sessionPolicies));
    }
}
