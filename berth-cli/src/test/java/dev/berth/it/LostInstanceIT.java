package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.agent.engine.ImagePullBehavior;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * An instance whose agent goes silent past heartbeat timeout + lost-instance timeout gets its tasks
 * STOPPED by the server with ECS's wording, its resources back, and a reconnecting agent's poll no
 * longer lists them (so the agent stops whatever it still runs). The agent is played by hand.
 */
class LostInstanceIT {

    static TestServer server;
    static EcsClient ecs;
    static HandAgent hand;

    @BeforeAll
    static void start() {
        server = TestServer.start(false, Duration.ofSeconds(1), ImagePullBehavior.PREFER_CACHED, Duration.ofSeconds(2));
        ecs = server.ecs();
        hand = new HandAgent(server);
        ecs.createCluster(r -> r.clusterName("lost"));
        ecs.registerTaskDefinition(r -> r.family("web").containerDefinitions(c -> c.name("web")
                .image("busybox:test")
                .memory(256)
                .cpu(128)
                .essential(true)
                .portMappings(p -> p.containerPort(80).hostPort(8080))));
    }

    @AfterAll
    static void stop() {
        ecs.close();
        server.close();
    }

    static ContainerInstance instance(JsonNode reg) {
        return ecs.describeContainerInstances(r -> r.cluster("lost")
                        .containerInstances(reg.get("containerInstanceArn").asText()))
                .containerInstances()
                .getFirst();
    }

    @Test
    void tasksOfASilentInstanceAreStoppedWithTheReasonAndTheReconnectedAgentIsNotAskedToRunThem() throws Exception {
        JsonNode reg = hand.register("lost", TestAddresses.LOST_INSTANCE.ip(0), 1024);
        hand.seq = reg.get("highestSeq").asLong();
        String arn = ecs.runTask(r -> r.cluster("lost").taskDefinition("web"))
                .tasks()
                .getFirst()
                .taskArn();
        assertThat(hand.desired(reg).get("tasks")).hasSize(1);
        hand.report(reg, arn, "RUNNING", "web", null, 8080);
        assertThat(instance(reg).runningTasksCount()).isEqualTo(1);

        // silent: 1 s heartbeat timeout + 2 s lost timeout, swept every second
        Task stopped = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(250);
            stopped =
                    ecs.describeTasks(r -> r.cluster("lost").tasks(arn)).tasks().getFirst();
            if (stopped.lastStatus().equals("STOPPED")) {
                break;
            }
        }
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCodeAsString()).isEqualTo("TerminationNotice");
        assertThat(stopped.stoppedReason())
                .isEqualTo("Task stopped because the container instance's agent was"
                        + " disconnected for longer than the lost-instance timeout (2 s)");
        assertThat(stopped.stoppedAt()).isNotNull();
        ContainerInstance ci = instance(reg);
        assertThat(ci.agentConnected()).isFalse();
        assertThat(ci.status()).isEqualTo("ACTIVE");
        assertThat(ci.runningTasksCount()).isZero();
        assertThat(ci.remainingResources())
                .filteredOn(r -> r.name().equals("MEMORY"))
                .first()
                .satisfies(r -> assertThat(r.integerValue()).isEqualTo(1024));
        assertThat(ci.remainingResources())
                .filteredOn(r -> r.name().equals("PORTS"))
                .first()
                .satisfies(r -> assertThat(r.stringSetValue()).containsExactly("22"));
        assertThat(ecs.listTasks(r -> r.cluster("lost").desiredStatus(DesiredStatus.STOPPED))
                        .taskArns())
                .containsExactly(arn);

        // the agent comes back: connected again, and the task is not in its desired state any more
        assertThat(hand.desired(reg).get("tasks")).isEmpty();
        assertThat(instance(reg).agentConnected()).isTrue();
        // its late report of the container it stopped changes nothing
        hand.report(reg, arn, "STOPPED", "web", 137, 8080);
        Task after =
                ecs.describeTasks(r -> r.cluster("lost").tasks(arn)).tasks().getFirst();
        assertThat(after.stopCodeAsString()).isEqualTo("TerminationNotice");
        assertThat(instance(reg).remainingResources())
                .filteredOn(r -> r.name().equals("MEMORY"))
                .first()
                .satisfies(r -> assertThat(r.integerValue()).isEqualTo(1024));
    }
}
