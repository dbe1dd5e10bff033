package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The awslogs log driver end to end on real Docker: a real server, a real agent (its own loopback
 * host IP) following its containers' output and shipping it over the agent protocol, CloudWatch
 * Logs read back with the AWS SDK.
 */
class LogsDockerIT {

    static final String CLUSTER = "logs";
    static final String HOST_IP = System.getProperty("berth.it.logs-host-ip", TestAddresses.LOGS_DOCKER.ip(0));
    static DockerCluster docker;
    static TestServer server;
    static EcsClient ecs;
    static CloudWatchLogsClient logs;
    static String instanceArn;
    static String image;

    @BeforeAll
    static void start() throws Exception {
        docker = DockerCluster.start(CLUSTER, List.of(HOST_IP));
        image = docker.image;
        server = docker.server;
        ecs = docker.ecs;
        logs = docker.client(server.logs());
        instanceArn = docker.instanceArn(0);
    }

    @AfterAll
    static void stop() throws Exception {
        docker.close();
    }

    static ContainerDefinition.Builder container(String name, String script, Map<String, String> options) {
        return ContainerDefinition.builder()
                .name(name)
                .image(image)
                .memory(32)
                .essential(true)
                .command("sh", "-c", script)
                .logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS).options(options));
    }

    static String run(String family) {
        RunTaskResponse r = ecs.runTask(t -> t.cluster(CLUSTER).taskDefinition(family));
        assertThat(r.failures()).isEmpty();
        return r.tasks().getFirst().taskArn();
    }

    static List<OutputLogEvent> events(String group, String stream) {
        return logs.getLogEvents(
                        r -> r.logGroupName(group).logStreamName(stream).startFromHead(true))
                .events();
    }

    /** Every event of a stream from its head, following forward tokens until the same token comes back. */
    static List<OutputLogEvent> allEvents(String group, String stream) {
        List<OutputLogEvent> all = new java.util.ArrayList<>();
        String token = null;
        while (true) {
            String t = token;
            var page = logs.getLogEvents(r -> r.logGroupName(group)
                    .logStreamName(stream)
                    .startFromHead(true)
                    .nextToken(t));
            all.addAll(page.events());
            if (page.nextForwardToken().equals(token)) {
                return all;
            }
            token = page.nextForwardToken();
        }
    }

    static final String NO_GROUP_REASON =
            "CannotStartContainerError: Error response from daemon: failed to initialize logging "
                    + "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.";

    @Test
    void withoutCreateGroupAMissingGroupStopsTheTaskBeforeTheContainerRuns() {
        ecs.registerTaskDefinition(r -> r.family("nogroup")
                .containerDefinitions(container(
                                "app",
                                "echo never printed; sleep 300",
                                Map.of(
                                        "awslogs-group",
                                        "/ecs/never-created",
                                        "awslogs-region",
                                        "us-east-1",
                                        "awslogs-stream-prefix",
                                        "p"))
                        .build()));
        String arn = run("nogroup");
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arn))
                        .tasks()
                        .getFirst()
                        .lastStatus()
                        .equals("STOPPED"));
        Task task =
                ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arn)).tasks().getFirst();
        assertThat(task.stoppedReason()).isEqualTo(NO_GROUP_REASON);
        assertThat(task.stopCode()).isEqualTo(TaskStopCode.TASK_FAILED_TO_START);
        assertThat(task.startedAt()).as("the task never ran").isNull();
        Container c = task.containers().getFirst();
        assertThat(c.reason()).isEqualTo(NO_GROUP_REASON);
        assertThat(c.exitCode()).as("the container never ran").isNull();
        assertThat(logs.describeLogGroups(r -> r.logGroupNamePrefix("/ecs/never-created"))
                        .logGroups())
                .as("the driver does not create the group without awslogs-create-group")
                .isEmpty();
    }

    @Test
    void theStreamIsCreatedWhenTheContainerStartsEvenIfItPrintsNothing() {
        logs.createLogGroup(r -> r.logGroupName("/ecs/quiet"));
        ecs.registerTaskDefinition(r -> r.family("quiet")
                .containerDefinitions(container(
                                "app",
                                "sleep 300",
                                Map.of(
                                        "awslogs-group",
                                        "/ecs/quiet",
                                        "awslogs-region",
                                        "us-east-1",
                                        "awslogs-stream-prefix",
                                        "q"))
                        .build()));
        String arn = run("quiet");
        String stream = "q/app/" + arn.substring(arn.lastIndexOf('/') + 1);
        await().ignoreExceptions()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(
                                ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arn))
                                        .tasks()
                                        .getFirst()
                                        .lastStatus())
                        .isEqualTo("RUNNING"));
        assertThat(logs.describeLogStreams(r -> r.logGroupName("/ecs/quiet")).logStreams())
                .as("created before the container started")
                .extracting(s -> s.logStreamName())
                .containsExactly(stream);
        assertThat(events("/ecs/quiet", stream)).isEmpty();
        ecs.stopTask(r -> r.cluster(CLUSTER).task(arn));
    }

    @Test
    void aTaskThatExitsAtOnceHasEveryLineInItsStream() {
        ecs.registerTaskDefinition(r -> r.family("burst")
                .containerDefinitions(container(
                                "app",
                                "i=0; while [ $i -lt 2000 ]; do echo \"out $i\"; i=$((i+1)); done; echo 'to stderr' >&2; echo 'the very last line'",
                                Map.of(
                                        "awslogs-group",
                                        "/ecs/burst",
                                        "awslogs-region",
                                        "us-east-1",
                                        "awslogs-stream-prefix",
                                        "svc",
                                        "awslogs-create-group",
                                        "true"))
                        .build()));
        String arn = run("burst");
        String taskId = arn.substring(arn.lastIndexOf('/') + 1);
        String stream = "svc/app/" + taskId;
        await().ignoreExceptions()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(logs.describeLogStreams(r -> r.logGroupName("/ecs/burst"))
                                .logStreams())
                        .extracting(s -> s.logStreamName())
                        .containsExactly(stream));
        await().ignoreExceptions()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(allEvents("/ecs/burst", stream)).hasSize(2002));
        List<String> messages = allEvents("/ecs/burst", stream).stream()
                .map(OutputLogEvent::message)
                .toList();
        assertThat(messages).contains("to stderr");
        // Docker stamps each stream when it reads it, so stderr may sort anywhere; stdout keeps its order
        List<String> stdout =
                messages.stream().filter(m -> !m.equals("to stderr")).toList();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            expected.add("out " + i);
        }
        expected.add("the very last line");
        assertThat(stdout).as("stdout lines in order, none lost or doubled").isEqualTo(expected);
    }

    @Test
    void multilinePatternGroupsLinesAndLinesArriveWithinSeconds() {
        ecs.registerTaskDefinition(r -> r.family("stack")
                .containerDefinitions(container(
                                "app",
                                "echo 'ERROR boom'; echo '  at a()'; echo '  at b()'; echo 'INFO next'; sleep 2; echo 'INFO late'; sleep 300",
                                Map.of(
                                        "awslogs-group",
                                        "/ecs/stack",
                                        "awslogs-region",
                                        "us-east-1",
                                        "awslogs-stream-prefix",
                                        "p",
                                        "awslogs-create-group",
                                        "true",
                                        "awslogs-multiline-pattern",
                                        "^(INFO|ERROR)",
                                        "mode",
                                        "non-blocking",
                                        "max-buffer-size",
                                        "4m"))
                        .build()));
        String arn = run("stack");
        String stream = "p/app/" + arn.substring(arn.lastIndexOf('/') + 1);
        await().ignoreExceptions()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(logs.filterLogEvents(r -> r.logGroupName("/ecs/stack"))
                                .events())
                        .extracting(e -> e.message())
                        .containsExactly("ERROR boom\n  at a()\n  at b()\n", "INFO next\n", "INFO late\n"));
        long late = logs.filterLogEvents(r -> r.logGroupName("/ecs/stack").filterPattern("late"))
                .events()
                .getFirst()
                .ingestionTime();
        long written = logs.filterLogEvents(r -> r.logGroupName("/ecs/stack").filterPattern("late"))
                .events()
                .getFirst()
                .timestamp();
        assertThat(late - written)
                .as("a line is stored within seconds of being written")
                .isLessThan(5_000);
        assertThat(logs.describeLogStreams(r -> r.logGroupName("/ecs/stack"))
                        .logStreams()
                        .getFirst()
                        .logStreamName())
                .isEqualTo(stream);
        ecs.stopTask(r -> r.cluster(CLUSTER).task(arn));
    }

    @Test
    void withoutCreateGroupTheGroupMustExistAndBadOptionsAreRefusedAtRegistration() {
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("bad")
                        .containerDefinitions(container(
                                        "app",
                                        "true",
                                        Map.of(
                                                "awslogs-group",
                                                "g",
                                                "awslogs-region",
                                                "us-east-1",
                                                "mode",
                                                "sometimes"))
                                .build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("logging mode not supported: sometimes");
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("bad")
                        .containerDefinitions(container(
                                        "app",
                                        "true",
                                        Map.of(
                                                "awslogs-group",
                                                "g",
                                                "awslogs-region",
                                                "us-east-1",
                                                "awslogs-colour",
                                                "red"))
                                .build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("unknown log opt 'awslogs-colour'");
        logs.createLogGroup(r -> r.logGroupName("/ecs/made-before"));
        ecs.registerTaskDefinition(r -> r.family("plain")
                .containerDefinitions(container(
                                "app",
                                "echo into an existing group",
                                Map.of("awslogs-group", "/ecs/made-before", "awslogs-region", "us-east-1"))
                        .build()));
        String arn = run("plain");
        await().ignoreExceptions()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(logs.filterLogEvents(r -> r.logGroupName("/ecs/made-before"))
                                .events())
                        .extracting(e -> e.message())
                        .containsExactly("echo into an existing group".substring(5)));
        String stream = logs.describeLogStreams(r -> r.logGroupName("/ecs/made-before"))
                .logStreams()
                .getFirst()
                .logStreamName();
        assertThat(stream)
                .as("without a prefix the stream is the Docker container id")
                .matches("[0-9a-f]{64}");
        assertThat(arn).isNotBlank();
    }
}
