package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The object endpoint with the AWS SDK for Java v2 S3 client (path style, plain HTTP, its default
 * aws-chunked signed uploads with trailing CRC32 checksums): buckets, objects, metadata, ranges and
 * conditional GETs, ListObjectsV2 paging and CommonPrefixes, CopyObject, DeleteObjects, multipart
 * uploads with S3's part rules, and bad input answered with S3's errors (bucket names, missing
 * buckets and keys, wrong secrets and unknown keys, a body that does not match its signed hash).
 */
class S3SdkIT extends WithServer {

    static S3Client s3;
    static final List<String> PAYLOAD_MODES = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void client() {
        s3 = s3(server.accessKeyId(), server.secretAccessKey());
    }

    @AfterAll
    static void closeClient() {
        s3.close();
    }

    static S3Client s3(String keyId, String secret) {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(
                        c -> c.retryStrategy(r -> r.maxAttempts(1)).addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
                                context.httpRequest()
                                        .firstMatchingHeader("x-amz-content-sha256")
                                        .ifPresent(PAYLOAD_MODES::add);
                            }
                        }))
                .build();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void bucketsAndObjectsRoundTripThroughSignedChunkedUploads() throws Exception {
        s3.createBucket(r -> r.bucket("sdk-round-trip"));
        s3.headBucket(r -> r.bucket("sdk-round-trip"));
        assertThat(s3.listBuckets().buckets()).anyMatch(b -> b.name().equals("sdk-round-trip"));
        s3.createBucket(r -> r.bucket("sdk-round-trip")); // us-east-1: re-creating one's own bucket succeeds, as in S3

        PAYLOAD_MODES.clear();
        var put = s3.putObject(
                r -> r.bucket("sdk-round-trip")
                        .key("conf/app.env")
                        .contentType("text/plain")
                        .metadata(Map.of("owner", "team-a")),
                RequestBody.fromString("A=1\nB=2\n"));
        assertThat(PAYLOAD_MODES)
                .as("the SDK streamed a signed aws-chunked body")
                .last()
                .asString()
                .startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        assertThat(put.eTag()).isEqualTo("\"" + md5("A=1\nB=2\n".getBytes()) + "\"");
        var got = s3.getObjectAsBytes(r -> r.bucket("sdk-round-trip").key("conf/app.env"));
        assertThat(got.asUtf8String()).isEqualTo("A=1\nB=2\n");
        assertThat(got.response().contentType()).isEqualTo("text/plain");
        assertThat(got.response().metadata()).containsEntry("owner", "team-a");

        byte[] big = random(3 * 1024 * 1024 + 17, 1);
        var bigPut = s3.putObject(r -> r.bucket("sdk-round-trip").key("big.bin"), RequestBody.fromBytes(big));
        assertThat(bigPut.eTag()).isEqualTo("\"" + md5(big) + "\"");
        assertThat(s3.getObjectAsBytes(r -> r.bucket("sdk-round-trip").key("big.bin"))
                        .asByteArray())
                .isEqualTo(big);
        assertThat(s3.headObject(r -> r.bucket("sdk-round-trip").key("big.bin")).contentLength())
                .isEqualTo(big.length);

        var range = s3.getObjectAsBytes(
                r -> r.bucket("sdk-round-trip").key("big.bin").range("bytes=10-19"));
        assertThat(range.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(big, 10, 20));
        assertThat(range.response().contentRange()).isEqualTo("bytes 10-19/" + big.length);
        var suffix = s3.getObjectAsBytes(
                r -> r.bucket("sdk-round-trip").key("big.bin").range("bytes=-5"));
        assertThat(suffix.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(big, big.length - 5, big.length));
        assertThatThrownBy(() -> s3.getObjectAsBytes(
                        r -> r.bucket("sdk-round-trip").key("big.bin").range("bytes=" + big.length + "-")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRange");
                });
        assertThatThrownBy(() -> s3.getObjectAsBytes(
                        r -> r.bucket("sdk-round-trip").key("big.bin").ifNoneMatch(bigPut.eTag())))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(304));
        assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket("sdk-round-trip")
                        .key("big.bin")
                        .ifModifiedSince(java.time.Instant.now().plusSeconds(5))))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(304));
        assertThatThrownBy(() -> s3.getObjectAsBytes(
                        r -> r.bucket("sdk-round-trip").key("big.bin").ifMatch("\"abc\"")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailed");
                });

        var copy = s3.copyObject(r -> r.sourceBucket("sdk-round-trip")
                .sourceKey("conf/app.env")
                .destinationBucket("sdk-round-trip")
                .destinationKey("conf/copy.env"));
        assertThat(copy.copyObjectResult().eTag()).isEqualTo(put.eTag());
        assertThat(s3.headObject(r -> r.bucket("sdk-round-trip").key("conf/copy.env"))
                        .metadata())
                .containsEntry("owner", "team-a");

        assertThatThrownBy(() -> s3.deleteBucket(r -> r.bucket("sdk-round-trip")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(409);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BucketNotEmpty");
                });
        var deleted = s3.deleteObjects(r -> r.bucket("sdk-round-trip")
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("conf/app.env").build(),
                        ObjectIdentifier.builder().key("conf/copy.env").build(),
                        ObjectIdentifier.builder().key("big.bin").build())));
        assertThat(deleted.deleted()).hasSize(3);
        s3.deleteBucket(r -> r.bucket("sdk-round-trip"));
        assertThatThrownBy(() -> s3.headBucket(r -> r.bucket("sdk-round-trip")))
                .isInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void listObjectsV2PagesAndRollsUpCommonPrefixes() {
        s3.createBucket(r -> r.bucket("sdk-list"));
        for (String k : List.of("a/1", "a/2", "b/1", "c", "d/x/y", "é", "z")) {
            s3.putObject(r -> r.bucket("sdk-list").key(k), RequestBody.fromString(k));
        }
        var page = s3.listObjectsV2(r -> r.bucket("sdk-list").delimiter("/"));
        assertThat(page.contents()).extracting(S3Object::key).containsExactly("c", "z", "é");
        assertThat(page.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("a/", "b/", "d/");
        assertThat(page.keyCount()).isEqualTo(6);

        List<String> all = new ArrayList<>();
        int pages = 0;
        String token = null;
        do {
            String t = token;
            var p = s3.listObjectsV2(r -> r.bucket("sdk-list").maxKeys(2).continuationToken(t));
            p.contents().forEach(o -> all.add(o.key()));
            pages++;
            token = p.isTruncated() ? p.nextContinuationToken() : null;
        } while (token != null);
        assertThat(all).containsExactly("a/1", "a/2", "b/1", "c", "d/x/y", "z", "é");
        assertThat(pages).isEqualTo(4);

        var delimitedPages = new ArrayList<String>();
        s3.listObjectsV2Paginator(r -> r.bucket("sdk-list").delimiter("/").maxKeys(1))
                .forEach(p -> {
                    p.contents().forEach(o -> delimitedPages.add(o.key()));
                    p.commonPrefixes().forEach(c -> delimitedPages.add(c.prefix()));
                });
        assertThat(delimitedPages).containsExactly("a/", "b/", "c", "d/", "z", "é");

        assertThat(s3.listObjectsV2(r -> r.bucket("sdk-list").prefix("a/").startAfter("a/1"))
                        .contents())
                .extracting(S3Object::key)
                .containsExactly("a/2");
        assertThatThrownBy(() -> s3.listObjectsV2(r -> r.bucket("sdk-list").continuationToken("not-a-token")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
    }

    @Test
    void multipartUploadsFollowS3sPartRules() throws Exception {
        s3.createBucket(r -> r.bucket("sdk-multipart"));
        String id = s3.createMultipartUpload(
                        r -> r.bucket("sdk-multipart").key("joined.bin").contentType("x/y"))
                .uploadId();
        String wrongEtag = "\"" + md5(random(1024, 3)) + "\"";
        byte[] p1 = random(5 * 1024 * 1024, 2);
        byte[] p2 = random(1024, 3);
        String e1 = s3.uploadPart(
                        r -> r.bucket("sdk-multipart")
                                .key("joined.bin")
                                .uploadId(id)
                                .partNumber(1),
                        RequestBody.fromBytes(p1))
                .eTag();
        String e2 = s3.uploadPart(
                        r -> r.bucket("sdk-multipart")
                                .key("joined.bin")
                                .uploadId(id)
                                .partNumber(2),
                        RequestBody.fromBytes(p2))
                .eTag();
        assertThat(e1).isEqualTo("\"" + md5(p1) + "\"");
        assertThatThrownBy(() -> s3.completeMultipartUpload(r -> r.bucket("sdk-multipart")
                        .key("joined.bin")
                        .uploadId(id)
                        .multipartUpload(m -> m.parts(part(1, wrongEtag), part(2, e2)))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidPart"));
        assertThatThrownBy(() -> s3.completeMultipartUpload(r -> r.bucket("sdk-multipart")
                        .key("joined.bin")
                        .uploadId(id)
                        .multipartUpload(m -> m.parts(part(2, e2), part(1, e1)))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidPartOrder"));
        var done = s3.completeMultipartUpload(r -> r.bucket("sdk-multipart")
                .key("joined.bin")
                .uploadId(id)
                .multipartUpload(m -> m.parts(part(1, e1), part(2, e2))));
        MessageDigest md5s = MessageDigest.getInstance("MD5");
        md5s.update(MessageDigest.getInstance("MD5").digest(p1));
        md5s.update(MessageDigest.getInstance("MD5").digest(p2));
        assertThat(done.eTag()).isEqualTo("\"" + HexFormat.of().formatHex(md5s.digest()) + "-2\"");
        var whole = s3.getObjectAsBytes(r -> r.bucket("sdk-multipart").key("joined.bin"));
        byte[] expected = new byte[p1.length + p2.length];
        System.arraycopy(p1, 0, expected, 0, p1.length);
        System.arraycopy(p2, 0, expected, p1.length, p2.length);
        assertThat(whole.asByteArray()).isEqualTo(expected);
        assertThat(whole.response().contentType()).isEqualTo("x/y");
        assertThatThrownBy(() -> s3.uploadPart(
                        r -> r.bucket("sdk-multipart")
                                .key("joined.bin")
                                .uploadId(id)
                                .partNumber(3),
                        RequestBody.fromBytes(p2)))
                .isInstanceOf(NoSuchUploadException.class);

        String small = s3.createMultipartUpload(r -> r.bucket("sdk-multipart").key("small.bin"))
                .uploadId();
        String s1 = s3.uploadPart(
                        r -> r.bucket("sdk-multipart")
                                .key("small.bin")
                                .uploadId(small)
                                .partNumber(1),
                        RequestBody.fromBytes(p2))
                .eTag();
        String s2 = s3.uploadPart(
                        r -> r.bucket("sdk-multipart")
                                .key("small.bin")
                                .uploadId(small)
                                .partNumber(2),
                        RequestBody.fromBytes(p2))
                .eTag();
        assertThatThrownBy(() -> s3.completeMultipartUpload(r -> r.bucket("sdk-multipart")
                        .key("small.bin")
                        .uploadId(small)
                        .multipartUpload(m -> m.parts(part(1, s1), part(2, s2)))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("EntityTooSmall"));
        assertThatThrownBy(() -> s3.uploadPart(
                        r -> r.bucket("sdk-multipart")
                                .key("small.bin")
                                .uploadId(small)
                                .partNumber(10001),
                        RequestBody.fromBytes(p2)))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));
        s3.abortMultipartUpload(r -> r.bucket("sdk-multipart").key("small.bin").uploadId(small));
        assertThatThrownBy(() -> s3.abortMultipartUpload(
                        r -> r.bucket("sdk-multipart").key("small.bin").uploadId(small)))
                .isInstanceOf(NoSuchUploadException.class);
        assertThatThrownBy(() -> s3.headObject(r -> r.bucket("sdk-multipart").key("small.bin")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    static CompletedPart part(int n, String etag) {
        return CompletedPart.builder().partNumber(n).eTag(etag).build();
    }

    @Test
    void badInputGetsS3sErrors() {
        // the SDK refuses most bad names itself, so these go out as raw signed requests
        RawClient raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        for (String bad : List.of(
                "ab",
                "Upper-Case",
                "a..b",
                "192.168.5.4",
                "xn--punycode",
                "-leading",
                "trailing-",
                "under_score",
                "x".repeat(64),
                "name-s3alias",
                "sthree-x",
                "amzn-s3-demo-x",
                "x.mrap")) {
            var signed = raw.sign(
                    SdkHttpFullRequest.builder()
                            .method(SdkHttpMethod.PUT)
                            .uri(URI.create(server.endpoint() + "/" + bad))
                            .putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
                            .build(),
                    "s3",
                    Clock.systemUTC());
            RawClient.Response r = raw.send(signed, null);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.body())
                    .as(bad)
                    .contains("<Code>InvalidBucketName</Code>", "<BucketName>" + bad + "</BucketName>");
        }
        assertThatThrownBy(() -> s3.createBucket(r -> r.bucket("xn--punycode")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidBucketName"));
        assertThatThrownBy(() -> s3.headBucket(r -> r.bucket("no-such-bucket")))
                .isInstanceOf(NoSuchBucketException.class);
        assertThatThrownBy(() ->
                        s3.getObjectAsBytes(r -> r.bucket("no-such-bucket").key("k")))
                .isInstanceOf(NoSuchBucketException.class);
        assertThatThrownBy(() -> s3.putObject(r -> r.bucket("no-such-bucket").key("k"), RequestBody.fromString("x")))
                .isInstanceOf(NoSuchBucketException.class);
        assertThatThrownBy(() -> s3.listObjectsV2(r -> r.bucket("no-such-bucket")))
                .isInstanceOf(NoSuchBucketException.class);
        s3.createBucket(r -> r.bucket("sdk-errors"));
        assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket("sdk-errors").key("missing")))
                .isInstanceOf(NoSuchKeyException.class);
        assertThatThrownBy(() -> s3.headObject(r -> r.bucket("sdk-errors").key("missing")))
                .isInstanceOf(NoSuchKeyException.class);
        assertThatThrownBy(() ->
                        s3.putObject(r -> r.bucket("sdk-errors").key("k".repeat(1025)), RequestBody.fromString("x")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KeyTooLongError"));
        s3.deleteObject(r -> r.bucket("sdk-errors").key("missing")); // deleting a missing key succeeds, as in S3

        try (S3Client wrongSecret = s3(server.accessKeyId(), "not-the-secret");
                S3Client unknownKey = s3("AKIAUNKNOWNKEY000000", "whatever")) {
            assertThatThrownBy(() -> wrongSecret.listBuckets()).isInstanceOfSatisfying(S3Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
            });
            assertThatThrownBy(() ->
                            wrongSecret.putObject(r -> r.bucket("sdk-errors").key("k"), RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
            assertThatThrownBy(() -> unknownKey.listBuckets()).isInstanceOfSatisfying(S3Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
            });
        }
        assertThatThrownBy(() -> s3.headObject(r -> r.bucket("sdk-errors").key("k")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void aBodyThatDoesNotMatchItsSignedHashIsRefusedAndNotStored() throws Exception {
        s3.createBucket(r -> r.bucket("sdk-hash"));
        RawClient raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        byte[] good = "good body".getBytes(StandardCharsets.UTF_8);
        byte[] evil = "evil body".getBytes(StandardCharsets.UTF_8);
        String goodHash =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(good));
        var signed = raw.sign(
                SdkHttpFullRequest.builder()
                        .method(SdkHttpMethod.PUT)
                        .uri(URI.create(server.endpoint() + "/sdk-hash/object.txt"))
                        .putHeader("x-amz-content-sha256", goodHash)
                        .contentStreamProvider(ContentStreamProvider.fromByteArray(good))
                        .build(),
                "s3",
                Clock.systemUTC());
        RawClient.Response tampered = raw.send(signed, evil);
        assertThat(tampered.status()).isEqualTo(400);
        assertThat(tampered.body()).contains("<Code>XAmzContentSHA256Mismatch</Code>");
        assertThatThrownBy(() -> s3.headObject(r -> r.bucket("sdk-hash").key("object.txt")))
                .isInstanceOf(NoSuchKeyException.class);

        RawClient.Response honest = raw.send(signed, good);
        assertThat(honest.status()).as(honest.body()).isEqualTo(200);
        assertThat(s3.getObjectAsBytes(r -> r.bucket("sdk-hash").key("object.txt"))
                        .asUtf8String())
                .isEqualTo("good body");

        RawClient.Response unsigned = raw.unsigned("GET", "/sdk-hash/object.txt", Map.of(), null);
        assertThat(unsigned.status())
                .as("an unsigned request is not S3's (no credential scope) and finds nothing")
                .isEqualTo(404);
        assertThat(unsigned.body()).doesNotContain("good body");
    }
}
