package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.Decision.Outcome;
import org.junit.jupiter.api.Test;

/** Policy variables in Resource and Condition, as the IAM guide's "IAM policy elements: Variables and tags" describes. */
class VariablesTest {

    static final Principal BOB = Principal.user("arn:aws:iam::111122223333:user/bob");

    static Policy identity(String version, String resource) {
        return Policy.parse(
                "{" + (version == null ? "" : "\"Version\":\"" + version + "\",")
                        + "\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"" + resource + "\"}}",
                PolicyKind.IDENTITY);
    }

    static boolean allowed(Policy p, String resource, RequestContext c) {
        return PolicyEvaluator.evaluate(Request.of(BOB, "s3:GetObject", resource, c), PolicySet.identity(p))
                .allowed();
    }

    static RequestContext user(String name) {
        return RequestContext.builder()
                .put("aws:username", name)
                .put("aws:userid", "AIDAJQABLZS4A3QDU576Q")
                .build();
    }

    @Test
    void guideExampleHomeFolderPerUser() {
        Policy p = identity("2012-10-17", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*");
        assertThat(allowed(p, "arn:aws:s3:::amzn-s3-demo-bucket/bob/notes.txt", user("bob")))
                .isTrue();
        assertThat(allowed(p, "arn:aws:s3:::amzn-s3-demo-bucket/alice/notes.txt", user("bob")))
                .isFalse();
    }

    @Test
    void variablesAreLiteralTextInVersion2008AndWithoutVersion() {
        for (String version : new String[] {"2008-10-17", null}) {
            Policy p = identity(version, "arn:aws:s3:::b/${aws:username}/*");
            assertThat(p.variablesEnabled()).isFalse();
            assertThat(allowed(p, "arn:aws:s3:::b/bob/x", user("bob"))).isFalse();
            assertThat(allowed(p, "arn:aws:s3:::b/${aws:username}/x", user("bob")))
                    .isTrue();
        }
    }

    @Test
    void userIdPrincipalTagAndAnyContextKey() {
        Policy p = identity("2012-10-17", "arn:aws:s3:::b/${aws:userid}/${aws:PrincipalTag/team}/${s3:prefix}");
        RequestContext c = RequestContext.builder()
                .put("aws:userid", "AIDAJQABLZS4A3QDU576Q")
                .put("aws:PrincipalTag/team", "web")
                .put("s3:prefix", "logs")
                .build();
        assertThat(allowed(p, "arn:aws:s3:::b/AIDAJQABLZS4A3QDU576Q/web/logs", c))
                .isTrue();
        assertThat(allowed(p, "arn:aws:s3:::b/AIDAJQABLZS4A3QDU576Q/db/logs", c))
                .isFalse();
    }

    @Test
    void specialCharactersAndDefaults() {
        Policy p = identity("2012-10-17", "arn:aws:s3:::b/${*}${?}${$}/${aws:username, 'anonymous'}");
        assertThat(allowed(p, "arn:aws:s3:::b/*?$/anonymous", RequestContext.empty()))
                .isTrue();
        assertThat(allowed(p, "arn:aws:s3:::b/x?$/anonymous", RequestContext.empty()))
                .isFalse();
        assertThat(allowed(p, "arn:aws:s3:::b/*?$/bob", user("bob"))).isTrue();
    }

    @Test
    void aStatementWithAnUnresolvableVariableDoesNotApplyNeitherAllowNorDeny() {
        Policy allow = identity("2012-10-17", "arn:aws:s3:::b/${aws:username}/*");
        assertThat(allowed(allow, "arn:aws:s3:::b/bob/x", RequestContext.empty()))
                .isFalse();

        Policy denyOthers = Policy.parse("""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Action":"s3:*","Resource":"*"},
                  {"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"}]}""", PolicyKind.IDENTITY);
        Decision withUser = PolicyEvaluator.evaluate(
                Request.of(BOB, "s3:GetObject", "arn:aws:s3:::b/alice/x", user("bob")), PolicySet.identity(denyOthers));
        assertThat(withUser.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        Decision without = PolicyEvaluator.evaluate(
                Request.of(BOB, "s3:GetObject", "arn:aws:s3:::b/alice/x", RequestContext.empty()),
                PolicySet.identity(denyOthers));
        assertThat(without.outcome()).isEqualTo(Outcome.ALLOW);
    }

    @Test
    void multivaluedKeysAreNoVariables() {
        Policy p = identity("2012-10-17", "arn:aws:s3:::b/${aws:TagKeys}");
        RequestContext c = RequestContext.builder()
                .putAll("aws:TagKeys", java.util.List.of("a", "b"))
                .build();
        assertThat(allowed(p, "arn:aws:s3:::b/a", c)).isFalse();
    }

    @Test
    void currentTimeAndSourceIpAsVariables() {
        Policy p = Policy.parse("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*",
                 "Resource":"arn:aws:s3:::b/${aws:SourceIp}/*",
                 "Condition":{"StringLike":{"s3:prefix":"${aws:CurrentTime}*"}}}}""", PolicyKind.IDENTITY);
        RequestContext c = RequestContext.builder()
                .put("aws:SourceIp", "192.0.2.1")
                .put("aws:CurrentTime", "2026-12-08T01:00:00Z")
                .put("s3:prefix", "2026-12-08T01:00:00Z/log")
                .build();
        assertThat(allowed(p, "arn:aws:s3:::b/192.0.2.1/x", c)).isTrue();
        assertThat(allowed(p, "arn:aws:s3:::b/192.0.2.2/x", c)).isFalse();
    }
}
