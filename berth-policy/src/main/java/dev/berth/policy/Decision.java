package dev.berth.policy;

import java.util.List;

/**
 * The answer to a {@link Request}: allowed or not, why (in the words AWS's AccessDenied messages
 * use), for which resource, and the statements that decided it (the matching denies for an explicit
 * deny, the matching allows for an allow, none for an implicit deny).
 */
public record Decision(Outcome outcome, Reason reason, String action, String resource, List<MatchedStatement> matched) {

    public enum Outcome {
        ALLOW,
        EXPLICIT_DENY,
        IMPLICIT_DENY
    }

    /** Why; {@link #text} is the tail of AWS's AccessDenied message. */
    public enum Reason {
        ALLOWED(""),
        NO_IDENTITY_ALLOW("because no identity-based policy allows the %s action"),
        NO_RESOURCE_ALLOW("because no resource-based policy allows the %s action"),
        NO_BOUNDARY_ALLOW("because no permissions boundary allows the %s action"),
        NO_SESSION_ALLOW("because no session policy allows the %s action"),
        DENY_IDENTITY("with an explicit deny in an identity-based policy"),
        DENY_RESOURCE("with an explicit deny in a resource-based policy"),
        DENY_BOUNDARY("with an explicit deny in a permissions boundary"),
        DENY_SESSION("with an explicit deny in a session policy");

        private final String format;

        Reason(String format) {
            this.format = format;
        }

        public String text(String action) {
            return format.formatted(action);
        }
    }

    public Decision {
        matched = List.copyOf(matched);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }

    /**
     * AWS's AccessDenied message: {@code User: arn:aws:iam::111122223333:user/bob is not authorized
     * to perform: ecs:DeleteCluster on resource: arn:... because no identity-based policy allows the
     * ecs:DeleteCluster action}.
     */
    public String accessDeniedMessage(Principal principal) {
        return "User: " + principal.displayName() + " is not authorized to perform: " + action + " on resource: "
                + resource + (reason == Reason.ALLOWED ? "" : " " + reason.text(action));
    }
}
