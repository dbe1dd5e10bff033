package dev.berth.protocol.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import dev.berth.protocol.sigv4.TestVectors.Vector;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a request can fail authentication, with the code and message AWS would answer in each
 * dialect. Requests start from AWS test-suite vectors (signed at 20150830T123600Z for
 * {@code us-east-1}/{@code service}) and are bent one way at a time.
 */
class SigV4VerifierErrorsTest {

    private static final Vector VANILLA = TestVectors.load("get-vanilla");
    private static final Vector PRESIGNED = TestVectors.load("presigned/get-vanilla-query-order-key-case");
    private static final String AUTHZ =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                    + " SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    private static SigV4Verifier verifierAt(String isoTime) {
        return new SigV4Verifier(
                TestVectors.RESOLVER, Clock.fixed(Instant.parse(isoTime), ZoneOffset.UTC), "us-east-1");
    }

    private static final SigV4Verifier AT_SIGNING_TIME = verifierAt("2015-08-30T12:36:00Z");

    private static SignedRequest vanillaWith(String authorization) {
        return TestVectors.withHeader(VANILLA.request(), "Authorization", authorization);
    }

    private static SignedRequest presignedWithQuery(String rawQuery) {
        SignedRequest r = PRESIGNED.request();
        return SignedRequest.of(r.method(), r.rawPath(), rawQuery, r.headers(), r.body());
    }

    private static void assertRejected(ThrowingCallable call, String code, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AwsException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.fault()).isEqualTo(AwsException.Fault.SENDER);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"JSON", "QUERY"})
    void noSignatureAtAllIsMissingAuthenticationToken(Dialect dialect) {
        SignedRequest unsigned = TestVectors.withoutHeader(VANILLA.request(), "Authorization");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(unsigned, "service", dialect),
                dialect == Dialect.JSON ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken",
                "Missing Authentication Token");
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"JSON", "QUERY"})
    void missingParametersAreListedTogether(Dialect dialect) {
        String authz = "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date";

        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith(authz), "service", dialect),
                dialect == Dialect.JSON ? "IncompleteSignatureException" : "IncompleteSignature",
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature'"
                        + " parameter. Authorization=" + authz);
    }

    @Test
    void missingDateIsIncomplete() {
        SignedRequest noDate = TestVectors.withoutHeader(VANILLA.request(), "X-Amz-Date");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(noDate, "service", Dialect.JSON),
                "IncompleteSignatureException",
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                        + " Authorization=" + AUTHZ);
    }

    @Test
    void unparseableDateIsIncomplete() {
        SignedRequest badDate = TestVectors.withHeader(VANILLA.request(), "X-Amz-Date", "2015-08-30T12:36:00Z");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(badDate, "service", Dialect.QUERY),
                "IncompleteSignature",
                "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'."
                        + " See http://en.wikipedia.org/wiki/ISO_8601");
    }

    @Test
    void pairWithoutEqualsSignIsIncomplete() {
        String authz = AUTHZ.replace("SignedHeaders=", "SignedHeaders");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith(authz), "service", Dialect.JSON),
                "IncompleteSignatureException",
                "'SignedHeadershost;x-amz-date' not a valid key=value pair"
                        + " (missing equal-sign) in Authorization header: '" + authz + "'.");
    }

    @Test
    void otherAlgorithmIsIncomplete() {
        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith("Basic QVdTOnNlY3JldA=="), "service", Dialect.JSON),
                "IncompleteSignatureException",
                "Unsupported AWS 'algorithm': 'Basic'. Only 'AWS4-HMAC-SHA256' is supported.");
    }

    @Test
    void malformedCredentialIsIncomplete() {
        String authz = AUTHZ.replace("/service/aws4_request", "");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith(authz), "service", Dialect.JSON),
                "IncompleteSignatureException",
                "Credential must have exactly 5 slash-delimited elements, e.g."
                        + " keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1'");
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"JSON", "QUERY"})
    void unknownAccessKeyIsUnrecognized(Dialect dialect) {
        String authz = AUTHZ.replace("AKIDEXAMPLE", "AKIDUNKNOWN");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith(authz), "service", dialect),
                dialect == Dialect.JSON ? "UnrecognizedClientException" : "InvalidClientTokenId",
                "The security token included in the request is invalid.");
    }

    @Test
    void sessionTokenIsRefusedByResolversThatIssueNone() {
        Vector v = TestVectors.load("post-sts-token/post-sts-header-before");
        CredentialResolver longTermOnly = id -> java.util.Optional.of(TestVectors.SECRET);
        SigV4Verifier verifier = new SigV4Verifier(longTermOnly, v.clock(), "us-east-1");

        assertRejected(
                () -> verifier.verify(v.request(), "service", Dialect.QUERY),
                "InvalidClientTokenId",
                "The security token included in the request is invalid.");
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"JSON", "QUERY"})
    void otherRegionIsRejected(Dialect dialect) {
        SigV4Verifier euWest = new SigV4Verifier(TestVectors.RESOLVER, VANILLA.clock(), "eu-west-1");

        assertRejected(
                () -> euWest.verify(VANILLA.request(), "service", dialect),
                dialect.invalidSignatureCode(),
                "Credential should be scoped to a valid region.");
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"JSON", "QUERY"})
    void otherServiceIsRejected(Dialect dialect) {
        assertRejected(
                () -> AT_SIGNING_TIME.verify(VANILLA.request(), "ecs", dialect),
                dialect == Dialect.JSON ? "InvalidSignatureException" : "SignatureDoesNotMatch",
                "Credential should be scoped to correct service: 'ecs'.");
    }

    @Test
    void wrongTerminatorIsRejected() {
        String authz = AUTHZ.replace("aws4_request", "aws5_request");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith(authz), "service", Dialect.JSON),
                "InvalidSignatureException",
                "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.");
    }

    @Test
    void scopeDateMustBeTheRequestDay() {
        String authz = AUTHZ.replace("/20150830/", "/20150831/");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith(authz), "service", Dialect.JSON),
                "InvalidSignatureException",
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version"
                        + " of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'.");
    }

    @Test
    void requestOlderThanFifteenMinutesHasExpired() {
        assertRejected(
                () -> verifierAt("2015-08-30T12:56:00Z").verify(VANILLA.request(), "service", Dialect.JSON),
                "InvalidSignatureException",
                "Signature expired: 20150830T123600Z is now earlier than"
                        + " 20150830T124100Z (20150830T125600Z - 15 min.)");
    }

    @Test
    void requestFromTheFutureIsNotYetCurrent() {
        assertRejected(
                () -> verifierAt("2015-08-30T12:20:00Z").verify(VANILLA.request(), "service", Dialect.QUERY),
                "SignatureDoesNotMatch",
                "Signature not yet current: 20150830T123600Z is still later than"
                        + " 20150830T123500Z (20150830T122000Z + 15 min.)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2015-08-30T12:21:00Z", "2015-08-30T12:51:00Z"})
    void exactlyFifteenMinutesOfSkewIsAccepted(String now) {
        assertThat(verifierAt(now)
                        .verify(VANILLA.request(), "service", Dialect.JSON)
                        .accessKeyId())
                .isEqualTo("AKIDEXAMPLE");
    }

    @Test
    void presignedUrlIsValidUntilItsExpiry() {
        assertThat(verifierAt("2015-08-30T13:36:00Z")
                        .verify(PRESIGNED.request(), "service", Dialect.JSON)
                        .service())
                .isEqualTo("service");
    }

    @Test
    void presignedUrlPastItsExpiryIsRejected() {
        assertRejected(
                () -> verifierAt("2015-08-30T13:36:01Z").verify(PRESIGNED.request(), "service", Dialect.JSON),
                "InvalidSignatureException",
                "Signature expired: 20150830T133600Z is now earlier than"
                        + " 20150830T133601Z (X-Amz-Date 20150830T123600Z + X-Amz-Expires 3600 s)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "604801", "soon"})
    void presignedExpiresOutOfRangeIsIncomplete(String expires) {
        String query = PRESIGNED.request().rawQuery().replace("X-Amz-Expires=3600", "X-Amz-Expires=" + expires);
        String message =
                switch (expires) {
                    case "0" -> "X-Amz-Expires must be at least 1 second, got 0";
                    case "604801" -> "X-Amz-Expires must be less than a week (in seconds) that is 604800";
                    default -> "X-Amz-Expires should be a number";
                };

        assertRejected(
                () -> AT_SIGNING_TIME.verify(presignedWithQuery(query), "service", Dialect.JSON),
                "IncompleteSignatureException",
                message);
    }

    @Test
    void presignedUrlMissingParametersIsIncomplete() {
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20150830T123600Z";

        assertRejected(
                () -> AT_SIGNING_TIME.verify(presignedWithQuery(query), "service", Dialect.QUERY),
                "IncompleteSignature",
                "AWS query-string parameters must include 'X-Amz-Credential'."
                        + " AWS query-string parameters must include 'X-Amz-Signature'."
                        + " AWS query-string parameters must include 'X-Amz-SignedHeaders'."
                        + " Re-examine the query-string parameters.");
    }

    @Test
    void presignedSignatureIsCheckedLikeAnyOther() {
        String query = PRESIGNED.request().rawQuery().replace("Param1=value1", "Param1=value2");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(presignedWithQuery(query), "service", Dialect.JSON),
                "InvalidSignatureException",
                Dialect.MISMATCH_MESSAGE);
    }

    @Test
    void hostMustBeSigned() {
        String authz = AUTHZ.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith(authz), "service", Dialect.JSON),
                "InvalidSignatureException",
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }

    @Test
    void signatureThatIsNotHexIsAMismatch() {
        String authz = AUTHZ.replace("Signature=5fa00fa3", "Signature=zzzzzzzz");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(vanillaWith(authz), "service", Dialect.JSON),
                "InvalidSignatureException",
                Dialect.MISMATCH_MESSAGE);
    }

    @Test
    void contentSha256ThatDoesNotMatchTheBodyIsRejected() {
        SignedRequest r =
                TestVectors.withHeader(VANILLA.request(), "X-Amz-Content-Sha256", Hashing.sha256Hex("something else"));

        assertRejected(
                () -> AT_SIGNING_TIME.verify(r, "service", Dialect.JSON),
                "InvalidSignatureException",
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    @Test
    void contentSha256ThatIsNeitherHashNorUnsignedIsRejected() {
        SignedRequest r =
                TestVectors.withHeader(VANILLA.request(), "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");

        assertRejected(
                () -> AT_SIGNING_TIME.verify(r, "service", Dialect.QUERY),
                "SignatureDoesNotMatch",
                "x-amz-content-sha256 must be the hex SHA-256 of the body or 'UNSIGNED-PAYLOAD',"
                        + " got 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'.");
    }

    @Test
    void contentSha256MatchingTheBodyVerifies() {
        SignedRequest r = TestVectors.withHeader(VANILLA.request(), "x-amz-content-sha256", Hashing.sha256Hex(""));

        assertThat(AT_SIGNING_TIME.verify(r, "service", Dialect.JSON).accessKeyId())
                .isEqualTo("AKIDEXAMPLE");
    }

    @Test
    void unsignedPayloadIsWhatGetsSigned() {
        SignedRequest r = TestVectors.withHeader(VANILLA.request(), "x-amz-content-sha256", "UNSIGNED-PAYLOAD");

        assertThat(AT_SIGNING_TIME.trace(r, Dialect.JSON).canonicalRequest()).endsWith("\nUNSIGNED-PAYLOAD");
    }

    @Test
    void precomputedBodyHashStandsInForTheBody() {
        Vector form = TestVectors.load("post-x-www-form-urlencoded");
        SignedRequest r = form.request();
        SignedRequest hashed = SignedRequest.withBodyHash(
                r.method(), r.rawPath(), r.rawQuery(), r.headers(), Hashing.sha256Hex(r.body()));

        assertThat(new SigV4Verifier(TestVectors.RESOLVER, form.clock(), "us-east-1")
                        .verify(hashed, "service", Dialect.QUERY)
                        .accessKeyId())
                .isEqualTo("AKIDEXAMPLE");
    }

    @Test
    void headerNamesMatchInAnyCase() {
        SignedRequest r = VANILLA.request();
        Map<String, List<String>> shouting = Map.of(
                "HOST",
                r.headers().get("Host"),
                "x-amz-date",
                r.headers().get("X-Amz-Date"),
                "AUTHORIZATION",
                List.of(AUTHZ));

        assertThat(AT_SIGNING_TIME
                        .verify(SignedRequest.of("GET", "/", null, shouting, null), "service", Dialect.JSON)
                        .accessKeyId())
                .isEqualTo("AKIDEXAMPLE");
    }
}
