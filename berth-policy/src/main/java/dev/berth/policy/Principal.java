package dev.berth.policy;

import java.util.Objects;

/**
 * Who makes a request, as the policy engine needs to know it: what a resource policy's {@code
 * Principal} element is matched against, whose account decides whether a request crosses accounts,
 * and whose type decides whether a resource-policy allow alone suffices (IAM users and role sessions
 * named directly) or is still limited by the permissions boundary and session policies (a role named
 * by its role ARN).
 *
 * @param type what kind of principal
 * @param arn the principal's ARN as {@code aws:PrincipalArn} would show it for users and roots; for
 *     a role session the session ARN ({@code arn:aws:sts::111122223333:assumed-role/R/s}); for a
 *     service its name ({@code ecs-tasks.amazonaws.com}); for a web-identity or SAML caller the
 *     provider ({@code cognito-identity.amazonaws.com}, a SAML provider ARN); for S3 canonical users
 *     the canonical id; empty for anonymous callers
 * @param account the 12-digit account, empty for services and anonymous callers
 * @param roleArn for a role session, the role's ARN with its path ({@code
 *     arn:aws:iam::111122223333:role/path/R}); otherwise null
 */
public record Principal(Type type, String arn, String account, String roleArn) {

    public enum Type {
        ROOT,
        USER,
        ROLE_SESSION,
        FEDERATED_USER,
        SERVICE,
        FEDERATED,
        CANONICAL_USER,
        ANONYMOUS;

        /** Whether principals of this type carry identity-based policies (users, roles, roots). */
        public boolean hasIdentityPolicies() {
            return this == ROOT || this == USER || this == ROLE_SESSION || this == FEDERATED_USER;
        }
    }

    public Principal {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(account, "account");
    }

    public static Principal root(String account) {
        return new Principal(Type.ROOT, "arn:aws:iam::" + account + ":root", account, null);
    }

    /** An IAM user by ARN ({@code arn:aws:iam::111122223333:user/path/name}). */
    public static Principal user(String userArn) {
        return new Principal(Type.USER, userArn, accountOf(userArn), null);
    }

    /** A role session: its {@code assumed-role} ARN and the role's ARN (with path). */
    public static Principal roleSession(String sessionArn, String roleArn) {
        return new Principal(Type.ROLE_SESSION, sessionArn, accountOf(sessionArn), roleArn);
    }

    /** A federated user session from GetFederationToken ({@code arn:aws:sts::acct:federated-user/n}). */
    public static Principal federatedUser(String arn) {
        return new Principal(Type.FEDERATED_USER, arn, accountOf(arn), null);
    }

    public static Principal service(String name) {
        return new Principal(Type.SERVICE, name, "", null);
    }

    public static Principal federated(String provider) {
        return new Principal(Type.FEDERATED, provider, "", null);
    }

    public static Principal canonicalUser(String id) {
        return new Principal(Type.CANONICAL_USER, id, "", null);
    }

    public static Principal anonymous() {
        return new Principal(Type.ANONYMOUS, "", "", null);
    }

    private static String accountOf(String arn) {
        String a = Arns.account(arn);
        if (a == null) {
            throw new IllegalArgumentException("not an ARN: " + arn);
        }
        return a;
    }

    /** The name AccessDenied messages start with ("User: arn:... is not authorized ..."). */
    public String displayName() {
        return arn.isEmpty() ? "anonymous" : arn;
    }
}
