package dev.berth.protocol.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import dev.berth.protocol.sigv4.TestVectors.Vector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs AWS's own SigV4 test suite through the verifier: each vector must verify, reproduce the
 * suite's canonical request and string to sign, and stop verifying once anything signed is changed.
 */
class SigV4TestSuiteTest {

    static Stream<Vector> vectors() throws IOException {
        return TestVectors.all();
    }

    private static SigV4Verifier verifier(Vector v, CredentialResolver resolver) {
        return new SigV4Verifier(resolver, v.clock(), v.region());
    }

    @Test
    void suiteIsPresent() throws IOException {
        assertThat(vectors().map(Vector::name))
                .hasSizeGreaterThanOrEqualTo(29)
                .contains(
                        "get-vanilla",
                        "get-vanilla-query-order-key-case",
                        "post-x-www-form-urlencoded",
                        "normalize-path/get-space",
                        "get-utf8",
                        "presigned/get-vanilla-query-order-key-case");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void verifies(Vector v) {
        Principal principal = verifier(v, TestVectors.RESOLVER).verify(v.request(), v.service(), Dialect.JSON);

        assertThat(principal.accessKeyId()).isEqualTo(TestVectors.ACCESS_KEY);
        assertThat(principal.region()).isEqualTo(v.region());
        assertThat(principal.service()).isEqualTo(v.service());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void reproducesCanonicalRequestAndStringToSign(Vector v) {
        SigV4Verifier.SigningTrace trace = verifier(v, TestVectors.RESOLVER).trace(v.request(), Dialect.JSON);

        assertThat(trace.canonicalRequest()).isEqualTo(v.creq());
        assertThat(trace.stringToSign()).isEqualTo(v.sts());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void changedHostFails(Vector v) {
        SignedRequest tampered = TestVectors.withHeader(v.request(), hostHeader(v), "evil.example.com");

        assertMismatch(v, tampered, TestVectors.RESOLVER, Dialect.JSON);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void changedBodyFails(Vector v) {
        SignedRequest r = v.request();
        byte[] body =
                (new String(r.body(), StandardCharsets.UTF_8) + "&Param2=value2").getBytes(StandardCharsets.UTF_8);
        SignedRequest tampered = SignedRequest.of(r.method(), r.rawPath(), r.rawQuery(), r.headers(), body);

        assertMismatch(v, tampered, TestVectors.RESOLVER, Dialect.QUERY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void changedSecretFails(Vector v) {
        CredentialResolver other = id -> Optional.of("not-" + TestVectors.SECRET);
        CredentialResolver withTokens = new CredentialResolver() {
            @Override
            public Optional<String> secretFor(String accessKeyId) {
                return other.secretFor(accessKeyId);
            }

            @Override
            public Optional<String> secretFor(String accessKeyId, String sessionToken) {
                return other.secretFor(accessKeyId);
            }
        };

        assertMismatch(v, v.request(), withTokens, Dialect.JSON);
    }

    @Test
    void changedQueryValueFails() {
        Vector v = TestVectors.load("get-vanilla-query-order-key-case");
        SignedRequest r = v.request();
        SignedRequest tampered =
                SignedRequest.of(r.method(), r.rawPath(), "Param2=value2&Param1=value9", r.headers(), r.body());

        assertMismatch(v, tampered, TestVectors.RESOLVER, Dialect.JSON);
    }

    @Test
    void changedSignedHeaderValueFails() {
        Vector v = TestVectors.load("post-header-key-sort");
        SignedRequest tampered = TestVectors.withHeader(v.request(), "My-Header1", "value2");

        assertMismatch(v, tampered, TestVectors.RESOLVER, Dialect.JSON);
    }

    @Test
    void unsignedHeadersMayChange() {
        Vector v = TestVectors.load("get-vanilla");
        SignedRequest extra = TestVectors.withHeader(v.request(), "User-Agent", "aws-cli/2.15");

        assertThat(verifier(v, TestVectors.RESOLVER)
                        .verify(extra, "service", Dialect.JSON)
                        .accessKeyId())
                .isEqualTo(TestVectors.ACCESS_KEY);
    }

    private static String hostHeader(Vector v) {
        return v.request().headers().keySet().stream()
                .filter(n -> n.equalsIgnoreCase("host"))
                .findFirst()
                .orElseThrow();
    }

    private static void assertMismatch(Vector v, SignedRequest request, CredentialResolver resolver, Dialect dialect) {
        assertThatThrownBy(() -> verifier(v, resolver).verify(request, v.service(), dialect))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.code()).isEqualTo(dialect.invalidSignatureCode());
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo(Dialect.MISMATCH_MESSAGE);
                });
    }
}
