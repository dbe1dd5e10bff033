package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.BerthCommand;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Registry garbage collection through {@code berth registry gc} against a running server: what no
 * manifest references goes (files and links), what a manifest references stays, the grace period
 * protects young blobs, and collections racing with pushes never leave an accepted manifest with a
 * missing blob.
 */
class RegistryGcIT extends WithServer {

    static TestRegistry registry;

    @BeforeAll
    static void setUp() {
        registry = new TestRegistry(server);
        RegistryOciIT.registry = registry;
        registry.createRepo("gc/a", "MUTABLE");
        registry.createRepo("gc/race", "MUTABLE");
    }

    static int gc(long graceSeconds) {
        return new CommandLine(new BerthCommand())
                .execute(
                        "registry",
                        "gc",
                        "--endpoint",
                        server.endpoint().toString(),
                        "--data-dir",
                        server.dataDir().toString(),
                        "--grace-seconds",
                        Long.toString(graceSeconds));
    }

    Path blobFile(String digest) {
        String hex = digest.substring("sha256:".length());
        return server.dataDir().resolve("registry/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    int status(String path) throws Exception {
        return registry.send(registry.request(path).GET().build()).statusCode();
    }

    @Test
    void collectsWhatNothingReferencesAndKeepsTheRest() throws Exception {
        String kept = RegistryOciIT.pushImage("gc/a", "kept", 500);
        String keptManifest = registry.send(
                        registry.request("/v2/gc/a/manifests/kept").GET().build())
                .body();
        String keptLayer =
                keptManifest.replaceAll("(?s).*\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]+)\".*", "$1");
        String orphan = RegistryOciIT.pushBlob("gc/a", RegistryOciIT.random(4000, 501));
        String dropped = RegistryOciIT.pushImage("gc/a", "dropped", 502);
        String droppedLayer = registry.send(
                        registry.request("/v2/gc/a/manifests/dropped").GET().build())
                .body()
                .replaceAll("(?s).*\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]+)\".*", "$1");
        assertThat(registry.send(registry.request("/v2/gc/a/manifests/" + dropped)
                                .DELETE()
                                .build())
                        .statusCode())
                .isEqualTo(202);

        assertThat(gc(3600)).isZero();
        assertThat(blobFile(orphan)).as("young: inside the grace period").exists();

        assertThat(gc(0)).isZero();
        assertThat(blobFile(orphan)).doesNotExist();
        assertThat(blobFile(droppedLayer)).doesNotExist();
        assertThat(blobFile(dropped)).as("the deleted manifest's own blob").doesNotExist();
        assertThat(status("/v2/gc/a/blobs/" + orphan)).isEqualTo(404);
        assertThat(blobFile(kept)).exists();
        assertThat(blobFile(keptLayer)).exists();
        assertThat(status("/v2/gc/a/manifests/kept")).isEqualTo(200);
        assertThat(status("/v2/gc/a/blobs/" + keptLayer)).isEqualTo(200);
    }

    @Test
    void collectionsRacingWithPushesNeverBreakAcceptedImages() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<Integer> collector = pool.submit(() -> {
                int runs = 0;
                while (!stop.get()) {
                    // A grace period far shorter than a push round trip under load: the sweep races every push.
                    server.server().registryGc().run(java.time.Duration.ofMillis(300));
                    runs++;
                }
                return runs;
            });
            List<Future<List<String>>> pushers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int base = 1000 * (p + 1);
                pushers.add(pool.submit(() -> {
                    List<String> accepted = new ArrayList<>();
                    for (int i = 0; i < 15; i++) {
                        byte[] config = ("{\"os\":\"linux\",\"n\":" + (base + i) + "}").getBytes();
                        byte[] layer = RegistryOciIT.random(50_000, base + i);
                        String c = RegistryOciIT.pushBlob("gc/race", config);
                        String l = RegistryOciIT.pushBlob("gc/race", layer);
                        HttpResponse<String> r = RegistryOciIT.putManifest(
                                "gc/race",
                                "t" + (base + i),
                                "application/vnd.oci.image.manifest.v1+json",
                                RegistryOciIT.imageManifest(c, config.length, l, layer.length));
                        if (r.statusCode() == 201) {
                            accepted.add("t" + (base + i) + " " + c + " " + l);
                        } else {
                            assertThat(r.body()).contains("MANIFEST_BLOB_UNKNOWN");
                        }
                    }
                    return accepted;
                }));
            }
            List<String> accepted = new ArrayList<>();
            for (Future<List<String>> f : pushers) {
                accepted.addAll(f.get());
            }
            stop.set(true);
            assertThat(collector.get()).isPositive();
            assertThat(accepted).isNotEmpty();
            server.server().registryGc().run(java.time.Duration.ZERO);
            for (String a : accepted) {
                String[] parts = a.split(" ");
                assertThat(status("/v2/gc/race/manifests/" + parts[0])).as(a).isEqualTo(200);
                assertThat(status("/v2/gc/race/blobs/" + parts[1])).as(a).isEqualTo(200);
                assertThat(status("/v2/gc/race/blobs/" + parts[2])).as(a).isEqualTo(200);
                assertThat(Files.size(blobFile(parts[2]))).isEqualTo(50_000);
            }
        } finally {
            stop.set(true);
            pool.shutdown();
        }
    }

    @Test
    void onlyTheRootKeyMayCollect() throws Exception {
        var unsigned = registry.http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/_berth/registry/v1/gc"))
                        .POST(BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
    }
}
