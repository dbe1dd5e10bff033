package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EnvironmentFile;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * ECS {@code environmentFiles} end to end on real Docker: two {@code .env} objects uploaded with the
 * S3 client to Berth's object endpoint reach the container as environment variables, parsed and
 * merged as the ECS agent does (comments, blank lines, lines without {@code =} and empty values
 * ignored; the first file to set a name wins; {@code environment} wins over files). The container
 * publishes only SHA-256 hashes of what it got, which the test compares with its own. DescribeTasks
 * and the container's Docker labels never show the values. A missing key or bucket stops the task
 * with ECS's {@code ResourceInitializationError: failed to download env files: ...}.
 */
class EnvFilesDockerIT {

    static final String CLUSTER = "envfiles";
    static final String HOST_IP = TestAddresses.ENV_FILES_DOCKER.ip(0);
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String FROM_A = "from-a-" + RUN;
    static final String ONLY_A = "only a " + RUN + " with spaces";

    static DockerCluster docker;
    static TestServer server;
    static EcsClient ecs;
    static S3Client s3;
    static String image;
    static String instanceArn;

    @BeforeAll
    static void start() throws Exception {
        docker = DockerCluster.start(CLUSTER, List.of(HOST_IP));
        image = docker.image;
        server = docker.server;
        ecs = docker.ecs;
        instanceArn = docker.instanceArn(0);
        s3 = docker.client(S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKeyId(), server.secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build());
        s3.createBucket(r -> r.bucket("envfiles"));
        s3.putObject(
                r -> r.bucket("envfiles").key("app/a.env"),
                RequestBody.fromString("# settings of a\nSHARED=" + FROM_A + "\n\n  ONLY_A=" + ONLY_A
                        + "  \nNOEQUALS\nEMPTY=\n=novalue\n"));
        s3.putObject(
                r -> r.bucket("envfiles").key("app/b.env"),
                RequestBody.fromString("SHARED=from-b\r\nONLY_B=x=y\r\nOVERRIDDEN=from-file\r\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        docker.close();
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static EnvironmentFile file(String arn) {
        return EnvironmentFile.builder().type("s3").value(arn).build();
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
        assertThat(run.failures())
                .as("the agent advertises ecs.capability.env-files.s3")
                .isEmpty();
        return run.tasks().getFirst().taskArn();
    }

    @Test
    void environmentFilesReachTheContainerMergedAsEcsMergesThem() throws Exception {
        String arn = run(
                "with-env-files",
                ContainerDefinition.builder()
                        .environmentFiles(
                                file("arn:aws:s3:::envfiles/app/a.env"), file("arn:aws:s3:::envfiles/app/b.env"))
                        .environment(KeyValuePair.builder()
                                .name("OVERRIDDEN")
                                .value("from-environment")
                                .build())
                        .command(
                                "sh",
                                "-c",
                                "for v in \"$SHARED\" \"$ONLY_A\" \"$ONLY_B\" \"$OVERRIDDEN\" \"${EMPTY-unset}\""
                                        + " \"${NOEQUALS-unset}\"; do printf %s \"$v\" | sha256sum | cut -d' ' -f1; done > /tmp/index.html;"
                                        + " exec httpd -f -p 80 -h /tmp")
                        .portMappings(p -> p.containerPort(80)));
        Task t = docker.awaitStatus(arn, "RUNNING");
        int port = t.containers().getFirst().networkBindings().getFirst().hostPort();
        // RUNNING means the container started; its shell hashes the values before httpd listens, and
        // until then Docker's port forwarder accepts and closes connections, so ask until it answers.
        String published;
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + HOST_IP + ":" + port + "/index.html"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            published = await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200)
                    .body();
        }
        assertThat(published.strip().split("\n"))
                .containsExactly(
                        sha256(FROM_A),
                        sha256(ONLY_A),
                        sha256("x=y"),
                        sha256("from-environment"),
                        sha256("unset"),
                        sha256("unset"));

        RawClient raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        String describeBody = raw.json(
                        "ecs",
                        "AmazonEC2ContainerServiceV20141113.DescribeTasks",
                        ("{\"cluster\":\"" + CLUSTER + "\",\"tasks\":[\"" + arn + "\"]}").getBytes())
                .body();
        assertThat(describeBody).contains(arn);
        for (String value : List.of(FROM_A, ONLY_A)) {
            assertThat(describeBody.contains(value))
                    .as("DescribeTasks shows an env file value")
                    .isFalse();
            String labels = SecretsDockerIT.docker(
                    "inspect",
                    "--format",
                    "{{json .Config.Labels}}",
                    t.containers().getFirst().runtimeId());
            assertThat(labels).contains("dev.berth.task-spec");
            assertThat(labels.contains(value))
                    .as("a Docker label holds an env file value")
                    .isFalse();
        }
        ecs.stopTask(r -> r.cluster(CLUSTER).task(arn));
        docker.awaitStatus(arn, "STOPPED");
    }

    @Test
    void aMissingFileStopsTheTaskWithEcsReason() {
        String noKey = run(
                "missing-env-key",
                ContainerDefinition.builder()
                        .environmentFiles(
                                file("arn:aws:s3:::envfiles/app/a.env"), file("arn:aws:s3:::envfiles/app/none.env"))
                        .command("sh", "-c", "sleep 60"));
        Task t = docker.awaitStatus(noKey, "STOPPED");
        assertThat(t.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(t.stoppedReason())
                .startsWith("ResourceInitializationError: failed to download env files: ")
                .contains("NoSuchKey")
                .contains("arn:aws:s3:::envfiles/app/none.env");

        String noBucket = run(
                "missing-env-bucket",
                ContainerDefinition.builder()
                        .environmentFiles(file("arn:aws:s3:::no-such-bucket/x.env"))
                        .command("sh", "-c", "sleep 60"));
        assertThat(docker.awaitStatus(noBucket, "STOPPED").stoppedReason())
                .startsWith("ResourceInitializationError: failed to download env files: ")
                .contains("NoSuchBucket");

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var ci = ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(instanceArn))
                    .containerInstances()
                    .getFirst();
            return ci.pendingTasksCount() == 0 && ci.runningTasksCount() == 0;
        });
    }
}
