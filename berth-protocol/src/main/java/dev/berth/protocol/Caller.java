package dev.berth.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The principal behind an authenticated call, as IAM knows it: what {@code GetCallerIdentity}
 * reports, and what the authorization step (still to come) evaluates policies for.
 *
 * @param type what kind of principal signed the call
 * @param arn the principal's ARN: {@code arn:aws:iam::ACCT:root}, {@code arn:aws:iam::ACCT:user/path/name},
 *     {@code arn:aws:sts::ACCT:assumed-role/name/session}; empty for anonymous calls
 * @param userId the unique id AWS reports as {@code UserId}: the account id for the root, {@code AIDA...}
 *     for users, {@code AROA...:session} for role sessions
 * @param accountId the account
 * @param session the temporary session the call was signed with, or null for long-term keys
 */
public record Caller(Type type, String arn, String userId, String accountId, Session session) {

    public enum Type {
        ROOT,
        USER,
        ASSUMED_ROLE,
        ANONYMOUS
    }

    public Caller {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(accountId, "accountId");
    }

    /**
     * What a set of temporary credentials was issued with (STS AssumeRole, AssumeRoleWithWebIdentity,
     * GetSessionToken), kept for the authorization step: session policies narrow what the session may
     * do, session tags become {@code aws:PrincipalTag/*}.
     *
     * @param accessKeyId the temporary access key id ({@code ASIA...})
     * @param roleArn the assumed role's ARN with its path, or null (GetSessionToken)
     * @param sessionName the role session name, or null
     * @param expiration when the credentials stop working
     * @param policies inline session policies (JSON), in the order given
     * @param policyArns managed policies passed as session policies
     * @param tags session tags (principal tags of the session)
     * @param sourceArn who created the session: the caller of AssumeRole, or the web identity provider's ARN
     */
    public record Session(
            String accessKeyId,
            String roleArn,
            String sessionName,
            Instant expiration,
            List<String> policies,
            List<String> policyArns,
            Map<String, String> tags,
            String sourceArn) {
        public Session {
            policies = policies == null ? List.of() : List.copyOf(policies);
            policyArns = policyArns == null ? List.of() : List.copyOf(policyArns);
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    public static Caller root(String accountId) {
        return new Caller(Type.ROOT, "arn:aws:iam::" + accountId + ":root", accountId, accountId, null);
    }

    public static Caller anonymous(String accountId) {
        return new Caller(Type.ANONYMOUS, "", "", accountId, null);
    }
}
