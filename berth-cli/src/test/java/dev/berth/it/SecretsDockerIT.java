package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * ECS task secrets end to end on real Docker: values from SSM (SecureString by name and by ARN) and
 * Secrets Manager (whole secret, JSON key, AWSPREVIOUS stage) reach the container as environment
 * variables; the container publishes only their SHA-256 hashes, which the test compares with its own
 * (no value is ever printed). A task whose secret cannot be fetched stops with ECS's
 * ResourceInitializationError. The last test stops everything and searches the data directories
 * (H2 store files included) and every log line the server and agent wrote for the plaintext values.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsDockerIT {

    static final String CLUSTER = "secrets";
    static final String HOST_IP = TestAddresses.SECRETS_DOCKER.ip(0);
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String DB_PASSWORD = "db-pw-" + RUN + "-x9";
    static final String API_KEY = "api-key-" + RUN + "-q7";
    static final String OLD_TOKEN = "old-token-" + RUN + "-z3";
    static final String NEW_TOKEN = "new-token-" + RUN + "-w5";
    static final String REGISTRY_PASSWORD = "registry-pw-" + RUN + "-k2";
    static final String PLAIN_MARKER = "plain-marker-" + RUN;
    static final List<String> SECRETS = List.of(DB_PASSWORD, API_KEY, OLD_TOKEN, NEW_TOKEN, REGISTRY_PASSWORD);

    static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    static Level rootLevel;
    static DockerCluster docker;
    static TestServer server;
    static Path agentDir;
    static EcsClient ecs;
    static String image;
    static String instanceArn;
    static String apiSecretArn;
    static String tokenSecretArn;
    static String registrySecretArn;
    static String passwordParameterArn;

    @BeforeAll
    static void start() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        LOGS.start();
        root.addAppender(LOGS);
        docker = DockerCluster.start(CLUSTER, List.of());
        image = docker.image;
        server = docker.server;
        ecs = docker.ecs;
        agentDir = TestAgents.newDataDir();
        instanceArn =
                docker.addDockerAgent(HOST_IP, agentDir).containerInstanceArn().orElseThrow();
        try (SsmClient ssm = server.ssm();
                SecretsManagerClient sm = server.secretsManager()) {
            ssm.putParameter(r -> r.name("/it/db/password").value(DB_PASSWORD).type(ParameterType.SECURE_STRING));
            ssm.putParameter(r -> r.name("/it/db/host").value(PLAIN_MARKER).type(ParameterType.STRING));
            passwordParameterArn =
                    ssm.getParameter(r -> r.name("/it/db/password")).parameter().arn();
            apiSecretArn = sm.createSecret(
                            r -> r.name("it/api").secretString("{\"api_key\":\"" + API_KEY + "\",\"user\":\"svc\"}"))
                    .arn();
            tokenSecretArn = sm.createSecret(r -> r.name("it/token").secretString(OLD_TOKEN))
                    .arn();
            sm.putSecretValue(r -> r.secretId("it/token").secretString(NEW_TOKEN));
            registrySecretArn = sm.createSecret(r -> r.name("it/registry")
                            .secretString("{\"username\":\"puller\"," + "\"password\":\"" + REGISTRY_PASSWORD + "\"}"))
                    .arn();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            docker.close();
        } finally {
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(LOGS);
            root.setLevel(rootLevel);
        }
    }

    static void closeServer() throws Exception {
        docker.stopServer();
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static Secret secret(String name, String valueFrom) {
        return Secret.builder().name(name).valueFrom(valueFrom).build();
    }

    static String run(String family, ContainerDefinition.Builder container) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(container
                        .name("app")
                        .image(image)
                        .memory(64)
                        .essential(true)
                        .stopTimeout(2)
                        .build()));
        var run = ecs.runTask(r -> r.cluster(CLUSTER).taskDefinition(family));
        assertThat(run.failures()).isEmpty();
        return run.tasks().getFirst().taskArn();
    }

    @Test
    @Order(1)
    void secretsReachTheContainerAsEnvironmentVariables() throws Exception {
        String arn = run(
                "with-secrets",
                ContainerDefinition.builder()
                        .secrets(
                                secret("S1", "/it/db/password"),
                                secret("S2", apiSecretArn + ":api_key::"),
                                secret("S3", tokenSecretArn + "::AWSPREVIOUS:"),
                                secret("S4", tokenSecretArn),
                                secret("S5", passwordParameterArn))
                        .repositoryCredentials(c -> c.credentialsParameter(registrySecretArn))
                        .command(
                                "sh",
                                "-c",
                                "for v in \"$S1\" \"$S2\" \"$S3\" \"$S4\" \"$S5\"; do printf %s \"$v\" | sha256sum"
                                        + " | cut -d' ' -f1; done > /tmp/index.html; exec httpd -f -p 80 -h /tmp")
                        .portMappings(p -> p.containerPort(80)));
        Task t = docker.awaitStatus(arn, "RUNNING");
        int port = t.containers().getFirst().networkBindings().getFirst().hostPort();
        String published;
        try (HttpClient http = HttpClient.newHttpClient()) {
            published = http.send(
                            HttpRequest.newBuilder(URI.create("http://" + HOST_IP + ":" + port + "/index.html"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
        assertThat(published.strip().split("\n"))
                .containsExactly(
                        sha256(DB_PASSWORD),
                        sha256(API_KEY),
                        sha256(OLD_TOKEN),
                        sha256(NEW_TOKEN),
                        sha256(DB_PASSWORD));

        RawClient raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        String describeBody = raw.json(
                        "ecs",
                        "AmazonEC2ContainerServiceV20141113.DescribeTasks",
                        ("{\"cluster\":\"" + CLUSTER + "\",\"tasks\":[\"" + arn + "\"],\"include\":[\"TAGS\"]}")
                                .getBytes())
                .body();
        assertThat(describeBody).contains(arn);
        SECRETS.forEach(s -> assertThat(describeBody.contains(s))
                .as("DescribeTasks shows a secret")
                .isFalse());
        String labels = docker(
                "inspect",
                "--format",
                "{{json .Config.Labels}}",
                t.containers().getFirst().runtimeId());
        assertThat(labels).contains("dev.berth.task-spec");
        SECRETS.forEach(s -> assertThat(labels.contains(s))
                .as("a Docker label holds a secret")
                .isFalse());

        ecs.stopTask(r -> r.cluster(CLUSTER).task(arn));
        docker.awaitStatus(arn, "STOPPED");
    }

    @Test
    @Order(2)
    void aSecretThatCannotBeFetchedStopsTheTaskWithResourceInitializationError() {
        String missing = run(
                "missing-parameter",
                ContainerDefinition.builder()
                        .secrets(secret("S", "/it/not/there"))
                        .command("sh", "-c", "sleep 60"));
        Task t = docker.awaitStatus(missing, "STOPPED");
        assertThat(t.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(t.stoppedReason())
                .startsWith("ResourceInitializationError: unable to pull secrets or registry auth: ")
                .contains("ParameterNotFound")
                .contains("/it/not/there");

        String noKey = run(
                "missing-json-key",
                ContainerDefinition.builder()
                        .secrets(secret("S", apiSecretArn + ":nope::"))
                        .command("sh", "-c", "sleep 60"));
        assertThat(docker.awaitStatus(noKey, "STOPPED").stoppedReason())
                .startsWith("ResourceInitializationError: unable to pull secrets or registry auth: ")
                .contains("did not contain json key nope");

        String noLogin = run(
                "missing-login",
                ContainerDefinition.builder()
                        .repositoryCredentials(c -> c.credentialsParameter(apiSecretArn
                                .substring(0, apiSecretArn.length() - 7)
                                .replace("it/api", "it/none")))
                        .command("sh", "-c", "sleep 60"));
        assertThat(docker.awaitStatus(noLogin, "STOPPED").stoppedReason())
                .startsWith("ResourceInitializationError: unable to pull secrets or registry auth: ")
                .contains("ResourceNotFoundException");

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var ci = ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(instanceArn))
                    .containerInstances()
                    .getFirst();
            return ci.pendingTasksCount() == 0 && ci.runningTasksCount() == 0;
        });
    }

    @Test
    @Order(3)
    void noPlaintextInTheStoreFilesTheDataDirectoriesOrTheLogs() throws Exception {
        Path serverDir = server.dataDir();
        closeServer();
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(serverDir, agentDir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        assertThat(files).anySatisfy(f -> assertThat(f.getFileName().toString()).endsWith(".mv.db"));
        boolean markerFound = false;
        for (Path f : files) {
            String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            markerFound |= content.contains(PLAIN_MARKER);
            for (String s : SECRETS) {
                assertThat(content.contains(s))
                        .as("%s holds secret #%d in plaintext", f, SECRETS.indexOf(s))
                        .isFalse();
            }
        }
        assertThat(markerFound)
                .as("a String parameter's value is found in the store files, so the search works")
                .isTrue();
        List<ILoggingEvent> events = List.copyOf(LOGS.list);
        assertThat(events).as("the server and agent logged during the run").isNotEmpty();
        for (ILoggingEvent e : events) {
            String line = e.getFormattedMessage()
                    + (e.getThrowableProxy() == null
                            ? ""
                            : " " + e.getThrowableProxy().getMessage());
            for (String s : SECRETS) {
                assertThat(line.contains(s))
                        .as("a log line of %s holds secret #%d", e.getLoggerName(), SECRETS.indexOf(s))
                        .isFalse();
            }
        }
    }

    static String docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
