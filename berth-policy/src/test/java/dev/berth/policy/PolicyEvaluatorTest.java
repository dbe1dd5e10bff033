package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.Decision.Outcome;
import dev.berth.policy.Decision.Reason;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How policies of every type combine into a decision: the IAM User Guide's "Policy evaluation
 * logic" examples (Carlos and his log bucket; identity vs resource policies in one account;
 * boundaries; session policies; cross-account) and edge cases, one row per scenario.
 */
class PolicyEvaluatorTest {

    static final String ACCT = "111122223333";
    static final String OTHER = "444455556666";
    static final Principal CARLOS = Principal.user("arn:aws:iam::" + ACCT + ":user/carlossalazar");
    static final Principal BOB = Principal.user("arn:aws:iam::" + ACCT + ":user/bob");
    static final Principal SESSION = Principal.roleSession(
            "arn:aws:sts::" + ACCT + ":assumed-role/deployer/ci-42", "arn:aws:iam::" + ACCT + ":role/teams/deployer");
    static final Principal FOREIGN = Principal.user("arn:aws:iam::" + OTHER + ":user/eve");
    static final String CLUSTER = "arn:aws:ecs:us-east-1:" + ACCT + ":cluster/web";

    // The IAM User Guide's single-account example: Carlos's identity policy ...
    static final String CARLOS_IDENTITY = """
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "AllowS3ListRead", "Effect": "Allow",
                "Action": [ "s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints",
                            "s3:ListAllMyBuckets" ],
                "Resource": "arn:aws:s3:::*" },
              { "Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
                "Resource": [ "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
                              "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar" ] },
              { "Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*" } ] }""";
    // ... and the log bucket's policy, which allows him to write to it.
    static final String CARLOS_BUCKET = """
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "AllowS3PutObject", "Effect": "Allow",
                "Principal": { "AWS": "arn:aws:iam::111122223333:user/carlossalazar" },
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/*" } ] }""";

