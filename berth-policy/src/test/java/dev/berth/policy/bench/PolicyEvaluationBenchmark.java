package dev.berth.policy.bench;

import dev.berth.policy.Decision;
import dev.berth.policy.Policy;
import dev.berth.policy.PolicyEvaluator;
import dev.berth.policy.PolicyKind;
import dev.berth.policy.PolicySet;
import dev.berth.policy.Principal;
import dev.berth.policy.Request;
import dev.berth.policy.RequestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions per second on one thread for a 10-statement identity policy with conditions and
 * variables (run by {@code bench/policy.sh}; results in {@code docs/benchmarks.md}). Target: at
 * least 1,000,000 evaluations/s, because the IAM module calls the engine for every API call.
 *
 * <ul>
 *   <li>{@code allowed}: ecs:DeleteCluster on a cluster named after the user, allowed by the 9th
 *       statement after every deny statement's conditions were checked (the common, full-scan case);
 *   <li>{@code explicitDeny}: the same user from an address outside the allowed range;
 *   <li>{@code implicitDeny}: an action no statement allows;
 *   <li>{@code withBoundaryAndSession}: the allowed request with a boundary and a session policy;
 *   <li>{@code buildContextAndEvaluate}: {@code allowed} including building the request context
 *       (what a caller pays per request: keys lower-cased, dates and addresses parsed on first use);
 *   <li>{@code parse}: compiling the policy (done once per stored policy, for scale).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class PolicyEvaluationBenchmark {

    static final String ACCT = "111122223333";
    static final String POLICY = """
            {
              "Version": "2012-10-17",
              "Id": "bench",
              "Statement": [
                {"Sid": "DenyOutsideOffice", "Effect": "Deny", "NotAction": ["iam:ChangePassword", "sts:GetCallerIdentity"],
                 "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}},
                {"Sid": "DenyWithoutTls", "Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                {"Sid": "DenyAfterExpiry", "Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}},
                {"Sid": "DenyProdTagsForOthers", "Effect": "Deny", "Action": "ecs:*", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"},
                               "StringNotEquals": {"aws:PrincipalTag/team": "sre"}}},
                {"Sid": "DenyReservedTagKeys", "Effect": "Deny", "Action": ["ecs:TagResource", "ecs:CreateCluster"],
                 "Resource": "*", "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["aws:*", "berth:*"]}}},
                {"Sid": "ReadEverything", "Effect": "Allow", "Action": ["ecs:Describe*", "ecs:List*", "ecr:Get*"],
                 "Resource": "*"},
                {"Sid": "OwnRepositories", "Effect": "Allow", "Action": "ecr:*",
                 "Resource": "arn:aws:ecr:*:111122223333:repository/${aws:username}/*"},
                {"Sid": "TaggedClusters", "Effect": "Allow", "Action": "ecs:*",
                 "Resource": "arn:aws:ecs:*:111122223333:cluster/*",
                 "Condition": {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}},
                {"Sid": "OwnClusters", "Effect": "Allow", "Action": ["ecs:*Cluster*", "ecs:*Service*"],
                 "Resource": "arn:aws:ecs:us-east-?:111122223333:cluster/${aws:username}-*",
                 "Condition": {"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"},
                               "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
                {"Sid": "OwnKeys", "Effect": "Allow", "Action": "iam:*AccessKey*",
                 "Resource": "arn:aws:iam::111122223333:user/${aws:username}"}
              ]
            }""";

    Policy policy;
    PolicySet identityOnly;
    PolicySet withBoundaryAndSession;
    Request allowed;
    Request denied;
    Request implicit;
    Principal bob;

    @Setup
    public void setUp() {
        policy = Policy.parse(POLICY, PolicyKind.IDENTITY).withSourceId("arn:aws:iam::111122223333:policy/bench");
        identityOnly = PolicySet.identity(policy);
        Policy boundary = Policy.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"ecs:*\",\"ecr:*\"],"
                        + "\"Resource\":\"*\"}}",
                PolicyKind.IDENTITY);
        Policy session = Policy.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:*\","
                        + "\"Resource\":\"arn:aws:ecs:us-east-1:111122223333:cluster/*\"}}",
                PolicyKind.IDENTITY);
        withBoundaryAndSession = identityOnly.withBoundary(boundary).withSession(session);
        bob = Principal.user("arn:aws:iam::111122223333:user/bob");
        allowed = request("203.0.113.7");
        denied = request("198.51.100.7");
        implicit = new Request(bob, "ecs:RegisterTaskDefinition", List.of(), allowed.context(), null);
        if (!PolicyEvaluator.evaluate(allowed, identityOnly).allowed()
                || PolicyEvaluator.evaluate(denied, identityOnly).outcome() != Decision.Outcome.EXPLICIT_DENY
                || PolicyEvaluator.evaluate(implicit, identityOnly).outcome() != Decision.Outcome.IMPLICIT_DENY
                || !PolicyEvaluator.evaluate(allowed, withBoundaryAndSession).allowed()) {
            throw new IllegalStateException("benchmark requests do not decide as intended");
        }
    }

    Request request(String sourceIp) {
        return Request.of(
                bob, "ecs:DeleteCluster", "arn:aws:ecs:us-east-1:" + ACCT + ":cluster/bob-web", context(sourceIp));
    }

    static RequestContext context(String sourceIp) {
        return RequestContext.builder()
                .put("aws:username", "bob")
                .put("aws:userid", "AIDAJQABLZS4A3QDU576Q")
                .put("aws:PrincipalArn", "arn:aws:iam::111122223333:user/bob")
                .put("aws:PrincipalTag/team", "web")
                .put("aws:ResourceTag/env", "dev")
                .put("aws:ResourceTag/owner", "alice")
                .put("aws:SourceIp", sourceIp)
                .put("aws:SecureTransport", "true")
                .put("aws:CurrentTime", "2026-12-08T01:00:00Z")
                .put("aws:MultiFactorAuthAge", "120")
                .build();
    }

    @Benchmark
    public Decision allowed() {
        return PolicyEvaluator.evaluate(allowed, identityOnly);
    }

    @Benchmark
    public Decision explicitDeny() {
        return PolicyEvaluator.evaluate(denied, identityOnly);
    }

    @Benchmark
    public Decision implicitDeny() {
        return PolicyEvaluator.evaluate(implicit, identityOnly);
    }

    @Benchmark
    public Decision withBoundaryAndSession() {
        return PolicyEvaluator.evaluate(allowed, withBoundaryAndSession);
    }

    @Benchmark
    public Decision buildContextAndEvaluate() {
        return PolicyEvaluator.evaluate(
                Request.of(
                        bob,
                        "ecs:DeleteCluster",
                        "arn:aws:ecs:us-east-1:" + ACCT + ":cluster/bob-web",
                        context("203.0.113.7")),
                identityOnly);
    }

    @Benchmark
    public Policy parse() {
        return Policy.parse(POLICY, PolicyKind.IDENTITY);
    }
}
