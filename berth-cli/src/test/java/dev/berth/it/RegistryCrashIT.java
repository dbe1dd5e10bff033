package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server process is killed (SIGKILL) in the middle of a blob upload: nothing partial becomes
 * visible, and after a restart the upload resumes where its bytes end and completes with the
 * right digest.
 */
class RegistryCrashIT {

    record Running(Process process, URI endpoint, String password) {}

    static Running start(Path dataDir, int port) throws Exception {
        Path pw = dataDir.resolveSibling(dataDir.getFileName() + ".password");
        Files.deleteIfExists(pw);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        RegistryBenchServer.class.getName(),
                        TestAddresses.REGISTRY_CRASH.ip(0),
                        Integer.toString(port),
                        dataDir.toString(),
                        pw.toString(),
                        "crash/repo")
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling("server.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && !(Files.exists(pw) && Files.size(pw) > 0)) {
            assertThat(p.isAlive()).as("server process alive").isTrue();
            Thread.sleep(100);
        }
        return new Running(
                p, URI.create("http://" + TestAddresses.REGISTRY_CRASH.ip(0) + ":" + port), Files.readString(pw));
    }

    static String auth(Running r) {
        return "Basic " + Base64.getEncoder().encodeToString(("AWS:" + r.password()).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void killedMidUploadShowsNothingAndResumesAfterRestart() throws Exception {
        Path base = Files.createTempDirectory("berth-it-crash");
        Path data = base.resolve("data");
        int port = ServerProcessIT.freePort();
        byte[] content = RegistryOciIT.random(8 * 1024 * 1024, 900);
        String digest = RegistryOciIT.sha("sha256", content);
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Running first = start(data, port);
        String location;
        try {
            var started = http.send(
                    HttpRequest.newBuilder(first.endpoint().resolve("/v2/crash/repo/blobs/uploads/"))
                            .header("Authorization", auth(first))
                            .POST(BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).isEqualTo(202);
            location = started.headers().firstValue("Location").orElseThrow();
            // A PATCH announcing the whole blob but sending only 3 MiB before the server dies.
            try (Socket s = new Socket(TestAddresses.REGISTRY_CRASH.ip(0), port)) {
                OutputStream out = s.getOutputStream();
                out.write(("PATCH " + location + " HTTP/1.1\r\nHost: " + TestAddresses.REGISTRY_CRASH.ip(0)
                                + "\r\nAuthorization: " + auth(first)
                                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + content.length
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.write(content, 0, 3 * 1024 * 1024);
                out.flush();
                Thread.sleep(1500); // let the server write what it received
                first.process().destroyForcibly();
                first.process().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            first.process().destroyForcibly();
        }
        String hex = digest.substring("sha256:".length());
        assertThat(data.resolve("registry/blobs/sha256/" + hex.substring(0, 2) + "/" + hex))
                .doesNotExist();
        try (Stream<Path> blobs = Files.walk(data.resolve("registry/blobs"))) {
            assertThat(blobs.filter(Files::isRegularFile))
                    .as("no blob at all became visible")
                    .isEmpty();
        }

        Running second = start(data, port);
        try {
            var head = http.send(
                    HttpRequest.newBuilder(second.endpoint().resolve("/v2/crash/repo/blobs/" + digest))
                            .header("Authorization", auth(second))
                            .method("HEAD", BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(404);
            var status = http.send(
                    HttpRequest.newBuilder(second.endpoint().resolve(location))
                            .header("Authorization", auth(second))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(204);
            String range = status.headers().firstValue("Range").orElseThrow();
            long kept = Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
            assertThat(kept).as("bytes kept across the crash").isBetween(1L, 3L * 1024 * 1024);
            var rest = http.send(
                    HttpRequest.newBuilder(second.endpoint().resolve(location))
                            .header("Authorization", auth(second))
                            .header("Content-Range", kept + "-" + (content.length - 1))
                            .method(
                                    "PATCH",
                                    BodyPublishers.ofByteArray(Arrays.copyOfRange(content, (int) kept, content.length)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(202);
            var done = http.send(
                    HttpRequest.newBuilder(second.endpoint().resolve(location + "?digest=" + digest))
                            .header("Authorization", auth(second))
                            .PUT(BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
            var got = http.send(
                    HttpRequest.newBuilder(second.endpoint().resolve("/v2/crash/repo/blobs/" + digest))
                            .header("Authorization", auth(second))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(got.body()).isEqualTo(content);
        } finally {
            second.process().destroyForcibly();
        }
    }
}