    static final String ECS_ALL = allow("ecs:*", "*");
    static final String ECS_READ = allow("ecs:Describe*", "*");
    static final String BOUNDARY_WITH_DENY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "ecs:*", "Resource": "*"},
              {"Effect": "Deny", "Action": "ecs:Delete*", "Resource": "*"}]}""";

    static String allow(String action, String resource) {
        return statement("Allow", action, resource);
    }

    static String deny(String action, String resource) {
        return statement("Deny", action, resource);
    }

    static String statement(String effect, String action, String resource) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"" + effect + "\",\"Action\":\"" + action
                + "\",\"Resource\":\"" + resource + "\"}}";
    }

    static String resourcePolicy(String effect, String principalJson, String action) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"" + effect + "\",\"Principal\":" + principalJson
                + ",\"Action\":\"" + action + "\"}}";
    }

    record Scenario(
            String name,
            Principal principal,
            String action,
            String resource,
            List<String> identity,
            String resourcePolicy,
            String boundary,
            List<String> session,
            String resourceAccount,
            Outcome outcome,
            Reason reason) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Scenario s(
            String name,
            Principal principal,
            String action,
            String resource,
            List<String> identity,
            String resourcePolicy,
            String boundary,
            List<String> session,
            Outcome outcome,
            Reason reason) {
        return new Scenario(
                name, principal, action, resource, identity, resourcePolicy, boundary, session, null, outcome, reason);
    }

    static Stream<Arguments> scenarios() {
        String userArn = "{\"AWS\":\"" + BOB.arn() + "\"}";
        String roleArn = "{\"AWS\":\"" + SESSION.roleArn() + "\"}";
        String sessionArn = "{\"AWS\":\"" + SESSION.arn() + "\"}";
        String account = "{\"AWS\":\"" + ACCT + "\"}";
        return Stream.of(
                        // IAM guide, Carlos: list buckets allowed; own bucket allowed; log bucket denied even
                        // though its bucket policy allows him (an explicit deny in any policy wins).
                        s(
                                "guide: Carlos lists buckets",
                                CARLOS,
                                "s3:ListAllMyBuckets",
                                "arn:aws:s3:::any",
                                List.of(CARLOS_IDENTITY),
                                null,
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "guide: Carlos writes to his bucket",
                                CARLOS,
                                "s3:PutObject",
                                "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/f.txt",
                                List.of(CARLOS_IDENTITY),
                                CARLOS_BUCKET,
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "guide: Carlos writes to the log bucket",
                                CARLOS,
                                "s3:PutObject",
                                "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/f.txt",
                                List.of(CARLOS_IDENTITY),
                                CARLOS_BUCKET,
                                null,
                                List.of(),
                                Outcome.EXPLICIT_DENY,
                                Reason.DENY_IDENTITY),
                        s(
                                "guide: Carlos reads another bucket",
                                CARLOS,
                                "s3:GetObject",
                                "arn:aws:s3:::other/f.txt",
                                List.of(CARLOS_IDENTITY),
                                null,
                                null,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        // basics
                        s(
                                "no policy at all",
                                BOB,
                                "ecs:ListClusters",
                                "*",
                                List.of(),
                                null,
                                null,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        s(
                                "allow",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                null,
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "actions are case-insensitive",
                                BOB,
                                "ECS:deletecluster",
                                CLUSTER,
                                List.of(allow("ecs:DeleteCLUSTER", CLUSTER)),
                                null,
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "resources are case-sensitive",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(allow("ecs:*", CLUSTER.replace("web", "Web"))),
                                null,
                                null,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        s(
                                "action wildcard ?",
                                BOB,
                                "ecs:ListTasks",
                                "*",
                                List.of(allow("ecs:List?asks", "*")),
                                null,
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "other service",
                                BOB,
                                "ecr:ListImages",
                                "*",
                                List.of(ECS_ALL),
                                null,
                                null,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        s(
                                "deny beats allow across policies",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL, deny("ecs:Delete*", "*")),
                                null,
                                null,
                                List.of(),
                                Outcome.EXPLICIT_DENY,
                                Reason.DENY_IDENTITY),
                        s(
                                "NotAction allows everything else",
                                BOB,
                                "ecs:ListClusters",
                                "*",
                                List.of(statement("Allow", "iam:*", "*").replace("\"Action\"", "\"NotAction\"")),
                                null,
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "NotAction excludes the named ones",
                                BOB,
                                "iam:CreateUser",
                                "*",
                                List.of(statement("Allow", "iam:*", "*").replace("\"Action\"", "\"NotAction\"")),
                                null,
                                null,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        s(
                                "NotResource deny spares the named resource",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL, deny("ecs:*", CLUSTER).replace("\"Resource\"", "\"NotResource\"")),
                                null,
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "NotResource deny hits the others",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER + "2",
                                List.of(ECS_ALL, deny("ecs:*", CLUSTER).replace("\"Resource\"", "\"NotResource\"")),
                                null,
                                null,
                                List.of(),
                                Outcome.EXPLICIT_DENY,
                                Reason.DENY_IDENTITY),
                        // resource-based policies in the same account: an allow in either suffices
                        s(
                                "resource policy alone allows an IAM user",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", userArn, "ecs:DeleteCluster"),
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "resource policy deny wins",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                resourcePolicy("Deny", "\"*\"", "ecs:*"),
                                null,
                                List.of(),
                                Outcome.EXPLICIT_DENY,
                                Reason.DENY_RESOURCE),
                        s(
                                "resource policy for someone else",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", "{\"AWS\":\"arn:aws:iam::" + ACCT + ":user/alice\"}", "ecs:*"),
                                null,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        s(
                                "resource policy naming the account delegates to identity policies",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", account, "ecs:*"),
                                null,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        s(
                                "resource policy to * allows",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", "\"*\"", "ecs:*"),
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "NotPrincipal allow for everyone but alice",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", "{\"AWS\":\"arn:aws:iam::" + ACCT + ":user/alice\"}", "ecs:*")
                                        .replace("\"Principal\"", "\"NotPrincipal\""),
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "NotPrincipal deny spares the named user",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                resourcePolicy("Deny", userArn, "ecs:*").replace("\"Principal\"", "\"NotPrincipal\""),
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        // permissions boundaries
                        s(
                                "boundary allows too",
                                BOB,
                                "ecs:DescribeClusters",
                                CLUSTER,
                                List.of(ECS_ALL),
                                null,
                                ECS_READ,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "boundary limits identity policies",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                null,
                                ECS_READ,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_BOUNDARY_ALLOW),
                        s(
                                "boundary grants nothing by itself",
                                BOB,
                                "ecs:DescribeClusters",
                                CLUSTER,
                                List.of(),
                                null,
                                ECS_READ,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        s(
                                "boundary deny",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                null,
                                BOUNDARY_WITH_DENY,
                                List.of(),
                                Outcome.EXPLICIT_DENY,
                                Reason.DENY_BOUNDARY),
                        s(
                                "guide: resource policy to an IAM user ARN is not limited by the boundary",
                                BOB,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", userArn, "ecs:DeleteCluster"),
                                ECS_READ,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "guide: resource policy to a role ARN is limited by the boundary",
                                SESSION,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", roleArn, "ecs:*"),
                                ECS_READ,
                                List.of(),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_BOUNDARY_ALLOW),
                        s(
                                "resource policy to a role ARN stands in for identity policies",
                                SESSION,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", roleArn, "ecs:*"),
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "guide: resource policy to the session ARN is not limited by the boundary",
                                SESSION,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", sessionArn, "ecs:*"),
                                ECS_READ,
                                List.of(ECS_READ),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        // session policies
                        s(
                                "session policy intersects",
                                SESSION,
                                "ecs:DescribeClusters",
                                CLUSTER,
                                List.of(ECS_ALL),
                                null,
                                null,
                                List.of(ECS_READ),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "session policy limits",
                                SESSION,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                null,
                                null,
                                List.of(ECS_READ),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_SESSION_ALLOW),
                        s(
                                "session policy grants nothing by itself",
                                SESSION,
                                "ecs:DescribeClusters",
                                CLUSTER,
                                List.of(),
                                null,
                                null,
                                List.of(ECS_READ),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        s(
                                "session policy deny",
                                SESSION,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                null,
                                null,
                                List.of(ECS_ALL, deny("ecs:*", "*")),
                                Outcome.EXPLICIT_DENY,
                                Reason.DENY_SESSION),
                        s(
                                "boundary checked before session",
                                SESSION,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                null,
                                ECS_READ,
                                List.of(ECS_READ),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_BOUNDARY_ALLOW),
                        s(
                                "role ARN resource allow still needs the session policy",
                                SESSION,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", roleArn, "ecs:*"),
                                null,
                                List.of(ECS_READ),
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_SESSION_ALLOW),
                        // the root of the account
                        s(
                                "root is allowed",
                                Principal.root(ACCT),
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                null,
                                null,
                                List.of(),
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        s(
                                "root is not allowed what a resource policy denies",
                                Principal.root(ACCT),
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Deny", "\"*\"", "ecs:*"),
                                null,
                                List.of(),
                                Outcome.EXPLICIT_DENY,
                                Reason.DENY_RESOURCE))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decides(Scenario sc) {
        check(sc);
    }

    static void check(Scenario sc) {
        PolicySet set = new PolicySet(
                sc.identity().stream()
                        .map(j -> Policy.parse(j, PolicyKind.IDENTITY))
                        .toList(),
                sc.resourcePolicy() == null ? null : Policy.parse(sc.resourcePolicy(), PolicyKind.RESOURCE),
                sc.boundary() == null ? null : Policy.parse(sc.boundary(), PolicyKind.IDENTITY),
                sc.session().stream()
                        .map(j -> Policy.parse(j, PolicyKind.IDENTITY))
                        .toList());
        Request request = new Request(
                sc.principal(), sc.action(), List.of(sc.resource()), RequestContext.empty(), sc.resourceAccount());
        Decision d = PolicyEvaluator.evaluate(request, set);
        assertThat(d.outcome()).as("outcome").isEqualTo(sc.outcome());
        assertThat(d.reason()).as("reason").isEqualTo(sc.reason());
    }
}
