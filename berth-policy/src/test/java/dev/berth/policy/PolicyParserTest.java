package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyParserTest {

    private static final String OK_STATEMENT = "{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\"}";

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(PolicyKind.IDENTITY, "not json", "Syntax errors in policy."),
                Arguments.of(PolicyKind.IDENTITY, "", "Syntax errors in policy."),
                Arguments.of(PolicyKind.IDENTITY, "[]", "Syntax errors in policy."),
                Arguments.of(PolicyKind.IDENTITY, "{\"Version\":\"2012-10-17\"}", "Syntax errors in policy."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":" + OK_STATEMENT + "} trailing",
                        "Syntax errors in policy."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":" + OK_STATEMENT + ",\"Statement\":" + OK_STATEMENT + "}",
                        "Syntax errors in policy."),
                Arguments.of(PolicyKind.IDENTITY, "{\"Statement\":\"x\"}", "Syntax errors in policy."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Version\":\"2012-10-18\",\"Statement\":" + OK_STATEMENT + "}",
                        "The policy failed legacy parsing"),
                Arguments.of(
                        PolicyKind.IDENTITY, "{\"Foo\":1,\"Statement\":" + OK_STATEMENT + "}", "Unknown field Foo"),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\",\"Foo\":1}}",
                        "Unknown field Foo"),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecs:*\",\"Resource\":\"*\"}}",
                        "Policy document should not specify a principal."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},"
                                + "\"Action\":\"ecs:*\",\"Resource\":\"*\"}}",
                        "Policy document should not specify a principal."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:*\"}}",
                        "Policy statement must contain resources."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Resource\":\"*\"}}",
                        "Policy statement must contain actions."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":5,\"Resource\":\"*\"}}",
                        "Syntax errors in policy."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}}",
                        "Policy statement must contain actions."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"DeleteCluster\",\"Resource\":\"*\"}}",
                        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:a:b\",\"Resource\":\"*\"}}",
                        "Actions/Condition can contain only one colon."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*:Untag*\",\"Resource\":\"*\"}}",
                        "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\","
                                + "\"Condition\":{\"StringEquals\":{\"SourceIp\":\"x\"}}}}",
                        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\","
                                + "\"Condition\":{\"StringEqualz\":{\"aws:username\":\"x\"}}}}",
                        "Invalid Condition type : StringEqualz"),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\","
                                + "\"Condition\":{\"NullIfExists\":{\"aws:username\":\"true\"}}}}",
                        "Invalid Condition type : NullIfExists"),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"cluster/web\"}}",
                        "Resource cluster/web must be in ARN format or \"*\"."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Action\":\"ecs:*\",\"Resource\":\"*\"}}",
                        "Missing required field Effect"),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\"}}",
                        "Invalid effect: allow"),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Sid\":\"no-dashes\",\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\"}}",
                        PolicyParser.SID_ALNUM),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\"},"
                                + "{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"Resource\":\"*\"}]}",
                        "Statement IDs (SID) in a single policy must be unique."),
                Arguments.of(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecs:*\",\"NotAction\":\"ecs:x\",\"Resource\":\"*\"}}",
                        "Syntax errors in policy."),
                Arguments.of(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                        "Missing required field Principal"),
                Arguments.of(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::1111:user/x\"},"
                                + "\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                        "Invalid principal in policy: \"AWS\":\"arn:aws:iam::1111:user/x\""),
                Arguments.of(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/*\"},"
                                + "\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                        "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:user/*\""),
                Arguments.of(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Group\":\"x\"},"
                                + "\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                        "Invalid principal in policy: \"Group\":\"x\""),
                Arguments.of(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"someone\",\"Action\":\"s3:*\"}}",
                        "Invalid principal in policy"),
                Arguments.of(
                        PolicyKind.TRUST,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},"
                                + "\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}}",
                        "Has prohibited field Resource"),
                Arguments.of(
                        PolicyKind.TRUST,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},"
                                + "\"Action\":\"ecs:RunTask\"}}",
                        "AssumeRole policy may only specify STS AssumeRole actions."));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("malformed")
    void refusesWithIamsMessage(PolicyKind kind, String json, String message) {
        assertThatThrownBy(() -> Policy.parse(json, kind))
                .isInstanceOf(MalformedPolicyException.class)
                .hasMessage(message);
    }

    @Test
    void acceptsStatementAsObjectOrArrayAndKeepsIdSidAndPositions() {
        String json = """
                {
                  "Version": "2012-10-17",
                  "Id": "doc1",
                  "Statement": [
                    {"Sid": "First", "Effect": "Allow", "Action": "ecs:List*", "Resource": "*"},
                    {
                      "Effect": "Deny",
                      "NotAction": ["iam:*", "sts:*"],
                      "NotResource": "arn:aws:iam::111122223333:role/x"
                    }
                  ]
                }""";
        Policy p = Policy.parse(json, PolicyKind.IDENTITY);
        assertThat(p.id()).isEqualTo("doc1");
        assertThat(p.version()).isEqualTo("2012-10-17");
        assertThat(p.statements()).hasSize(2);
        assertThat(p.statements().get(0).sid()).isEqualTo("First");
        assertThat(p.statements().get(0).start()).isEqualTo(new Statement.Position(5, 5));
        assertThat(p.statements().get(0).end()).isEqualTo(new Statement.Position(5, 80));
        assertThat(p.statements().get(1).sid()).isNull();
        assertThat(p.statements().get(1).effect()).isEqualTo(Effect.DENY);
        assertThat(p.statements().get(1).start()).isEqualTo(new Statement.Position(6, 5));
        assertThat(p.statements().get(1).end()).isEqualTo(new Statement.Position(10, 6));

        Policy single = Policy.parse("{\"Statement\":" + OK_STATEMENT + "}", PolicyKind.IDENTITY);
        assertThat(single.statements()).hasSize(1);
        assertThat(single.version()).isEqualTo("2008-10-17");
        assertThat(single.variablesEnabled()).isFalse();
    }

    @Test
    void resourcePoliciesMayLeaveOutResourceAndUseFreeFormSids() {
        Policy p = Policy.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"allow pull\",\"Effect\":\"Allow\","
                        + "\"Principal\":{\"AWS\":[\"111122223333\",\"arn:aws:iam::111122223333:role/ci\"],"
                        + "\"Service\":\"ecs.amazonaws.com\"},\"Action\":[\"ecr:BatchGetImage\"]}]}",
                PolicyKind.RESOURCE);
        assertThat(p.statements().getFirst().sid()).isEqualTo("allow pull");
    }

    @Test
    void trustPolicyAcceptsStsActionsAndAllPrincipalTypes() {
        Policy p = Policy.parse("""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com"]},"Action":"sts:AssumeRole"},
                  {"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},
                   "Action":"sts:AssumeRoleWithWebIdentity",
                   "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:abc"}}},
                  {"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/R/s"},
                   "Action":["sts:AssumeRole","sts:TagSession"]},
                  {"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},"Action":"sts:*"}
                ]}""", PolicyKind.TRUST);
        assertThat(p.statements()).hasSize(4);
    }

    @Test
    void toAwsExceptionCarriesIamsCode() {
        var e = new MalformedPolicyException("Syntax errors in policy.").toAwsException();
        assertThat(e.code()).isEqualTo("MalformedPolicyDocument");
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("Syntax errors in policy.");
    }

    @Test
    void sizeCountsCharactersWithoutWhitespace() {
        String json = "{ \"Statement\" :\n\t{ } }";
        assertThat(PolicySize.countWithoutWhitespace(json)).isEqualTo(16);
        assertThat(PolicySize.count(json)).isEqualTo(json.length());
    }
}
