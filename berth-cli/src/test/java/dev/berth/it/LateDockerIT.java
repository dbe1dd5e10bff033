package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceField;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Docker Engine that starts after Berth (issue 14): {@code berth server} with {@code DOCKER_HOST}
 * and {@code berth agent} with {@code --docker-host} naming a unix socket that does not exist yet.
 * The socket appears later (a small forwarder to {@code /var/run/docker.sock} started by the
 * test); the container instance then gets the engine's capability attributes through
 * re-registration, and a service whose task definition uses the awslogs log driver places and
 * runs. Also: without the attribute, the service event names what is missing.
 */
class LateDockerIT {

    static final String AWSLOGS = "com.amazonaws.ecs.capability.logging-driver.awslogs";
    static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");

    /**
     * Forwards each connection accepted on a unix socket to Docker Engine's socket: the engine
     * "appears" at {@code listen} when this starts.
     */
    static final class SocketForwarder implements AutoCloseable {
        private final Path listen;
        private final ServerSocketChannel server;
        private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();

        SocketForwarder(Path listen, Path target) throws IOException {
            this.listen = listen;
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(listen));
            Thread.ofVirtual().name("late-docker-accept").start(() -> {
                while (server.isOpen()) {
                    try {
                        SocketChannel client = server.accept();
                        SocketChannel docker = SocketChannel.open(UnixDomainSocketAddress.of(target));
                        channels.add(client);
                        channels.add(docker);
                        Thread.ofVirtual().start(() -> pump(client, docker));
                        Thread.ofVirtual().start(() -> pump(docker, client));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void pump(SocketChannel from, SocketChannel to) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private static void closeQuietly(SocketChannel c) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            channels.forEach(SocketForwarder::closeQuietly);
            Files.deleteIfExists(listen);
        }
    }

    /** A socket path that does not exist yet, short enough for a unix socket address. */
    static Path lateSocket() throws IOException {
        Path sock = Files.createTempDirectory("berth-late").resolve("docker.sock");
        assertThat(sock).doesNotExist();
        return sock;
    }

    static boolean hasAttribute(ContainerInstance ci, String name) {
        return ci.attributes().stream().map(Attribute::name).anyMatch(name::equals);
    }

    static List<String> capabilityNames(ContainerInstance ci) {
        return ci.attributes().stream()
                .map(Attribute::name)
                .filter(n -> n.contains("capability"))
                .toList();
    }

    /** The root key from the credentials file {@code berth server} wrote. */
    static AwsBasicCredentials credentials(Path dataDir) throws IOException {
        String ini = Files.readString(dataDir.resolve("credentials"));
        Matcher id = Pattern.compile("aws_access_key_id\\s*=\\s*(\\S+)").matcher(ini);
        Matcher secret = Pattern.compile("aws_secret_access_key\\s*=\\s*(\\S+)").matcher(ini);
        assertThat(id.find() && secret.find()).as(ini).isTrue();
        return AwsBasicCredentials.create(id.group(1), secret.group(1));
    }

    static long count(String text, String part) {
        return Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }

    @Test
    void aServerStartedBeforeDockerEngineGetsTheCapabilitiesAndRunsAnAwslogsService() throws Exception {
        String image = TestImages.busybox();
        Path sock = lateSocket();
        Path dataDir = Files.createTempDirectory("berth-late-server");
        int port = ServerProcessIT.freePort();
        Path log = Files.createTempFile("berth-late-server", ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        ServerProcessIT.JAR.toString(),
                        "server",
                        "--port",
                        String.valueOf(port),
                        "--data-dir",
                        dataDir.toString(),
                        "--lb-addresses",
                        TestServer.LB_ADDRESSES)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("DOCKER_HOST", "unix://" + sock);
        pb.environment().put("BERTH_IMAGE_PULL_BEHAVIOR", "prefer-cached");
        Process p = pb.start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        String instanceId = null;
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !p.isAlive() || Files.readString(log).contains("is ready in"));
            assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
            try (EcsClient ecs = EcsClient.builder()
                            .endpointOverride(endpoint)
                            .region(Region.US_EAST_1)
                            .credentialsProvider(StaticCredentialsProvider.create(credentials(dataDir)))
                            .httpClient(UrlConnectionHttpClient.create())
                            .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                            .build();
                    CloudWatchLogsClient logs = CloudWatchLogsClient.builder()
                            .endpointOverride(endpoint)
                            .region(Region.US_EAST_1)
                            .credentialsProvider(StaticCredentialsProvider.create(credentials(dataDir)))
                            .httpClient(UrlConnectionHttpClient.create())
                            .build()) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !ecs.listContainerInstances(
                                r -> r.cluster("default"))
                        .containerInstanceArns()
                        .isEmpty());
                String arn = ecs.listContainerInstances(r -> r.cluster("default"))
                        .containerInstanceArns()
                        .getFirst();
                instanceId = arn.substring(arn.lastIndexOf('/') + 1);
                java.util.function.Supplier<ContainerInstance> describe =
                        () -> ecs.describeContainerInstances(r -> r.cluster("default")
                                        .containerInstances(arn)
                                        .include(ContainerInstanceField.CONTAINER_INSTANCE_HEALTH))
                                .containerInstances()
                                .getFirst();

                // no engine yet: the six ecs.* attributes only, the runtime IMPAIRED; wait for two polls
                // (two attempts to reach the engine) before it appears
                await().atMost(Duration.ofSeconds(30)).until(() -> describe.get()
                        .healthStatus()
                        .overallStatusAsString()
                        .equals("IMPAIRED"));
                Instant firstReport =
                        describe.get().healthStatus().details().getFirst().lastUpdated();
                ContainerInstance before = describe.get();
                assertThat(capabilityNames(before)).isEmpty();
                assertThat(before.attributes()).extracting(Attribute::name).allMatch(n -> n.startsWith("ecs."));
                assertThat(before.versionInfo().dockerVersion()).isEqualTo("unknown");

                ecs.registerTaskDefinition(r -> r.family("late-logs").containerDefinitions(c -> c.name("app")
                        .image(image)
                        .memory(32)
                        .essential(true)
                        .stopTimeout(1)
                        .command("sh", "-c", "echo hello from the late engine; exec sleep 600")
                        .logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS)
                                .options(Map.of(
                                        "awslogs-group", "/berth/late",
                                        "awslogs-region", "us-east-1",
                                        "awslogs-stream-prefix", "late",
                                        "awslogs-create-group", "true")))));
                ecs.createService(r -> r.cluster("default")
                        .serviceName("late")
                        .taskDefinition("late-logs")
                        .desiredCount(1));
                await().atMost(Duration.ofSeconds(30)).until(() -> describe.get()
                        .healthStatus()
                        .details()
                        .getFirst()
                        .lastUpdated()
                        .isAfter(firstReport));
                assertThat(ecs.describeServices(r -> r.cluster("default").services("late"))
                                .services()
                                .getFirst()
                                .runningCount())
                        .isZero();

