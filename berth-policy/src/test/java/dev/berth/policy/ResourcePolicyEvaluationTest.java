package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.Decision.Outcome;
import dev.berth.policy.Decision.Reason;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests decided with a resource-based policy as the deciding part: cross-account requests (both
 * sides must allow), role trust policies deciding sts:AssumeRole, and public resources for
 * anonymous callers. Helpers and constants come from {@link PolicyEvaluatorTest}.
 */
class ResourcePolicyEvaluationTest {

    static final String ACCT = PolicyEvaluatorTest.ACCT;
    static final String OTHER = PolicyEvaluatorTest.OTHER;
    static final String CLUSTER = PolicyEvaluatorTest.CLUSTER;
    static final String ECS_ALL = PolicyEvaluatorTest.ECS_ALL;
    static final String ECS_READ = PolicyEvaluatorTest.ECS_READ;
    static final Principal BOB = PolicyEvaluatorTest.BOB;
    static final Principal FOREIGN = PolicyEvaluatorTest.FOREIGN;

    static String allow(String action, String resource) {
        return PolicyEvaluatorTest.allow(action, resource);
    }

    static String resourcePolicy(String effect, String principalJson, String action) {
        return PolicyEvaluatorTest.resourcePolicy(effect, principalJson, action);
    }

    static Stream<Arguments> crossAccount() {
        String eve = "{\"AWS\":\"" + FOREIGN.arn() + "\"}";
        String otherAccount = "{\"AWS\":\"arn:aws:iam::" + OTHER + ":root\"}";
        return Stream.of(
                        new PolicyEvaluatorTest.Scenario(
                                "cross-account: both sides allow",
                                FOREIGN,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                resourcePolicy("Allow", eve, "ecs:*"),
                                null,
                                List.of(),
                                ACCT,
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        new PolicyEvaluatorTest.Scenario(
                                "cross-account: account principal allows",
                                FOREIGN,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                resourcePolicy("Allow", otherAccount, "ecs:*"),
                                null,
                                List.of(),
                                ACCT,
                                Outcome.ALLOW,
                                Reason.ALLOWED),
                        new PolicyEvaluatorTest.Scenario(
                                "cross-account: identity side missing",
                                FOREIGN,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(),
                                resourcePolicy("Allow", eve, "ecs:*"),
                                null,
                                List.of(),
                                ACCT,
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_IDENTITY_ALLOW),
                        new PolicyEvaluatorTest.Scenario(
                                "cross-account: resource side missing",
                                FOREIGN,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                resourcePolicy("Allow", "{\"AWS\":\"" + ACCT + "\"}", "ecs:*"),
                                null,
                                List.of(),
                                ACCT,
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_RESOURCE_ALLOW),
                        new PolicyEvaluatorTest.Scenario(
                                "cross-account: boundary still applies",
                                FOREIGN,
                                "ecs:DeleteCluster",
                                CLUSTER,
                                List.of(ECS_ALL),
                                resourcePolicy("Allow", eve, "ecs:*"),
                                ECS_READ,
                                List.of(),
                                ACCT,
                                Outcome.IMPLICIT_DENY,
                                Reason.NO_BOUNDARY_ALLOW))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crossAccount")
    void decides(PolicyEvaluatorTest.Scenario sc) {
        PolicyEvaluatorTest.check(sc);
    }

    @Test
    void trustPoliciesDecideAssumeRole() {
        Policy trust = Policy.parse("""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"},
                  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"},
                  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/eve"},"Action":"sts:AssumeRole",
                   "Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}]}""", PolicyKind.TRUST);
        String role = "arn:aws:iam::111122223333:role/task";
        PolicySet onlyTrust = new PolicySet(List.of(), trust, null, List.of());
        // a service principal: the trust policy alone decides
        assertThat(PolicyEvaluator.evaluate(
                                Request.of(Principal.service("ecs-tasks.amazonaws.com"), "sts:AssumeRole", role)
                                        .inAccount(ACCT),
                                onlyTrust)
                        .allowed())
                .isTrue();
        assertThat(PolicyEvaluator.evaluate(
                                Request.of(Principal.service("lambda.amazonaws.com"), "sts:AssumeRole", role)
                                        .inAccount(ACCT),
                                onlyTrust)
                        .allowed())
                .isFalse();
        // the account root as principal delegates to the caller's identity policies
        assertThat(PolicyEvaluator.evaluate(Request.of(BOB, "sts:AssumeRole", role), onlyTrust)
                        .reason())
                .isEqualTo(Reason.NO_IDENTITY_ALLOW);
        PolicySet bobMayAssume = new PolicySet(
                List.of(Policy.parse(allow("sts:AssumeRole", role), PolicyKind.IDENTITY)), trust, null, List.of());
        assertThat(PolicyEvaluator.evaluate(Request.of(BOB, "sts:AssumeRole", role), bobMayAssume)
                        .allowed())
                .isTrue();
        // cross-account: trust policy (with its condition) and the caller's own policy must both allow
        PolicySet eveMayAssume = new PolicySet(
                List.of(Policy.parse(allow("sts:AssumeRole", "*"), PolicyKind.IDENTITY)), trust, null, List.of());
        RequestContext externalId =
                RequestContext.builder().put("sts:ExternalId", "s3cr3t").build();
        assertThat(PolicyEvaluator.evaluate(
                                new Request(FOREIGN, "sts:AssumeRole", List.of(role), externalId, ACCT), eveMayAssume)
                        .allowed())
                .isTrue();
        assertThat(PolicyEvaluator.evaluate(
                                new Request(FOREIGN, "sts:AssumeRole", List.of(role), RequestContext.empty(), ACCT),
                                eveMayAssume)
                        .reason())
                .isEqualTo(Reason.NO_RESOURCE_ALLOW);
    }

    @Test
    void anonymousCallersReachOnlyWhatAResourcePolicyOpensToEveryone() {
        String object = "arn:aws:s3:::public-bucket/index.html";
        Policy publicRead = Policy.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\","
                        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::public-bucket/*\"}}",
                PolicyKind.RESOURCE);
        PolicySet set = new PolicySet(List.of(), publicRead, null, List.of());
        Principal anonymous = Principal.anonymous();
        assertThat(PolicyEvaluator.evaluate(
                                Request.of(anonymous, "s3:GetObject", object).inAccount(ACCT), set)
                        .allowed())
                .isTrue();
        Decision put = PolicyEvaluator.evaluate(
                Request.of(anonymous, "s3:PutObject", object).inAccount(ACCT), set);
        assertThat(put.allowed()).isFalse();
        assertThat(put.accessDeniedMessage(anonymous)).startsWith("User: anonymous is not authorized");
    }
}
