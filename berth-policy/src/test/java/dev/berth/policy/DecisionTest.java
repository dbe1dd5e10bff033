package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.Decision.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a {@link Decision} carries besides its outcome: AWS's AccessDenied sentence, the matched
 * statements with their source and position (SimulatePrincipalPolicy), and the rule that every
 * resource of a request must be allowed.
 */
class DecisionTest {

    static final String ACCT = PolicyEvaluatorTest.ACCT;
    static final String CLUSTER = PolicyEvaluatorTest.CLUSTER;
    static final String ECS_ALL = PolicyEvaluatorTest.ECS_ALL;
    static final String ECS_READ = PolicyEvaluatorTest.ECS_READ;
    static final String CARLOS_IDENTITY = PolicyEvaluatorTest.CARLOS_IDENTITY;
    static final Principal BOB = PolicyEvaluatorTest.BOB;
    static final Principal CARLOS = PolicyEvaluatorTest.CARLOS;
    static final Principal SESSION = PolicyEvaluatorTest.SESSION;

    static String allow(String action, String resource) {
        return PolicyEvaluatorTest.allow(action, resource);
    }

    static String resourcePolicy(String effect, String principalJson, String action) {
        return PolicyEvaluatorTest.resourcePolicy(effect, principalJson, action);
    }

    @Test
    void accessDeniedMessagesReadLikeAws() {
        Policy read = Policy.parse(ECS_READ, PolicyKind.IDENTITY);
        Decision implicit =
                PolicyEvaluator.evaluate(Request.of(BOB, "ecs:DeleteCluster", CLUSTER), PolicySet.identity(read));
        assertThat(implicit.accessDeniedMessage(BOB))
                .isEqualTo("User: arn:aws:iam::111122223333:user/bob is not authorized to perform: ecs:DeleteCluster"
                        + " on resource: arn:aws:ecs:us-east-1:111122223333:cluster/web because no identity-based"
                        + " policy allows the ecs:DeleteCluster action");
        Decision explicit = PolicyEvaluator.evaluate(
                Request.of(BOB, "ecs:DeleteCluster", CLUSTER),
                PolicySet.identity(Policy.parse(ECS_ALL, PolicyKind.IDENTITY))
                        .withResource(Policy.parse(resourcePolicy("Deny", "\"*\"", "ecs:*"), PolicyKind.RESOURCE)));
        assertThat(explicit.accessDeniedMessage(BOB))
                .endsWith("on resource: " + CLUSTER + " with an explicit deny in a resource-based policy");
        Decision boundary = PolicyEvaluator.evaluate(
                Request.of(BOB, "ecs:DeleteCluster", CLUSTER),
                PolicySet.identity(Policy.parse(ECS_ALL, PolicyKind.IDENTITY)).withBoundary(read));
        assertThat(boundary.accessDeniedMessage(BOB))
                .endsWith("because no permissions boundary allows the ecs:DeleteCluster action");
        Decision session = PolicyEvaluator.evaluate(
                Request.of(SESSION, "ecs:DeleteCluster", CLUSTER),
                PolicySet.identity(Policy.parse(ECS_ALL, PolicyKind.IDENTITY)).withSession(read));
        assertThat(session.accessDeniedMessage(SESSION))
                .startsWith("User: arn:aws:sts::111122223333:assumed-role/deployer/ci-42 is not authorized")
                .endsWith("because no session policy allows the ecs:DeleteCluster action");
    }

    @Test
    void matchedStatementsNameTheirPolicyAndPosition() {
        Policy carlos = Policy.parse(CARLOS_IDENTITY, PolicyKind.IDENTITY).withSourceId("carlos-inline");
        Decision denied = PolicyEvaluator.evaluate(
                Request.of(CARLOS, "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/x"),
                PolicySet.identity(carlos));
        assertThat(denied.matched()).singleElement().satisfies(m -> {
            assertThat(m.sourcePolicyId()).isEqualTo("carlos-inline");
            assertThat(m.policyType()).isEqualTo(PolicyType.IDENTITY);
            assertThat(m.statement().sid()).isEqualTo("DenyS3Logs");
            assertThat(m.statement().start().line()).isEqualTo(9);
        });
        Decision allowed = PolicyEvaluator.evaluate(
                Request.of(CARLOS, "s3:ListAllMyBuckets", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"),
                PolicySet.identity(carlos));
        assertThat(allowed.matched())
                .extracting(m -> m.statement().sid())
                .containsExactly("AllowS3ListRead", "AllowS3Self");
        Decision implicit = PolicyEvaluator.evaluate(
                Request.of(CARLOS, "s3:GetObject", "arn:aws:s3:::elsewhere/x"), PolicySet.identity(carlos));
        assertThat(implicit.matched()).isEmpty();
    }

    @Test
    void everyResourceMustBeAllowed() {
        Policy p = Policy.parse(allow("ecs:*", CLUSTER), PolicyKind.IDENTITY);
        Request both =
                new Request(BOB, "ecs:TagResource", List.of(CLUSTER, CLUSTER + "2"), RequestContext.empty(), null);
        Decision d = PolicyEvaluator.evaluate(both, PolicySet.identity(p));
        assertThat(d.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(d.resource()).isEqualTo(CLUSTER + "2");
        Request one = new Request(BOB, "ecs:TagResource", List.of(CLUSTER), RequestContext.empty(), null);
        assertThat(PolicyEvaluator.evaluate(one, PolicySet.identity(p)).allowed())
                .isTrue();
        Request none = new Request(BOB, "ecs:ListClusters", List.of(), RequestContext.empty(), null);
        assertThat(PolicyEvaluator.evaluate(none, PolicySet.identity(p)).allowed())
                .isFalse();
        assertThat(PolicyEvaluator.evaluate(none, PolicySet.identity(Policy.parse(ECS_ALL, PolicyKind.IDENTITY)))
                        .resource())
                .isEqualTo("*");
    }
}
