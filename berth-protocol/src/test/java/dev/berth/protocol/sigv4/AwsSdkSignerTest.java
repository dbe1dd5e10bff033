package dev.berth.protocol.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Requests signed by the AWS SDK for Java v2's own signer (the one every Java client of Berth uses)
 * must verify, and stop verifying when changed: the check that the verifier agrees with real
 * clients beyond the fixed test-suite vectors.
 */
class AwsSdkSignerTest {

    private static final String KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final SigV4Verifier verifier =
            new SigV4Verifier(id -> KEY.equals(id) ? Optional.of(SECRET) : Optional.empty(), CLOCK, "us-east-1");

    private static SdkHttpRequest sdkSign(
            SdkHttpRequest request,
            String body,
            String service,
            Consumer<SignRequest.Builder<AwsCredentialsIdentity>> extra) {
        return AwsV4HttpSigner.create()
                .sign(r -> {
                    r.identity(AwsCredentialsIdentity.create(KEY, SECRET))
                            .request(request)
                            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                            .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                            .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, CLOCK);
                    if (body != null) {
                        r.payload(ContentStreamProvider.fromUtf8String(body));
                    }
                    extra.accept(r);
                })
                .request();
    }

    /** What the front door would build from the request the SDK sends. */
    private static SignedRequest received(SdkHttpRequest signed, String body) {
        URI uri = signed.getUri();
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return SignedRequest.of(signed.method().name(), uri.getRawPath(), uri.getRawQuery(), signed.headers(), bytes);
    }

    private static SdkHttpRequest.Builder post(String contentType) {
        return SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://127.0.0.1:4566/"))
                .putHeader("Content-Type", contentType);
    }

    private void assertRejected(SignedRequest request, String service, Dialect dialect, String code) {
        assertThatThrownBy(() -> verifier.verify(request, service, dialect))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void postJsonVerifies() {
        String body = "{\"cluster\":\"default\",\"desiredCount\":2}";
        SdkHttpRequest request = post("application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.UpdateService")
                .build();
        SignedRequest received = received(sdkSign(request, body, "ecs", r -> {}), body);

        Principal principal = verifier.verify(received, "ecs", Dialect.JSON);

        assertThat(principal).isEqualTo(new Principal(KEY, "us-east-1", "ecs", null));
        SignedRequest changedBody = SignedRequest.of(
                "POST", "/", null, received.headers(), body.replace("2", "20").getBytes(StandardCharsets.UTF_8));
        assertRejected(changedBody, "ecs", Dialect.JSON, "InvalidSignatureException");
    }

    @Test
    void getWithEncodedPathAndQueryVerifies() {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(URI.create("http://127.0.0.1:4566/clusters/my%20cluster/tasks"))
                .putRawQueryParameter("Action", "DescribeLoadBalancers")
                .putRawQueryParameter("Names.member.1", "web lb/ü+1")
                .putRawQueryParameter("Version", "2015-12-01")
                .build();
        SignedRequest received = received(sdkSign(request, null, "elasticloadbalancing", r -> {}), null);

        assertThat(received.rawQuery()).contains("%20").contains("%2B");
        assertThat(verifier.verify(received, "elasticloadbalancing", Dialect.QUERY)
                        .service())
                .isEqualTo("elasticloadbalancing");
        SignedRequest otherName = SignedRequest.of(
                "GET", received.rawPath(), received.rawQuery().replace("web", "api"), received.headers(), null);
        assertRejected(otherName, "elasticloadbalancing", Dialect.QUERY, "SignatureDoesNotMatch");
    }

    @Test
    void formEncodedQueryProtocolPostVerifies() {
        String body = "Action=GetCallerIdentity&Version=2011-06-15";
        SdkHttpRequest request =
                post("application/x-www-form-urlencoded; charset=utf-8").build();

        assertThat(verifier.verify(received(sdkSign(request, body, "sts", r -> {}), body), "sts", Dialect.QUERY)
                        .accessKeyId())
                .isEqualTo(KEY);
    }

    @Test
    void presignedUrlVerifiesUntilItExpires() {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(URI.create("http://127.0.0.1:4566/"))
                .putRawQueryParameter("Action", "GetCallerIdentity")
                .putRawQueryParameter("Version", "2011-06-15")
                .build();
        SdkHttpRequest signed = sdkSign(
                request, null, "sts", r -> r.putProperty(AwsV4HttpSigner.AUTH_LOCATION, AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(60)));
        SignedRequest received = received(signed, null);

        assertThat(received.headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("Authorization"));
        assertThat(received.rawQuery()).contains("X-Amz-Signature=").contains("X-Amz-Expires=3600");
        assertThat(verifier.verify(received, "sts", Dialect.QUERY).service()).isEqualTo("sts");

        SigV4Verifier later = new SigV4Verifier(
                id -> Optional.of(SECRET), Clock.fixed(NOW.plusSeconds(3601), ZoneOffset.UTC), "us-east-1");
        assertThatThrownBy(() -> later.verify(received, "sts", Dialect.QUERY))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.code()).isEqualTo("SignatureDoesNotMatch");
                    assertThat(e.getMessage()).startsWith("Signature expired:");
                });
    }
}
