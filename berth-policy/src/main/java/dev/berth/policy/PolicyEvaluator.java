package dev.berth.policy;

import dev.berth.policy.Decision.Outcome;
import dev.berth.policy.Decision.Reason;
import dev.berth.policy.PrincipalPattern.Strength;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * AWS's policy evaluation logic, as the IAM User Guide's "Policy evaluation logic" pages and flow
 * charts describe it for requests within one account and across accounts (organizations' SCPs and
 * RCPs aside). Stateless: call {@link #evaluate} from any thread.
 *
 * <p>For each resource of the request, every statement of every policy is matched once, collecting
 * per policy type whether a deny matched, and how strongly an allow matched. Then, in order:
 *
 * <ol>
 *   <li>An explicit deny in any policy (identity, resource, boundary, session; reported in that order)
 *       denies.
 *   <li>The account root of the resource's account is allowed (no identity policy can limit it).
 *   <li>A caller without identity policies (a service, an anonymous caller, a web-identity or SAML
 *       caller, an S3 canonical user) is allowed when the resource policy names it (or {@code *}).
 *   <li>Cross-account (a resource policy and a resource account other than the principal's): the
 *       resource policy must allow (naming the principal, its role, or its account), and the
 *       identity side must allow as below.
 *   <li>Same account: an allow in the resource policy that names the caller directly (an IAM user
 *       ARN, a role-session ARN, a federated-user ARN, a service, {@code *}) is final, whatever the
 *       identity policies, boundary and session policies say. An allow that names a session's role
 *       ARN stands in for the identity policies but is still limited by the boundary and session
 *       policies. An allow that names only the account delegates to the identity policies.
 *   <li>Otherwise an identity policy must allow, then the permissions boundary (if any), then the
 *       session policies (if any); the first that does not is the reason for the implicit deny.
 * </ol>
 */
public final class PolicyEvaluator {

    private PolicyEvaluator() {}

    /** What one policy type contributed: whether a deny matched, the best allow strength, the statements. */
    private static final class Tally {
        static final Tally NONE = new Tally();

        boolean denied;
        int allow = -1;
        List<MatchedStatement> denies = List.of();
        List<MatchedStatement> allows = List.of();

        void scan(Policy policy, PolicyType type, Principal p, String action, String resource, RequestContext c) {
            List<Statement> statements = policy.statements();
            for (int i = 0, n = statements.size(); i < n; i++) {
                Statement s = statements.get(i);
                int m = s.match(p, action, resource, c);
                if (m == Statement.NO_MATCH) {
                    continue;
                }
                MatchedStatement ms = new MatchedStatement(policy.sourceId(), type, s);
                if (s.effect() == Effect.DENY) {
                    denied = true;
                    denies = add(denies, ms);
                } else {
                    allow = Math.max(allow, m);
                    allows = add(allows, ms);
                }
            }
        }

        boolean allows() {
            return allow >= 0;
        }
    }

    /** Appends without allocating a list for the usual zero or one match. */
    private static List<MatchedStatement> add(List<MatchedStatement> list, MatchedStatement ms) {
        if (list.isEmpty()) {
            return List.of(ms);
        }
        List<MatchedStatement> out = list instanceof ArrayList<MatchedStatement> a ? a : new ArrayList<>(list);
        out.add(ms);
        return out;
    }

    /** The allows of the tallies in order; the one non-empty list itself when there is only one. */
    private static List<MatchedStatement> concat(Tally a, Tally b, Tally c, Tally d) {
        return join(join(a.allows, b.allows), join(c.allows, d.allows));
    }

    private static List<MatchedStatement> denies(Tally a, Tally b, Tally c, Tally d) {
        return join(join(a.denies, b.denies), join(c.denies, d.denies));
    }

    private static List<MatchedStatement> join(List<MatchedStatement> x, List<MatchedStatement> y) {
        if (y.isEmpty()) {
            return x;
        }
        if (x.isEmpty()) {
            return y;
        }
        List<MatchedStatement> out = new ArrayList<>(x.size() + y.size());
        out.addAll(x);
        out.addAll(y);
        return out;
    }

    /** Decides {@code request} under {@code policies}. */
    public static Decision evaluate(Request request, PolicySet policies) {
        List<String> resources = request.resources().isEmpty() ? List.of("*") : request.resources();
        // Actions are case-insensitive: lower-cased once here, compared exactly with lower-case patterns.
        String action = request.action().toLowerCase(Locale.ROOT);
        Decision firstImplicit = null;
        List<MatchedStatement> allowMatches = null;
        for (String resource : resources) {
            Decision d = evaluateOne(request, action, resource, policies);
            if (d.outcome() == Outcome.EXPLICIT_DENY) {
                return d;
            }
            if (d.outcome() == Outcome.IMPLICIT_DENY) {
                if (firstImplicit == null) {
                    firstImplicit = d;
                }
            } else if (resources.size() > 1) {
                if (allowMatches == null) {
                    allowMatches = new ArrayList<>();
                }
                allowMatches.addAll(d.matched());
            } else {
                return d;
            }
        }
        if (firstImplicit != null) {
            return firstImplicit;
        }
        return new Decision(Outcome.ALLOW, Reason.ALLOWED, request.action(), resources.getFirst(), allowMatches);
    }

    private static Decision evaluateOne(Request request, String lowerAction, String resource, PolicySet policies) {
        Principal p = request.principal();
        String action = request.action();
        RequestContext c = request.context();
        Tally identity = new Tally();
        List<Policy> identityPolicies = policies.identity();
        for (int i = 0, n = identityPolicies.size(); i < n; i++) {
            Policy policy = identityPolicies.get(i);
            identity.scan(policy, PolicyType.IDENTITY, p, lowerAction, resource, c);
        }
        Tally resourceTally = policies.resource() == null ? Tally.NONE : new Tally();
        if (policies.resource() != null) {
            resourceTally.scan(policies.resource(), PolicyType.RESOURCE, p, lowerAction, resource, c);
        }
        Tally boundary = policies.boundary() == null ? Tally.NONE : new Tally();
        if (policies.boundary() != null) {
            boundary.scan(policies.boundary(), PolicyType.PERMISSIONS_BOUNDARY, p, lowerAction, resource, c);
        }
        Tally session = policies.session().isEmpty() ? Tally.NONE : new Tally();
        for (Policy policy : policies.session()) {
            session.scan(policy, PolicyType.SESSION, p, lowerAction, resource, c);
        }

        if (identity.denied || resourceTally.denied || boundary.denied || session.denied) {
            Reason reason = identity.denied
                    ? Reason.DENY_IDENTITY
                    : resourceTally.denied
                            ? Reason.DENY_RESOURCE
                            : boundary.denied ? Reason.DENY_BOUNDARY : Reason.DENY_SESSION;
            return new Decision(
                    Outcome.EXPLICIT_DENY,
                    reason,
                    action,
                    resource,
                    denies(identity, resourceTally, boundary, session));
        }

        String resourceAccount = request.resourceAccount() == null ? p.account() : request.resourceAccount();
        boolean sameAccount = resourceAccount.equals(p.account());
        if (p.type() == Principal.Type.ROOT && sameAccount) {
            return allow(action, resource, identity, resourceTally);
        }

        if (resourceTally.allow == Strength.DIRECT.ordinal() && !p.type().hasIdentityPolicies()) {
            // Services, anonymous callers, web-identity/SAML callers and S3 canonical users have no
            // identity policies and belong to no account of ours: the resource policy alone decides.
            return allow(action, resource, identity, resourceTally);
        }
        if (policies.resource() != null && !sameAccount) {
            if (resourceTally.allow < Strength.ACCOUNT.ordinal()) {
                return implicit(Reason.NO_RESOURCE_ALLOW, action, resource);
            }
            if (!identity.allows()) {
                return implicit(Reason.NO_IDENTITY_ALLOW, action, resource);
            }
        } else {
            if (resourceTally.allow == Strength.DIRECT.ordinal()) {
                return allow(action, resource, identity, resourceTally);
            }
            if (!identity.allows() && resourceTally.allow != Strength.ROLE.ordinal()) {
                return implicit(Reason.NO_IDENTITY_ALLOW, action, resource);
            }
        }
        if (policies.boundary() != null && !boundary.allows()) {
            return implicit(Reason.NO_BOUNDARY_ALLOW, action, resource);
        }
        if (!policies.session().isEmpty() && !session.allows()) {
            return implicit(Reason.NO_SESSION_ALLOW, action, resource);
        }
        return new Decision(
                Outcome.ALLOW, Reason.ALLOWED, action, resource, concat(identity, resourceTally, boundary, session));
    }

    private static Decision allow(String action, String resource, Tally identity, Tally resourceTally) {
        return new Decision(
                Outcome.ALLOW,
                Reason.ALLOWED,
                action,
                resource,
                concat(resourceTally, identity, Tally.NONE, Tally.NONE));
    }

    private static Decision implicit(Reason reason, String action, String resource) {
        return new Decision(Outcome.IMPLICIT_DENY, reason, action, resource, List.of());
    }
}
