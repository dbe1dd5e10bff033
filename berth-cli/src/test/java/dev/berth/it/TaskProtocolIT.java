package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;

/**
 * The task half of the control plane without Docker: the agent is played by hand over the agent
 * protocol, so every step of RunTask → long-poll → task events → DescribeTasks/ListTasks → StopTask
 * and the instance/cluster accounting can be checked exactly.
 */
class TaskProtocolIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static EcsClient ecs;
    static HandAgent hand;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        hand = new HandAgent(server);
        ecs = server.ecs();
        ecs.createCluster(r -> r.clusterName("default"));
        ecs.registerTaskDefinition(r -> r.family("web").containerDefinitions(c -> c.name("web")
                .image("busybox:test")
                .memory(256)
                .cpu(128)
                .essential(true)
                .environment(e -> e.name("A").value("1"))
                .portMappings(p -> p.containerPort(80))));
        ecs.registerTaskDefinition(r -> r.family("fixed")
                .containerDefinitions(
                        c -> c.name("app").image("busybox:test").memory(64).portMappings(p -> p.containerPort(80)
                                .hostPort(8080))));
    }

    @AfterAll
    static void stop() {
        ecs.close();
        server.close();
    }

    static RawClient.Response call(String method, String path, String bearer, String body) {
        return hand.call(method, path, bearer, body);
    }

    static JsonNode register(String cluster, String ip, int memory) throws Exception {
        return hand.register(cluster, ip, memory);
    }

    static String path(JsonNode reg) {
        return HandAgent.path(reg);
    }

    static JsonNode desired(JsonNode reg) throws Exception {
        return hand.desired(reg);
    }

    static JsonNode report(
            JsonNode reg, String taskArn, String status, String container, Integer exitCode, int hostPort)
            throws Exception {
        return hand.report(reg, taskArn, status, container, exitCode, hostPort);
    }

    static ContainerInstance instance(String cluster, JsonNode reg) {
        return ecs.describeContainerInstances(r -> r.cluster(cluster)
                        .containerInstances(reg.get("containerInstanceArn").asText()))
                .containerInstances()
                .getFirst();
    }

    static int remaining(ContainerInstance ci, String name) {
        return ci.remainingResources().stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow()
                .integerValue();
    }

    static Task describe(String cluster, String arn) {
        return ecs.describeTasks(r -> r.cluster(cluster).tasks(arn).include(TaskField.TAGS))
                .tasks()
                .getFirst();
    }

    @Test
    void runTaskDeliversToTheAgentAndEventsDriveTheLifecycle() throws Exception {
        ecs.createCluster(r -> r.clusterName("life"));
        JsonNode reg = register("life", TestAddresses.TASK_PROTOCOL.ip(0), 1024);
        hand.seq = reg.get("highestSeq").asLong();
        long v0 = desired(reg).get("version").asLong();

        RunTaskResponse run = ecs.runTask(r -> r.cluster("life")
                .taskDefinition("web")
                .count(2)
                .startedBy("ci-1")
                .tags(t -> t.key("team").value("a"))
                .overrides(o -> o.containerOverrides(
                        c -> c.name("web").command("sh", "-c", "exit 3").environment(e -> e.name("B")
                                .value("2")))));
        assertThat(run.failures()).isEmpty();
        assertThat(run.tasks()).hasSize(2).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("PROVISIONING");
            assertThat(t.desiredStatus()).isEqualTo("RUNNING");
            assertThat(t.taskArn()).matches("arn:aws:ecs:us-east-1:000000000000:task/life/[0-9a-f]{32}");
            assertThat(t.group()).isEqualTo("family:web");
            assertThat(t.launchType().toString()).isEqualTo("EC2");
            assertThat(t.containerInstanceArn())
                    .isEqualTo(reg.get("containerInstanceArn").asText());
            assertThat(t.createdAt()).isNotNull();
        });
        ContainerInstance ci = instance("life", reg);
        assertThat(ci.pendingTasksCount()).isEqualTo(2);
        assertThat(remaining(ci, "MEMORY")).isEqualTo(1024 - 512);
        assertThat(remaining(ci, "CPU")).isEqualTo(1024 - 256);

        JsonNode d = desired(reg);
        assertThat(d.get("version").asLong()).isGreaterThan(v0);
        assertThat(d.get("tasks")).hasSize(2);
        JsonNode spec = d.get("tasks").get(0).get("spec");
        assertThat(d.get("tasks").get(0).get("desiredStatus").asText()).isEqualTo("RUNNING");
        JsonNode container = spec.get("containers").get(0);
        assertThat(container.get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"exit 3\"]");
        assertThat(container.get("environment").toString()).isEqualTo("{\"A\":\"1\",\"B\":\"2\"}");
        assertThat(spec.get("family").asText()).isEqualTo("web");

        String a = run.tasks().get(0).taskArn();
        String b = run.tasks().get(1).taskArn();
        report(reg, a, "RUNNING", "web", null, 32768);
        report(reg, b, "RUNNING", "web", null, 32769);
        report(reg, a, "PENDING", "web", null, 0); // late: ignored
        Task running = describe("life", a);
        assertThat(running.lastStatus()).isEqualTo("RUNNING");
        assertThat(running.startedAt()).isNotNull();
        assertThat(running.pullStartedAt()).isNotNull();
        assertThat(running.connectivity().toString()).isEqualTo("CONNECTED");
        assertThat(running.tags()).extracting(t -> t.key() + "=" + t.value()).containsExactly("team=a");
        assertThat(running.containers().getFirst().networkBindings().getFirst().hostPort())
                .isEqualTo(32768);
        assertThat(running.containers().getFirst().runtimeId()).isEqualTo("abc123");
        assertThat(running.containers().getFirst().imageDigest()).isEqualTo("sha256:0123");
        assertThat(running.overrides().containerOverrides().getFirst().command())
                .containsExactly("sh", "-c", "exit 3");
        assertThat(ecs.listTasks(r -> r.cluster("life").startedBy("ci-1")).taskArns())
                .containsExactlyInAnyOrder(a, b);
        assertThat(ecs.listTasks(r -> r.cluster("life").startedBy("other")).taskArns())
                .isEmpty();
        ci = instance("life", reg);
        assertThat(ci.runningTasksCount()).isEqualTo(2);
        assertThat(ci.pendingTasksCount()).isZero();
        var cluster = ecs.describeClusters(r -> r.clusters("life")).clusters().getFirst();
        assertThat(cluster.runningTasksCount()).isEqualTo(2);
        assertThat(cluster.pendingTasksCount()).isZero();

        Task stopping = ecs.stopTask(r -> r.cluster("life").task(a)).task();
        assertThat(stopping.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopping.stopCode().toString()).isEqualTo("UserInitiated");
        assertThat(stopping.stoppedReason()).isEqualTo("Task stopped by user");
        assertThat(stopping.stoppingAt()).isNotNull();
        JsonNode after = desired(reg);
        JsonNode stopEntry = null;
        for (JsonNode t : after.get("tasks")) {
            if (t.get("taskArn").asText().equals(a)) {
                stopEntry = t;
            }
        }
        assertThat(stopEntry).isNotNull();
        assertThat(stopEntry.get("desiredStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopEntry.get("stopCode").asText()).isEqualTo("UserInitiated");

        report(reg, a, "STOPPED", "web", 143, 0);
        Task stopped = describe("life", a);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCode().toString()).isEqualTo("UserInitiated");
        assertThat(stopped.containers().getFirst().exitCode()).isEqualTo(143);
        assertThat(stopped.stoppedAt()).isNotNull();
        assertThat(stopped.executionStoppedAt()).isNotNull();
        report(reg, a, "RUNNING", "web", null, 1); // cannot come back
        assertThat(describe("life", a).lastStatus()).isEqualTo("STOPPED");
        ci = instance("life", reg);
        assertThat(ci.runningTasksCount()).isEqualTo(1);
        assertThat(remaining(ci, "MEMORY")).isEqualTo(1024 - 256);
        assertThat(desired(reg).get("tasks")).hasSize(1);

        // an essential container that exits: the agent reports the stop with its code
        ObjectNode task = JSON.createObjectNode()
                .put("taskArn", b)
                .put("lastStatus", "STOPPED")
                .put("stopCode", "EssentialContainerExited")
                .put("stoppedReason", "Essential container in task exited");
        task.putArray("containers")
                .addObject()
                .put("name", "web")
                .put("lastStatus", "STOPPED")
                .put("exitCode", 3);
        ObjectNode body = JSON.createObjectNode();
        body.putArray("events")
                .addObject()
                .put("seq", ++hand.seq)
                .put("type", "task")
                .set("task", task);
        assertThat(call("POST", path(reg) + "/events", reg.get("secret").asText(), body.toString())
                        .status())
                .isEqualTo(200);
        Task exited = describe("life", b);
        assertThat(exited.stopCode().toString()).isEqualTo("EssentialContainerExited");
        assertThat(exited.desiredStatus()).isEqualTo("STOPPED");
        assertThat(exited.containers().getFirst().exitCode()).isEqualTo(3);
        ci = instance("life", reg);
        assertThat(ci.runningTasksCount()).isZero();
        assertThat(remaining(ci, "MEMORY")).isEqualTo(1024);
        assertThat(remaining(ci, "CPU")).isEqualTo(1024);

        assertThat(ecs.listTasks(r -> r.cluster("life")).taskArns()).isEmpty();
        assertThat(ecs.listTasks(r -> r.cluster("life").desiredStatus(DesiredStatus.STOPPED))
                        .taskArns())
                .containsExactlyInAnyOrder(a, b);
        // as in ECS, startedBy is the only filter allowed with it
        assertThatThrownBy(() -> ecs.listTasks(r ->
                        r.cluster("life").desiredStatus(DesiredStatus.STOPPED).startedBy("ci-1")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("cannot specify startedBy with other arguments");
    }

    @Test
    void placementFailuresAndPortsAndBadInput() throws Exception {
        ecs.createCluster(r -> r.clusterName("full"));
        JsonNode reg = register("full", TestAddresses.TASK_PROTOCOL.ip(1), 512);
        RunTaskResponse tooBig =
                ecs.runTask(r -> r.cluster("full").taskDefinition("web").count(3));
        assertThat(tooBig.tasks()).hasSize(2);
        assertThat(tooBig.failures()).hasSize(1);
        assertThat(tooBig.failures().getFirst().reason()).isEqualTo("RESOURCE:MEMORY");
        assertThat(tooBig.failures().getFirst().arn())
                .isEqualTo(reg.get("containerInstanceArn").asText());

        ecs.createCluster(r -> r.clusterName("ports"));
        JsonNode other = register("ports", TestAddresses.TASK_PROTOCOL.ip(2), 1024);
        RunTaskResponse fixed =
                ecs.runTask(r -> r.cluster("ports").taskDefinition("fixed").count(2));
        assertThat(fixed.tasks()).hasSize(1);
        assertThat(fixed.failures()).extracting(f -> f.reason()).containsExactly("RESOURCE:PORTS");
        assertThat(remaining(instance("ports", other), "CPU")).isEqualTo(1024);
        assertThat(instance("ports", other).remainingResources().stream()
                        .filter(x -> x.name().equals("PORTS"))
                        .findFirst()
                        .orElseThrow()
                        .stringSetValue())
                .contains("22", "8080");

        // a definition needing a capability the instance lacks (health checks) is not placed on it
        ecs.registerTaskDefinition(r -> r.family("checked")
                .containerDefinitions(c ->
                        c.name("app").image("busybox:test").memory(16).healthCheck(h -> h.command("CMD", "true"))));
        assertThat(ecs.runTask(r -> r.cluster("ports").taskDefinition("checked"))
                        .failures())
                .extracting(f -> f.reason())
                .containsExactly("ATTRIBUTE");

        // StartTask on a named instance, and its failures
        var started = ecs.startTask(r -> r.cluster("ports")
                .taskDefinition("web")
                .containerInstances(other.get("containerInstanceArn").asText(), "0123456789abcdef0123456789abcdef"));
        assertThat(started.tasks()).hasSize(1);
        assertThat(started.tasks().getFirst().containerInstanceArn())
                .isEqualTo(other.get("containerInstanceArn").asText());
        assertThat(started.failures()).extracting(f -> f.reason()).containsExactly("MISSING");

        // ListTasks filters and pagination
        List<String> all = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListTasksResponse page =
                    ecs.listTasks(r -> r.cluster("ports").maxResults(1).nextToken(t));
            assertThat(page.taskArns()).hasSizeLessThanOrEqualTo(1);
            all.addAll(page.taskArns());
            token = page.nextToken();
        } while (token != null);
        assertThat(all)
                .containsExactlyInAnyOrder(
                        fixed.tasks().getFirst().taskArn(),
                        started.tasks().getFirst().taskArn());
        assertThat(ecs.listTasks(r -> r.cluster("ports").family("fixed")).taskArns())
                .containsExactly(fixed.tasks().getFirst().taskArn());
        assertThat(ecs.listTasks(r -> r.cluster("ports")
                                .containerInstance(
                                        other.get("containerInstanceArn").asText()))
                        .taskArns())
                .hasSize(2);
        assertThat(ecs.listTasks(r -> r.cluster("ports").serviceName("nope")).taskArns())
                .isEmpty();
        assertThat(ecs.listTasks(r -> r.cluster("ports").desiredStatus(DesiredStatus.PENDING))
                        .taskArns())
                .hasSize(2);

        // deregistering with --force stops the instance's tasks
        ecs.deregisterContainerInstance(r -> r.cluster("ports")
                .containerInstance(other.get("containerInstanceArn").asText())
                .force(true));
        Task gone = describe("ports", fixed.tasks().getFirst().taskArn());
        assertThat(gone.lastStatus()).isEqualTo("STOPPED");
        assertThat(gone.desiredStatus()).isEqualTo("STOPPED");
        assertThat(gone.stoppedAt()).isNotNull();
        var cluster = ecs.describeClusters(r -> r.clusters("ports")).clusters().getFirst();
        assertThat(cluster.pendingTasksCount() + cluster.runningTasksCount()).isZero();

        ecs.createCluster(r -> r.clusterName("empty"));
        assertThatThrownBy(() -> ecs.runTask(r -> r.cluster("empty").taskDefinition("web")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("No Container Instances were found");
    }

    @Test
    void badInputGetsEcsErrors() {
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("web").count(0)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("web").count(11)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("nope")))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("TaskDefinition not found.");
        assertThatThrownBy(() -> ecs.runTask(
                        r -> r.taskDefinition("web").overrides(o -> o.containerOverrides(c -> c.name("x")))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("web").launchType("FARGATE")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("web").enableExecuteCommand(true)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("web")
                        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Network Configuration");
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("web").startedBy("has spaces")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("web")
                        .placementStrategy(p -> p.type("binpack").field("disk"))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("web")
                        .placementConstraints(p -> p.type("memberOf").expression("attribute:x =="))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.stopTask(r -> r.task("not-a-task"))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.stopTask(r -> r.task("0123456789abcdef0123456789abcdef")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("The referenced task was not found.");
        var missing = ecs.describeTasks(r -> r.tasks("0123456789abcdef0123456789abcdef"));
        assertThat(missing.failures().getFirst().reason()).isEqualTo("MISSING");
        assertThatThrownBy(() -> ecs.listTasks(r -> r.nextToken("garbage")))
                .isInstanceOf(InvalidParameterException.class);
    }
}
