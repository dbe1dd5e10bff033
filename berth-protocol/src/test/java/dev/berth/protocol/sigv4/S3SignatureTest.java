package dev.berth.protocol.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * S3's signature variant against AWS's published example "Transferring Payload in Multiple Chunks"
 * (Amazon S3 API reference, sigv4-streaming): the seed signature of the headers, then the chained
 * chunk signatures of a 66,560-byte body of {@code a} in chunks of 65,536 and 1,024 bytes and the
 * final empty chunk. A changed byte, a changed chunk signature or a truncated body is refused.
 */
class S3SignatureTest {

    static final String KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    static final String CHUNK1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    static final String CHUNK2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    static final String FINAL = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    static final SigV4Verifier VERIFIER = new SigV4Verifier(
            id -> id.equals(KEY) ? Optional.of(SECRET) : Optional.empty(),
            Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC),
            "us-east-1");

    static Map<String, List<String>> headers(String signature) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Host", List.of("s3.amazonaws.com"));
        h.put("x-amz-date", List.of("20130524T000000Z"));
        h.put("x-amz-storage-class", List.of("REDUCED_REDUNDANCY"));
        h.put(
                "Authorization",
                List.of("AWS4-HMAC-SHA256 Credential=" + KEY + "/20130524/us-east-1/s3/aws4_request,"
                        + "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                        + "x-amz-decoded-content-length;x-amz-storage-class,Signature=" + signature));
        h.put("x-amz-content-sha256", List.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
        h.put("Content-Encoding", List.of("aws-chunked"));
        h.put("x-amz-decoded-content-length", List.of("66560"));
        h.put("Content-Length", List.of("66824"));
        return h;
    }

    static byte[] body(String sig1, String sig2, String sigFinal, byte[] chunk2) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] a = new byte[65536];
        Arrays.fill(a, (byte) 'a');
        out.writeBytes(("10000;chunk-signature=" + sig1 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(a);
        out.writeBytes(("\r\n400;chunk-signature=" + sig2 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(chunk2);
        out.writeBytes(("\r\n0;chunk-signature=" + sigFinal + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] chunk2() {
        byte[] b = new byte[1024];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    static S3Signature seed() {
        return VERIFIER.verifyS3("PUT", "/examplebucket/chunkObject.txt", null, headers(SEED));
    }

    @Test
    void theSeedSignatureOfAwsExampleVerifies() {
        S3Signature s = seed();
        assertThat(s.payload()).isEqualTo(S3Signature.Payload.STREAMING_SIGNED);
        assertThat(s.principal().accessKeyId()).isEqualTo(KEY);
        assertThatThrownBy(() -> VERIFIER.verifyS3(
                        "PUT", "/examplebucket/chunkObject.txt", null, headers(SEED.replace('4', '5'))))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("SignatureDoesNotMatch"));
    }

    @Test
    void theChunksOfAwsExampleDecodeAndVerify() throws Exception {
        byte[] body = body(CHUNK1, CHUNK2, FINAL, chunk2());
        assertThat(body).hasSize(66824);
        byte[] decoded = new AwsChunkedStream(new ByteArrayInputStream(body), seed(), 66560).readAllBytes();
        assertThat(decoded).hasSize(66560).containsOnly((byte) 'a');
    }

    @Test
    void aChangedByteOrSignatureOrATruncatedBodyIsRefused() {
        byte[] changed = chunk2();
        changed[100] = 'b';
        assertThatThrownBy(() -> new AwsChunkedStream(
                                new ByteArrayInputStream(body(CHUNK1, CHUNK2, FINAL, changed)), seed(), 66560)
                        .readAllBytes())
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.code()).isEqualTo("SignatureDoesNotMatch");
                    assertThat(e.httpStatus()).isEqualTo(403);
                });
        assertThatThrownBy(() -> new AwsChunkedStream(
                                new ByteArrayInputStream(body(CHUNK1, CHUNK2, CHUNK1, chunk2())), seed(), 66560)
                        .readAllBytes())
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("SignatureDoesNotMatch"));
        byte[] whole = body(CHUNK1, CHUNK2, FINAL, chunk2());
        assertThatThrownBy(
                        () -> new AwsChunkedStream(new ByteArrayInputStream(Arrays.copyOf(whole, 60000)), seed(), 66560)
                                .readAllBytes())
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("IncompleteBody"));
    }

    @Test
    void aHexPayloadHashIsCheckedAgainstTheBodyAndPresignedUrlsAreUnsigned() {
        String emptyHash = Hashing.sha256Hex(new byte[0]);
        S3Signature hex = new S3Signature(
                seed().principal(), S3Signature.Payload.SHA256, emptyHash, new byte[32], "s", "d", SEED);
        hex.checkBody(Hashing.sha256(new byte[0]));
        assertThatThrownBy(() -> hex.checkBody(Hashing.sha256(new byte[] {1})))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.code()).isEqualTo("XAmzContentSHA256Mismatch");
                    assertThat(e.httpStatus()).isEqualTo(400);
                });
        Map<String, List<String>> h = headers(SEED);
        h.remove("x-amz-content-sha256");
        assertThatThrownBy(() -> VERIFIER.verifyS3("PUT", "/examplebucket/chunkObject.txt", null, h))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidRequest"));
    }
}