                // Docker Engine appears at DOCKER_HOST
                try (SocketForwarder engine = new SocketForwarder(sock, DOCKER_SOCKET)) {
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(250))
                            .until(() -> hasAttribute(describe.get(), AWSLOGS));
                    ContainerInstance after = describe.get();
                    assertThat(capabilityNames(after))
                            .contains(
                                    "com.amazonaws.ecs.capability.docker-remote-api.1.17",
                                    "com.amazonaws.ecs.capability.docker-remote-api.1.19",
                                    "ecs.capability.container-health-check",
                                    AWSLOGS);
                    assertThat(after.versionInfo().dockerVersion()).isNotEqualTo("unknown");
                    assertThat(after.containerInstanceArn())
                            .as("the same instance")
                            .isEqualTo(arn);

                    await().atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> {
                                Service s = ecs.describeServices(
                                                r -> r.cluster("default").services("late"))
                                        .services()
                                        .getFirst();
                                return s.runningCount() == 1 && s.pendingCount() == 0;
                            });
                    String taskArn = ecs.listTasks(r -> r.cluster("default").serviceName("late"))
                            .taskArns()
                            .getFirst();
                    Task task = ecs.describeTasks(r -> r.cluster("default").tasks(taskArn))
                            .tasks()
                            .getFirst();
                    assertThat(task.lastStatus()).isEqualTo("RUNNING");
                    assertThat(task.containerInstanceArn()).isEqualTo(arn);
                    String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
                    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> logs
                            .getLogEvents(r -> r.logGroupName("/berth/late")
                                    .logStreamName("late/app/" + taskId)
                                    .startFromHead(true))
                            .events()
                            .stream()
                            .map(OutputLogEvent::message)
                            .anyMatch(m -> m.contains("hello from the late engine")));

                    ecs.deleteService(r -> r.cluster("default").service("late").force(true));
                    await().atMost(Duration.ofSeconds(30)).until(() -> ecs.describeTasks(
                                    r -> r.cluster("default").tasks(taskArn))
                            .tasks()
                            .getFirst()
                            .lastStatus()
                            .equals("STOPPED"));
                }
            }
            String out = Files.readString(log);
            assertThat(out).contains("docker:      unix://" + sock + " (the local agent's engine)");
            assertThat(count(out, "Install docker.io and start dockerd"))
                    .as("one clear line while no engine answers:\n" + out)
                    .isEqualTo(1);
            assertThat(out)
                    .as("the HTTP transport's retries stay quiet")
                    .doesNotContain("Recoverable I/O exception")
                    .doesNotContain("Error during callback");
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            if (instanceId != null) {
                TestImages.removeContainersOf(instanceId);
            }
        }
    }

    @Test
    void anAgentProcessWithDockerHostFlagGetsTheCapabilitiesWhenTheSocketAppears() throws Exception {
        Path sock = lateSocket();
        try (TestServer server = TestServer.start();
                EcsClient ecs = server.ecs()) {
            ecs.createCluster(r -> r.clusterName("late"));
            Path log = Files.createTempFile("berth-late-agent", ".log");
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            ServerProcessIT.JAR.toString(),
                            "agent",
                            "--server",
                            server.endpoint().toString(),
                            "--cluster",
                            "late",
                            "--token-file",
                            server.server().joinTokenFile().toString(),
                            "--data-dir",
                            Files.createTempDirectory("berth-late-agent").toString(),
                            "--host-ip",
                            TestAddresses.LATE_DOCKER.ip(0),
                            "--docker-host",
                            "unix://" + sock)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            String instanceId = null;
            try {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !ecs.listContainerInstances(
                                r -> r.cluster("late"))
                        .containerInstanceArns()
                        .isEmpty());
                String arn = ecs.listContainerInstances(r -> r.cluster("late"))
                        .containerInstanceArns()
                        .getFirst();
                instanceId = arn.substring(arn.lastIndexOf('/') + 1);
                java.util.function.Supplier<ContainerInstance> describe = () -> ecs.describeContainerInstances(
                                r -> r.cluster("late").containerInstances(arn))
                        .containerInstances()
                        .getFirst();
                assertThat(capabilityNames(describe.get())).isEmpty();
                assertThat(Files.readString(log)).contains("Docker Engine unix://" + sock);

                try (SocketForwarder engine = new SocketForwarder(sock, DOCKER_SOCKET)) {
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(250))
                            .until(() -> hasAttribute(describe.get(), AWSLOGS));
                    assertThat(describe.get().versionInfo().dockerVersion()).isNotEqualTo("unknown");
                    assertThat(Files.readString(log)).contains("re-registered with");
                }
            } finally {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                if (instanceId != null) {
                    TestImages.removeContainersOf(instanceId);
                }
            }
        }
    }

    @Test
    void aServiceEventNamesTheAttributeTheInstanceLacks() throws Exception {
        try (TestServer server = TestServer.start();
                EcsClient ecs = server.ecs()) {
            HandAgent hand = new HandAgent(server);
            ecs.createCluster(r -> r.clusterName("noattr"));
            JsonNode reg = hand.register("noattr", TestAddresses.LATE_DOCKER.ip(1), 1024);
            hand.poll(reg, "OK");
            ecs.registerTaskDefinition(r -> r.family("needs-awslogs").containerDefinitions(c -> c.name("app")
                    .image("busybox:test")
                    .memory(32)
                    .essential(true)
                    .logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS)
                            .options(Map.of("awslogs-group", "/berth/x", "awslogs-region", "us-east-1")))));
            ecs.createService(r -> r.cluster("noattr")
                    .serviceName("web")
                    .taskDefinition("needs-awslogs")
                    .desiredCount(1));
            String id = reg.get("instanceId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> ecs
                                    .describeServices(r -> r.cluster("noattr").services("web"))
                                    .services()
                                    .getFirst()
                                    .events()
                                    .stream()
                                    .map(ServiceEvent::message)
                                    .anyMatch(m ->
                                            m.contains("(container-instance " + id + ") is missing an attribute")));
            String message =
                    ecs
                            .describeServices(r -> r.cluster("noattr").services("web"))
                            .services()
                            .getFirst()
                            .events()
                            .stream()
                            .map(ServiceEvent::message)
                            .filter(m -> m.contains("is missing an attribute"))
                            .findFirst()
                            .orElseThrow();
            assertThat(message)
                    .startsWith("(service web) was unable to place a task because no container instance met all of"
                            + " its requirements. The closest matching (container-instance " + id
                            + ") is missing an attribute required by your task: ")
                    .contains(AWSLOGS)
                    .endsWith(". For more information, see the Troubleshooting section.");
        }
    }
}
