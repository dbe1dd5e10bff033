package dev.berth.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Sends hand-made AWS requests (any body, any headers), signed with the AWS SDK's own SigV4 signer
 * or not at all, and returns the raw HTTP response. For the tests that must send what no SDK
 * client would: malformed JSON, wrong types, skewed clocks, tampered signatures.
 */
public final class RawClient {

    private final URI endpoint;
    private final String keyId;
    private final String secret;
    private final HttpClient http = HttpClient.newHttpClient();

    public RawClient(URI endpoint, String keyId, String secret) {
        this.endpoint = endpoint;
        this.keyId = keyId;
        this.secret = secret;
    }

    public record Response(int status, String body, Map<String, List<String>> headers) {}

    /** POSTs a JSON 1.1 call signed for {@code service}. */
    public Response json(String service, String target, byte[] body) {
        return json(service, target, body, Clock.systemUTC());
    }

    public Response json(String service, String target, byte[] body, Clock clock) {
        SdkHttpFullRequest req = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", target)
                .contentStreamProvider(ContentStreamProvider.fromByteArray(body))
                .build();
        return send(sign(req, service, clock), body);
    }

    /** POSTs a form-encoded query call signed for {@code service}. */
    public Response query(String service, String form) {
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest req = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .contentStreamProvider(ContentStreamProvider.fromByteArray(body))
                .build();
        return send(sign(req, service, Clock.systemUTC()), body);
    }

    public SdkHttpRequest sign(SdkHttpFullRequest req, String service, Clock clock) {
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        SignedRequest signed = signer.sign(r -> r.identity(AwsBasicCredentials.create(keyId, secret))
                .request(req)
                .payload(req.contentStreamProvider().orElse(null))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        return signed.request();
    }

    /**
     * Signs an S3 request as S3 clients do: the path is encoded once and not normalised, so
     * percent-escapes in object keys (control characters, {@code %2F}) are signed as sent.
     */
    public SdkHttpRequest signS3(SdkHttpFullRequest req) {
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        SignedRequest signed = signer.sign(r -> r.identity(AwsBasicCredentials.create(keyId, secret))
                .request(req)
                .payload(req.contentStreamProvider().orElse(null))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.systemUTC()));
        return signed.request();
    }

    /** Sends {@code req} as it is (headers included), with {@code body}. */
    public Response send(SdkHttpRequest req, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(req.getUri())
                .method(
                        req.method().name(),
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        req.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (Exception e) {
            throw new IllegalStateException("request to " + req.getUri() + " failed", e);
        }
    }

    /** Sends an unsigned request. */
    public Response unsigned(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(pathAndQuery))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (Exception e) {
            throw new IllegalStateException("request failed", e);
        }
    }
}
