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
        boolean denied;
        int allow = -1;
        List<MatchedStatement> denies;
        List<MatchedStatement> allows;

        void scan(Policy policy, PolicyType type, Principal p, String lowerAction, String resource, RequestContext c) {
            for (Statement s : policy.statements()) {
                int m = s.match(p, lowerAction, resource, c);
                if (m == Statement.NO_MATCH) {
                    continue;
                }
                MatchedStatement ms = new MatchedStatement(policy.sourceId(), type, s);
                if (s.effect() == Effect.DENY) {
                    denied = true;
                    (denies == null ? denies = new ArrayList<>(2) : denies).add(ms);
                } else {
                    allow = Math.max(allow, m);
                    (allows == null ? allows = new ArrayList<>(2) : allows).add(ms);
                }
            }
        }

        boolean allows() {
            return allow >= 0;
        }
    }

    /** Decides {@code request} under {@code policies}. */
    public static Decision evaluate(Request request, PolicySet policies) {
        List<String> resources = request.resources().isEmpty() ? List.of("*") : request.resources();
        String lowerAction = request.action().toLowerCase(Locale.ROOT);
        Decision firstImplicit = null;
        List<MatchedStatement> allowMatches = null;
        for (String resource : resources) {
            Decision d = evaluateOne(request, lowerAction, resource, policies);
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
        RequestContext c = request.context();
        Tally identity = new Tally();
        for (Policy policy : policies.identity()) {
            identity.scan(policy, PolicyType.IDENTITY, p, lowerAction, resource, c);
        }
        Tally resourceTally = new Tally();
        if (policies.resource() != null) {
            resourceTally.scan(policies.resource(), PolicyType.RESOURCE, p, lowerAction, resource, c);
        }
        Tally boundary = new Tally();
        if (policies.boundary() != null) {
            boundary.scan(policies.boundary(), PolicyType.PERMISSIONS_BOUNDARY, p, lowerAction, resource, c);
        }
        Tally session = new Tally();
        for (Policy policy : policies.session()) {
            session.scan(policy, PolicyType.SESSION, p, lowerAction, resource, c);
        }
        String action = request.action();

        if (identity.denied || resourceTally.denied || boundary.denied || session.denied) {
            Reason reason = identity.denied
                    ? Reason.DENY_IDENTITY
                    : resourceTally.denied
                            ? Reason.DENY_RESOURCE
                            : boundary.denied ? Reason.DENY_BOUNDARY : Reason.DENY_SESSION;
            List<MatchedStatement> denies = new ArrayList<>();
            for (Tally t : new Tally[] {identity, resourceTally, boundary, session}) {
                if (t.denies != null) {
                    denies.addAll(t.denies);
                }
            }
            return new Decision(Outcome.EXPLICIT_DENY, reason, action, resource, denies);
        }

        String resourceAccount = request.resourceAccount() == null ? p.account() : request.resourceAccount();
        boolean sameAccount = resourceAccount.equals(p.account());
        if (p.type() == Principal.Type.ROOT && sameAccount) {
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
        List<MatchedStatement> allows = new ArrayList<>();
        for (Tally t : new Tally[] {identity, resourceTally, boundary, session}) {
            if (t.allows != null) {
                allows.addAll(t.allows);
            }
        }
        return new Decision(Outcome.ALLOW, Reason.ALLOWED, action, resource, allows);
    }

    private static Decision allow(String action, String resource, Tally identity, Tally resourceTally) {
        List<MatchedStatement> allows = new ArrayList<>();
        if (resourceTally.allows != null) {
            allows.addAll(resourceTally.allows);
        }
        if (identity.allows != null) {
            allows.addAll(identity.allows);
        }
        return new Decision(Outcome.ALLOW, Reason.ALLOWED, action, resource, allows);
    }

    private static Decision implicit(Reason reason, String action, String resource) {
        return new Decision(Outcome.IMPLICIT_DENY, reason, action, resource, List.of());
    }
}
