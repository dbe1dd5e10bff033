package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** SigV4 authentication at the front door, as clients see it: the SDK and raw signed requests. */
class AuthIT extends WithServer {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void theGeneratedRootKeyWorksAndIsWrittenToTheCredentialsFile() throws Exception {
        try (StsClient sts = server.sts(server.accessKeyId(), server.secretAccessKey())) {
            var id = sts.getCallerIdentity();
            assertThat(id.account()).isEqualTo("000000000000");
            assertThat(id.arn()).isEqualTo("arn:aws:iam::000000000000:root");
        }
        var file = server.dataDir().resolve("credentials");
        assertThat(java.nio.file.Files.readString(file))
                .contains("[default]")
                .contains("aws_access_key_id = " + server.accessKeyId())
                .contains("aws_secret_access_key = " + server.secretAccessKey());
        assertThat(java.nio.file.Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aWrongSecretIsAnInvalidSignature() {
        try (EcsClient ecs = server.ecs(server.accessKeyId(), "not-the-secret")) {
            assertThatThrownBy(ecs::listClusters).isInstanceOfSatisfying(EcsException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                assertThat(e.statusCode()).isEqualTo(403);
            });
        }
        try (StsClient sts = server.sts(server.accessKeyId(), "not-the-secret")) {
            assertThatThrownBy(sts::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> assertThat(
                            e.awsErrorDetails().errorCode())
                    .isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void anUnknownKeyIsUnrecognized() {
        try (EcsClient ecs = server.ecs("AKIAUNKNOWNKEY000000", "whatever")) {
            assertThatThrownBy(ecs::listClusters).isInstanceOfSatisfying(EcsException.class, e -> assertThat(
                            e.awsErrorDetails().errorCode())
                    .isEqualTo("UnrecognizedClientException"));
        }
        try (StsClient sts = server.sts("AKIAUNKNOWNKEY000000", "whatever")) {
            assertThatThrownBy(sts::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> assertThat(
                            e.awsErrorDetails().errorCode())
                    .isEqualTo("InvalidClientTokenId"));
        }
    }

    @Test
    void unsignedAndHalfSignedRequestsAreRefused() throws Exception {
        RawClient raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        RawClient.Response none = raw.unsigned(
                "POST",
                "/",
                Map.of(
                        "X-Amz-Target",
                        "AmazonEC2ContainerServiceV20141113.ListClusters",
                        "Content-Type",
                        "application/x-amz-json-1.1"),
                "{}".getBytes());
        assertThat(none.status()).isEqualTo(403);
        assertThat(MAPPER.readTree(none.body()).path("__type").asText())
                .isEqualTo("MissingAuthenticationTokenException");

        RawClient.Response half = raw.unsigned(
                "POST",
                "/",
                Map.of(
                        "X-Amz-Target",
                        "AmazonEC2ContainerServiceV20141113.ListClusters",
                        "Content-Type",
                        "application/x-amz-json-1.1",
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=" + server.accessKeyId()),
                "{}".getBytes());
        assertThat(half.status()).isEqualTo(403);
        assertThat(MAPPER.readTree(half.body()).path("__type").asText()).isEqualTo("IncompleteSignatureException");

        RawClient.Response query = raw.unsigned(
                "POST",
                "/",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "Action=GetCallerIdentity&Version=2011-06-15".getBytes());
        assertThat(query.status()).isEqualTo(403);
        assertThat(query.body()).contains("<Code>MissingAuthenticationToken</Code>");
    }

    @Test
    void aClockSkewOfMoreThanFifteenMinutesIsRefused() throws Exception {
        RawClient raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(16)), ZoneOffset.UTC);
        RawClient.Response old =
                raw.json("ecs", "AmazonEC2ContainerServiceV20141113.ListClusters", "{}".getBytes(), past);
        assertThat(old.status()).isEqualTo(403);
        assertThat(MAPPER.readTree(old.body()).path("message").asText()).contains("Signature expired");

        Clock nearly = Clock.fixed(Instant.now().minus(Duration.ofMinutes(14)), ZoneOffset.UTC);
        assertThat(raw.json("ecs", "AmazonEC2ContainerServiceV20141113.ListClusters", "{}".getBytes(), nearly)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aSignatureForAnotherServiceOrATamperedBodyFails() throws Exception {
        RawClient raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        RawClient.Response wrongService =
                raw.json("ecr", "AmazonEC2ContainerServiceV20141113.ListClusters", "{}".getBytes());
        assertThat(wrongService.status()).isEqualTo(403);
        assertThat(MAPPER.readTree(wrongService.body()).path("message").asText())
                .contains("'ecs'");

        SdkHttpFullRequest req = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(server.endpoint())
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DeleteCluster")
                .contentStreamProvider(
                        software.amazon.awssdk.http.ContentStreamProvider.fromUtf8String("{\"cluster\":\"a\"}"))
                .build();
        SdkHttpRequest signed = raw.sign(req, "ecs", Clock.systemUTC());
        RawClient.Response tampered = raw.send(signed, "{\"cluster\":\"b\"}".getBytes());
        assertThat(tampered.status()).isEqualTo(403);
    }

    @Test
    void presignedQueryRequestsWork() throws Exception {
        RawClient raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        URI uri = URI.create(server.endpoint() + "/?Action=GetCallerIdentity&Version=2011-06-15");
        SdkHttpFullRequest req =
                SdkHttpFullRequest.builder().method(SdkHttpMethod.GET).uri(uri).build();
        software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner signer =
                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.create();
        SdkHttpRequest presigned = signer.sign(r -> r.identity(
                                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                        server.accessKeyId(), server.secretAccessKey()))
                        .request(req)
                        .putProperty(
                                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(
                                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(
                                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.AUTH_LOCATION,
                                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(
                                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.EXPIRATION_DURATION,
                                Duration.ofMinutes(5)))
                .request();
        assertThat(presigned.rawQueryParameters()).containsKey("X-Amz-Signature");
        RawClient.Response ok = raw.send(presigned, null);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("<Account>000000000000</Account>");
    }
}
