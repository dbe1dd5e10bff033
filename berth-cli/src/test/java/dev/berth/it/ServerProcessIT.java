package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * {@code berth server} as a separate process, started from the packaged jar the way
 * {@code bin/berth} starts it: readiness, the credentials file, clean shutdown on SIGTERM, and no
 * acknowledged write lost when the process is killed with SIGKILL in the middle of writes.
 */
class ServerProcessIT {

    static final Path JAR = Path.of(System.getProperty("berth.jar", "target/berth.jar"));

    record Running(Process process, URI endpoint, Path log) {}

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Running start(Path dataDir, int port, Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("berth-server", ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-jar",
                        JAR.toString(),
                        "server",
                        "--port",
                        String.valueOf(port),
                        "--data-dir",
                        dataDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("server exited early:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(endpoint.resolve("/_berth/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                // healthy before "is ready" is printed: wait for both
                if (r.statusCode() == 200 && Files.readString(log).contains("is ready in")) {
                    return new Running(p, endpoint, log);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("server not healthy within 60 s:\n" + Files.readString(log));
    }

    static EcsClient ecs(URI endpoint, String key, String secret) {
        return EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .httpClient(UrlConnectionHttpClient.builder()
                        .socketTimeout(Duration.ofSeconds(10))
                        .build())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @Test
    void startsWritesCredentialsAndStopsCleanlyOnSigterm() throws Exception {
        Path dir = Files.createTempDirectory("berth-proc");
        Running s = start(dir, freePort(), Map.of());
        String out = Files.readString(s.log());
        assertThat(out)
                .contains("is ready in")
                .contains(s.endpoint().toString())
                .contains(dir.resolve("credentials").toString());
        assertThat(Files.readString(dir.resolve("credentials")))
                .startsWith("# Written by berth server")
                .contains("[default]");
        s.process().destroy(); // SIGTERM
        assertThat(s.process().waitFor(15, TimeUnit.SECONDS))
                .as("exited after SIGTERM")
                .isTrue();
        assertThat(Files.readString(s.log())).doesNotContain("ERROR").doesNotContain("Exception");
    }

    @Test
    void presetRootKeyIsUsed() throws Exception {
        Path dir = Files.createTempDirectory("berth-proc");
        Running s = start(
                dir,
                freePort(),
                Map.of(
                        "BERTH_ROOT_ACCESS_KEY_ID",
                        "AKIAPRESETPRESET0001",
                        "BERTH_ROOT_SECRET_ACCESS_KEY",
                        "preset/secret/key/preset/secret/key/0001"));
        try (EcsClient ecs = ecs(s.endpoint(), "AKIAPRESETPRESET0001", "preset/secret/key/preset/secret/key/0001")) {
            // the local agent may already have created "default": what matters is that the preset key signs
            assertThat(ecs.listClusters().clusterArns())
                    .allMatch(a -> a.startsWith("arn:aws:ecs:us-east-1:000000000000:cluster/"));
            assertThat(Files.readString(dir.resolve("credentials"))).contains("AKIAPRESETPRESET0001");
        } finally {
            s.process().destroy();
            s.process().waitFor(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigkillDuringWritesLosesNoAcknowledgedWrite() throws Exception {
        Path dir = Files.createTempDirectory("berth-crash");
        int port = freePort();
        Map<String, String> env = Map.of(
                "BERTH_ROOT_ACCESS_KEY_ID",
                "AKIACRASHTESTKEY0001",
                "BERTH_ROOT_SECRET_ACCESS_KEY",
                "crash/test/secret/crash/test/secret/0001");
        for (int round = 0; round < 2; round++) {
            Running s = start(dir, port, env);
            Set<Long> acked = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            try (EcsClient ecs =
                    ecs(s.endpoint(), "AKIACRASHTESTKEY0001", "crash/test/secret/crash/test/secret/0001")) {
                for (int w = 0; w < 8; w++) {
                    writers.add(Thread.ofVirtual().start(() -> {
                        while (!stop.get()) {
                            try {
                                long rev = ecs.registerTaskDefinition(r -> r.family("crash")
                                                .containerDefinitions(ContainerDefinition.builder()
                                                        .name("c")
                                                        .image("busybox")
                                                        .memory(16)
                                                        .build()))
                                        .taskDefinition()
                                        .revision();
                                acked.add(rev);
                            } catch (RuntimeException e) {
                                return; // the server died under us: this write was never acknowledged
                            }
                        }
                    }));
                }
                // kill once writes are flowing, however slow the machine is (a fixed 1.5 s window
                // acknowledged nothing on a loaded machine), at a moment the writers cannot predict
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (acked.size() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(50, 400));
                s.process().destroyForcibly(); // SIGKILL mid-write
                s.process().waitFor(10, TimeUnit.SECONDS);
                stop.set(true);
                for (Thread t : writers) {
                    t.join(15_000);
                }
            }
            assertThat(acked).as("writes acknowledged before the kill").isNotEmpty();
            Running again = start(dir, port, env);
            try (EcsClient ecs =
                    ecs(again.endpoint(), "AKIACRASHTESTKEY0001", "crash/test/secret/crash/test/secret/0001")) {
                for (long rev : acked) {
                    var td = ecs.describeTaskDefinition(r -> r.taskDefinition("crash:" + rev))
                            .taskDefinition();
                    assertThat(td.status()).isEqualTo(TaskDefinitionStatus.ACTIVE);
                    assertThat(td.containerDefinitions()).hasSize(1);
                }
                long max = acked.stream().mapToLong(Long::longValue).max().orElseThrow();
                long next = ecs.registerTaskDefinition(r -> r.family("crash")
                                .containerDefinitions(ContainerDefinition.builder()
                                        .name("c")
                                        .image("busybox")
                                        .memory(16)
                                        .build()))
                        .taskDefinition()
                        .revision();
                assertThat(next).as("revisions are never reused").isGreaterThan(max);
                List<String> listed =
                        ecs.listTaskDefinitionsPaginator(r -> r.familyPrefix("crash")).taskDefinitionArns().stream()
                                .toList();
                assertThat(listed).doesNotHaveDuplicates();
                assertThat(listed).hasSizeGreaterThanOrEqualTo(acked.size() + 1);
                assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition("crash"))
                                .taskDefinition()
                                .revision())
                        .as("the family summary agrees with the revisions")
                        .isEqualTo(next);
            } finally {
                again.process().destroy();
                again.process().waitFor(15, TimeUnit.SECONDS);
            }
        }
    }
}
