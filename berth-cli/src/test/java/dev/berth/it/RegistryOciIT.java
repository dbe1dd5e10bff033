package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OCI Distribution endpoints one by one over plain HTTP, with their errors: uploads (monolithic,
 * chunked and resumed, sha512, wrong digests, cancel, mount), manifests (missing blobs, content
 * negotiation, immutability, indexes, deletion), tags and catalog paging, referrers, auth, and
 * hostile input (path traversal, huge headers).
 */
class RegistryOciIT extends WithServer {

    static TestRegistry registry;

    @BeforeAll
    static void setUp() {
        registry = new TestRegistry(server);
        registry.createRepo("oci/a", "MUTABLE");
        registry.createRepo("oci/b", "MUTABLE");
        registry.createRepo("oci/locked", "IMMUTABLE");
        registry.createRepo(
                "oci/public",
                "MUTABLE",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"ecr:BatchGetImage\",\"ecr:GetDownloadUrlForLayer\"]}]}");
    }

    static String sha(String alg, byte[] b) {
        String jca = alg.equals("sha256") ? "SHA-256" : "SHA-512";
        try {
            return alg + ":"
                    + HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return registry.send(b.build());
    }

    /** Uploads a blob monolithically; returns its digest. */
    static String pushBlob(String repo, byte[] content) throws Exception {
        String d = sha("sha256", content);
        var r = send(registry.request("/v2/" + repo + "/blobs/uploads/?digest=" + d)
                .POST(BodyPublishers.ofByteArray(content)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return d;
    }

    static String imageManifest(String config, long configSize, String layer, long layerSize) {
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + configSize
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layer
                + "\",\"size\":" + layerSize + "}]}";
    }

    static HttpResponse<String> putManifest(String repo, String ref, String mediaType, String body) throws Exception {
        return send(registry.request("/v2/" + repo + "/manifests/" + ref)
                .header("Content-Type", mediaType)
                .PUT(BodyPublishers.ofString(body)));
    }

    /** Pushes config + layer + manifest under {@code tag}; returns the manifest digest. */
    static String pushImage(String repo, String tag, long seed) throws Exception {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes();
        byte[] layer = random(1000, seed);
        String c = pushBlob(repo, config);
        String l = pushBlob(repo, layer);
        String m = imageManifest(c, config.length, l, layer.length);
        var r = putManifest(repo, tag, "application/vnd.oci.image.manifest.v1+json", m);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    @Test
    void monolithicUploadThenHeadGetAndRanges() throws Exception {
        byte[] content = random(10_000, 1);
        String d = pushBlob("oci/a", content);
        var head = send(registry.request("/v2/oci/a/blobs/" + d).method("HEAD", BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("10000");
        assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(d);
        assertThat(head.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
        var get = registry.sendBytes(
                registry.request("/v2/oci/a/blobs/" + d).GET().build());
        assertThat(get.body()).isEqualTo(content);
        var range = registry.sendBytes(registry.request("/v2/oci/a/blobs/" + d)
                .header("Range", "bytes=100-199")
                .GET()
                .build());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes 100-199/10000");
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 100, 200));
        var bad = send(registry.request("/v2/oci/a/blobs/" + d)
                .header("Range", "bytes=20000-")
                .GET());
        assertThat(bad.statusCode()).isEqualTo(416);
        // The blob is not visible from a repository it was not pushed to.
        assertThat(send(registry.request("/v2/oci/b/blobs/" + d).GET()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void chunkedUploadWithResumeAndOutOfOrderChunk() throws Exception {
        byte[] content = random(30_000, 2);
        var start = send(registry.request("/v2/oci/a/blobs/uploads/").POST(BodyPublishers.noBody()));
        assertThat(start.statusCode()).isEqualTo(202);
        String location = start.headers().firstValue("Location").orElseThrow();
        assertThat(start.headers().firstValue("Docker-Upload-UUID")).isPresent();
        var p1 = send(registry.request(location)
                .header("Content-Range", "0-9999")
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", BodyPublishers.ofByteArray(java.util.Arrays.copyOfRange(content, 0, 10_000))));
        assertThat(p1.statusCode()).isEqualTo(202);
        assertThat(p1.headers().firstValue("Range")).contains("0-9999");
        var status = send(registry.request(location).GET());
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).contains("0-9999");
        var wrong = send(registry.request(location)
                .header("Content-Range", "20000-29999")
                .method("PATCH", BodyPublishers.ofByteArray(java.util.Arrays.copyOfRange(content, 20_000, 30_000))));
        assertThat(wrong.statusCode()).isEqualTo(416);
        assertThat(wrong.headers().firstValue("Range")).contains("0-9999");
        var p2 = send(registry.request(location)
                .header("Content-Range", "10000-29999")
                .method("PATCH", BodyPublishers.ofByteArray(java.util.Arrays.copyOfRange(content, 10_000, 30_000))));
        assertThat(p2.statusCode()).isEqualTo(202);
        String d = sha("sha256", content);
        var put = send(registry.request(location + "?digest=" + d).PUT(BodyPublishers.noBody()));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(d);
        assertThat(registry.sendBytes(
                                registry.request("/v2/oci/a/blobs/" + d).GET().build())
                        .body())
                .isEqualTo(content);
        assertThat(send(registry.request(location).GET()).statusCode())
                .as("finished uploads are gone")
                .isEqualTo(404);
    }

    @Test
    void sha512DigestsAreVerified() throws Exception {
        byte[] content = random(5000, 3);
        String d = sha("sha512", content);
        var r = send(
                registry.request("/v2/oci/a/blobs/uploads/?digest=" + d).POST(BodyPublishers.ofByteArray(content)));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(registry.sendBytes(
                                registry.request("/v2/oci/a/blobs/" + d).GET().build())
                        .body())
                .isEqualTo(content);
    }

    @Test
    void wrongDigestIsRejectedAndNothingBecomesVisible() throws Exception {
        byte[] content = random(5000, 4);
        String claimed = sha("sha256", random(5000, 5));
        var r = send(registry.request("/v2/oci/a/blobs/uploads/?digest=" + claimed)
                .POST(BodyPublishers.ofByteArray(content)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"code\":\"DIGEST_INVALID\"");
        assertThat(send(registry.request("/v2/oci/a/blobs/" + claimed).GET()).statusCode())
                .isEqualTo(404);
        assertThat(send(registry.request("/v2/oci/a/blobs/" + sha("sha256", content))
                                .GET())
                        .statusCode())
                .isEqualTo(404);
        var malformed = send(registry.request("/v2/oci/a/blobs/uploads/?digest=sha256:xyz")
                .POST(BodyPublishers.ofByteArray(content)));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("DIGEST_INVALID");
    }

    @Test
    void cancelledUploadIsGone() throws Exception {
        String location = send(registry.request("/v2/oci/a/blobs/uploads/").POST(BodyPublishers.noBody()))
                .headers()
                .firstValue("Location")
                .orElseThrow();
        assertThat(send(registry.request(location).DELETE()).statusCode()).isEqualTo(204);
        var after = send(registry.request(location).GET());
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(after.body()).contains("BLOB_UPLOAD_UNKNOWN");
        // An upload of one repository is unknown in another.
        String other = send(registry.request("/v2/oci/a/blobs/uploads/").POST(BodyPublishers.noBody()))
                .headers()
                .firstValue("Location")
                .orElseThrow();
        assertThat(send(registry.request(other.replace("/oci/a/", "/oci/b/")).GET())
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void crossRepositoryMount() throws Exception {
        String d = pushBlob("oci/a", random(2000, 6));
        var mounted = send(registry.request("/v2/oci/b/blobs/uploads/?mount=" + d + "&from=oci/a")
                .POST(BodyPublishers.noBody()));
        assertThat(mounted.statusCode()).isEqualTo(201);
        assertThat(send(registry.request("/v2/oci/b/blobs/" + d).method("HEAD", BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(200);
        String unknown = sha("sha256", random(10, 7));
        var fallback = send(registry.request("/v2/oci/b/blobs/uploads/?mount=" + unknown + "&from=oci/a")
                .POST(BodyPublishers.noBody()));
        assertThat(fallback.statusCode())
                .as("not mountable: a new upload session")
                .isEqualTo(202);
    }

    @Test
    void manifestsNeedTheirBlobsAndValidJson() throws Exception {
        String missing = sha("sha256", random(10, 8));
        var r = putManifest(
                "oci/a",
                "broken",
                "application/vnd.oci.image.manifest.v1+json",
                imageManifest(missing, 10, missing, 10));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("MANIFEST_BLOB_UNKNOWN");
        var invalid = putManifest("oci/a", "broken", "application/vnd.oci.image.manifest.v1+json", "{not json");
        assertThat(invalid.body()).contains("MANIFEST_INVALID");
        var schema1 = putManifest(
                "oci/a",
                "broken",
                "application/vnd.docker.distribution.manifest.v1+prettyjws",
                "{\"schemaVersion\":1}");
        assertThat(schema1.body()).contains("MANIFEST_INVALID");
        var badTag = putManifest("oci/a", "-bad", "application/vnd.oci.image.manifest.v1+json", "{}");
        assertThat(badTag.body()).contains("TAG_INVALID");
        assertThat(send(registry.request("/v2/oci/a/manifests/broken").GET()).statusCode())
                .isEqualTo(404);
        var noRepo = putManifest("oci/none", "x", "application/vnd.oci.image.manifest.v1+json", "{}");
        assertThat(noRepo.statusCode()).isEqualTo(404);
        assertThat(noRepo.body()).contains("NAME_UNKNOWN");
        var digestMismatch = putManifest("oci/a", missing, "application/vnd.oci.image.manifest.v1+json", "{}");
        assertThat(digestMismatch.body()).contains("DIGEST_INVALID");
    }

    @Test
    void manifestPullByTagAndDigestWithNegotiation() throws Exception {
        String digest = pushImage("oci/a", "v1", 10);
        var byTag = send(registry.request("/v2/oci/a/manifests/v1")
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .GET());
        assertThat(byTag.statusCode()).isEqualTo(200);
        assertThat(byTag.headers().firstValue("Content-Type")).contains("application/vnd.oci.image.manifest.v1+json");
        assertThat(byTag.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(sha("sha256", byTag.body().getBytes(StandardCharsets.UTF_8))).isEqualTo(digest);
        var byDigest = send(registry.request("/v2/oci/a/manifests/" + digest).method("HEAD", BodyPublishers.noBody()));
        assertThat(byDigest.statusCode()).isEqualTo(200);
        assertThat(byDigest.headers().firstValue("Content-Length"))
                .contains(Integer.toString(byTag.body().length()));
        var notAccepted = send(registry.request("/v2/oci/a/manifests/v1")
                .header("Accept", "application/vnd.docker.distribution.manifest.list.v2+json")
                .GET());
        assertThat(notAccepted.statusCode()).isEqualTo(404);
        assertThat(notAccepted.body()).contains("MANIFEST_UNKNOWN");
    }

    @Test
    void immutableTagsStay() throws Exception {
        String first = pushImage("oci/locked", "release", 20);
        assertThat(pushImage("oci/locked", "release", 20))
                .as("same content again is fine")
                .isEqualTo(first);
        byte[] config = "{\"architecture\":\"arm64\",\"os\":\"linux\"}".getBytes();
        String c = pushBlob("oci/locked", config);
        byte[] layer = random(100, 21);
        String l = pushBlob("oci/locked", layer);
        var r = putManifest(
                "oci/locked",
                "release",
                "application/vnd.oci.image.manifest.v1+json",
                imageManifest(c, config.length, l, layer.length));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body())
                .contains("TAG_INVALID")
                .contains("The image tag 'release' already exists in the 'oci/locked' "
                        + "repository and cannot be overwritten because the repository is immutable.");
        var tag = send(registry.request("/v2/oci/locked/manifests/release").GET());
        assertThat(tag.headers().firstValue("Docker-Content-Digest")).contains(first);
    }

    @Test
    void indexesReferrersAndDeletion() throws Exception {
        String child = pushImage("oci/b", "child", 30);
        String missing = sha("sha256", random(10, 31));
        String idx =
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":100,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        var bad = putManifest("oci/b", "multi", "application/vnd.oci.image.index.v1+json", idx.formatted(missing));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("MANIFEST_UNKNOWN");
        var good = putManifest("oci/b", "multi", "application/vnd.oci.image.index.v1+json", idx.formatted(child));
        assertThat(good.statusCode()).isEqualTo(201);
        String index = good.headers().firstValue("Docker-Content-Digest").orElseThrow();
        var blocked = send(registry.request("/v2/oci/b/manifests/" + child).DELETE());
        assertThat(blocked.statusCode()).as("an index still lists it").isEqualTo(409);

        byte[] empty = "{}".getBytes();
        String e = pushBlob("oci/b", empty);
        String sbom =
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":"
                        + "\"application/spdx+json\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
                        + e
                        + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
                        + e
                        + "\",\"size\":2}],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                        + child
                        + "\",\"size\":100},\"annotations\":{\"org.example\":\"yes\"}}";
        String sbomDigest = sha("sha256", sbom.getBytes(StandardCharsets.UTF_8));
        var withSubject = putManifest("oci/b", sbomDigest, "application/vnd.oci.image.manifest.v1+json", sbom);
        assertThat(withSubject.statusCode()).as(withSubject.body()).isEqualTo(201);
        assertThat(withSubject.headers().firstValue("OCI-Subject")).contains(child);
        var referrers = send(registry.request("/v2/oci/b/referrers/" + child).GET());
        assertThat(referrers.statusCode()).isEqualTo(200);
        assertThat(referrers.headers().firstValue("Content-Type")).contains("application/vnd.oci.image.index.v1+json");
        assertThat(referrers.body())
                .contains(sbomDigest)
                .contains("\"artifactType\":\"application/spdx+json\"")
                .contains("org.example");
        var filtered = send(registry.request("/v2/oci/b/referrers/" + child + "?artifactType=application/other")
                .GET());
        assertThat(filtered.body()).doesNotContain(sbomDigest);
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).contains("artifactType");

        assertThat(send(registry.request("/v2/oci/b/manifests/multi").DELETE()).statusCode())
                .as("untag")
                .isEqualTo(202);
        assertThat(send(registry.request("/v2/oci/b/manifests/" + index).GET()).statusCode())
                .isEqualTo(200);
        assertThat(send(registry.request("/v2/oci/b/manifests/" + index).DELETE())
                        .statusCode())
                .isEqualTo(202);
        assertThat(send(registry.request("/v2/oci/b/manifests/" + child).DELETE())
                        .statusCode())
                .isEqualTo(202);
        assertThat(send(registry.request("/v2/oci/b/manifests/child").GET()).statusCode())
                .isEqualTo(404);
        assertThat(send(registry.request("/v2/oci/b/manifests/" + sbomDigest).DELETE())
                        .statusCode())
                .isEqualTo(202);
        assertThat(send(registry.request("/v2/oci/b/referrers/" + child).GET()).body())
                .doesNotContain(sbomDigest);
        assertThat(send(registry.request("/v2/oci/b/blobs/" + e).DELETE()).statusCode())
                .isEqualTo(202);
        assertThat(send(registry.request("/v2/oci/b/blobs/" + e).GET()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void tagsAndCatalogPage() throws Exception {
        registry.createRepo("oci/paged", "MUTABLE");
        for (String t : List.of("a1", "b2", "c3")) {
            pushImage("oci/paged", t, 40);
        }
        var first = send(registry.request("/v2/oci/paged/tags/list?n=2").GET());
        assertThat(first.body()).isEqualTo("{\"name\":\"oci/paged\",\"tags\":[\"a1\",\"b2\"]}");
        assertThat(first.headers().firstValue("Link")).contains("</v2/oci/paged/tags/list?n=2&last=b2>; rel=\"next\"");
        var second =
                send(registry.request("/v2/oci/paged/tags/list?n=2&last=b2").GET());
        assertThat(second.body()).isEqualTo("{\"name\":\"oci/paged\",\"tags\":[\"c3\"]}");
        assertThat(second.headers().firstValue("Link")).isEmpty();
        var catalog = send(registry.request("/v2/_catalog?n=2").GET());
        assertThat(catalog.body()).isEqualTo("{\"repositories\":[\"oci/a\",\"oci/b\"]}");
        assertThat(catalog.headers().firstValue("Link")).contains("</v2/_catalog?n=2&last=oci%2Fb>; rel=\"next\"");
        assertThat(send(registry.request("/v2/oci/missing/tags/list").GET()).body())
                .contains("NAME_UNKNOWN");
    }

    @Test
    void authenticationAndAnonymousPublicPulls() throws Exception {
        var anon = registry.send(HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/v2/oci/a/tags/list"))
                .build());
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(anon.body()).contains("UNAUTHORIZED");
        String badAuth = "Basic " + java.util.Base64.getEncoder().encodeToString("AWS:b1.forged.sig".getBytes());
        var forged = registry.send(HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/v2/"))
                .header("Authorization", badAuth)
                .build());
        assertThat(forged.statusCode()).isEqualTo(401);
        String unknownKey =
                server.server().registryTokens().issue("AKIDNOSUCHKEY0000000").password();
        var gone = registry.send(HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/v2/"))
                .header(
                        "Authorization",
                        "Basic " + java.util.Base64.getEncoder().encodeToString(("AWS:" + unknownKey).getBytes()))
                .build());
        assertThat(gone.statusCode())
                .as("passwords of unknown keys are refused")
                .isEqualTo(401);
        assertThat(send(registry.request("/v2/")).statusCode()).isEqualTo(200);

        String digest = pushImage("oci/public", "open", 50);
        var publicPull = registry.send(
                HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/v2/oci/public/manifests/open"))
                        .build());
        assertThat(publicPull.statusCode()).isEqualTo(200);
        var publicPush = registry.send(
                HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/v2/oci/public/blobs/uploads/"))
                        .POST(BodyPublishers.noBody())
                        .build());
        assertThat(publicPush.statusCode()).isEqualTo(401);

        String agent = server.server().registryTokens().issue("agent/i-0123").password();
        String agentAuth = "Basic " + java.util.Base64.getEncoder().encodeToString(("AWS:" + agent).getBytes());
        var agentPull = registry.send(HttpRequest.newBuilder(
                        java.net.URI.create(server.endpoint() + "/v2/oci/a/manifests/" + digest.replace("x", "x")))
                .header("Authorization", agentAuth)
                .build());
        assertThat(agentPull.statusCode())
                .as("the image is in oci/public, not oci/a")
                .isEqualTo(404);
        var agentPull2 = registry.send(
                HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/v2/oci/public/manifests/open"))
                        .header("Authorization", agentAuth)
                        .build());
        assertThat(agentPull2.statusCode()).isEqualTo(200);
        var agentPush = registry.send(
                HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/v2/oci/a/blobs/uploads/"))
                        .header("Authorization", agentAuth)
                        .POST(BodyPublishers.noBody())
                        .build());
        assertThat(agentPush.statusCode()).isEqualTo(403);
        assertThat(agentPush.body()).contains("DENIED");
    }

    @Test
    void concurrentPushesOfTheSameBlobBothSucceed() throws Exception {
        byte[] content = random(3_000_000, 60);
        String d = sha("sha256", content);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String repo = i % 2 == 0 ? "oci/a" : "oci/b";
                results.add(pool.submit(() -> send(registry.request("/v2/" + repo + "/blobs/uploads/?digest=" + d)
                                .POST(BodyPublishers.ofByteArray(content)))
                        .statusCode()));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(registry.sendBytes(
                                registry.request("/v2/oci/b/blobs/" + d).GET().build())
                        .body())
                .isEqualTo(content);
    }

    /** Sends a request line and headers as given (no client-side normalisation); returns the status line and body. */
    static String raw(String requestLine, String extraHeaders) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.endpoint().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nAuthorization: " + registry.basic() + "\r\n" + extraHeaders
                            + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void pathTraversalNamesAreRefused() throws Exception {
        assertThat(raw("GET /v2/../../etc/passwd/manifests/latest HTTP/1.1", ""))
                .startsWith("HTTP/1.1 400")
                .contains("NAME_INVALID");
        assertThat(raw("GET /v2/oci/a/../b/blobs/sha256:" + "a".repeat(64) + " HTTP/1.1", ""))
                .startsWith("HTTP/1.1 400");
        assertThat(raw("GET /v2/oci%2F..%2Fa/tags/list HTTP/1.1", "")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /v2/oci/a/blobs/sha256:..%2F..%2Fetc HTTP/1.1", ""))
                .startsWith("HTTP/1.1 400")
                .contains("DIGEST_INVALID");
        assertThat(raw("GET /v2/oci/a/blobs/uploads/..%2F..%2Fx HTTP/1.1", "")).startsWith("HTTP/1.1 404");
    }

    @Test
    void hugeHeadersAreRefusedAndTheServerKeepsServing() throws Exception {
        String big = "X-Big: " + "a".repeat(200_000) + "\r\n";
        String answer;
        try {
            answer = raw("GET /v2/ HTTP/1.1", big);
        } catch (java.net.SocketException e) {
            // The server answers 431 and closes as soon as the limit is passed; when that happens
            // while the client is still writing the rest, the client sees a broken pipe or a reset
            // instead of the answer. Either way the request was refused, never served.
            answer = "refused mid-request: " + e.getMessage();
        }
        assertThat(answer).matches("(?s)(HTTP/1\\.1 431.*|refused mid-request: .*)");
        assertThat(send(registry.request("/v2/")).statusCode()).isEqualTo(200);
    }
}
