package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceField;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

/**
 * An agent whose Docker Engine does not answer reports its container runtime IMPAIRED with its
 * polls: DescribeContainerInstances shows it (include CONTAINER_INSTANCE_HEALTH) and RunTask places
 * elsewhere, or fails with reason AGENT. The agents are played by hand; the real dockerd is untouched.
 */
class RuntimeHealthIT {

    static TestServer server;
    static EcsClient ecs;
    static HandAgent hand;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        ecs = server.ecs();
        hand = new HandAgent(server);
        ecs.createCluster(r -> r.clusterName("rt"));
        ecs.registerTaskDefinition(r -> r.family("small")
                .containerDefinitions(
                        c -> c.name("app").image("busybox:test").memory(64).essential(true)));
    }

    @AfterAll
    static void stop() {
        ecs.close();
        server.close();
    }

    static ContainerInstance instance(JsonNode reg) {
        return ecs.describeContainerInstances(r -> r.cluster("rt")
                        .containerInstances(reg.get("containerInstanceArn").asText())
                        .include(ContainerInstanceField.CONTAINER_INSTANCE_HEALTH))
                .containerInstances()
                .getFirst();
    }

    @Test
    void impairedRuntimeIsShownAndSkippedByPlacement() throws Exception {
        JsonNode a = hand.register("rt", TestAddresses.RUNTIME_HEALTH.ip(0), 1024);
        JsonNode b = hand.register("rt", TestAddresses.RUNTIME_HEALTH.ip(1), 1024);
        assertThat(instance(a).healthStatus().overallStatusAsString()).isEqualTo("INSUFFICIENT_DATA");
        hand.poll(a, "IMPAIRED");
        hand.poll(b, "OK");

        ContainerInstance ia = instance(a);
        assertThat(ia.healthStatus().overallStatusAsString()).isEqualTo("IMPAIRED");
        assertThat(ia.healthStatus().details()).singleElement().satisfies(d -> {
            assertThat(d.typeAsString()).isEqualTo("CONTAINER_RUNTIME");
            assertThat(d.statusAsString()).isEqualTo("IMPAIRED");
            assertThat(d.lastUpdated()).isNotNull();
            assertThat(d.lastStatusChange()).isNotNull();
        });
        assertThat(instance(b).healthStatus().overallStatusAsString()).isEqualTo("OK");
        assertThat(ia.agentConnected()).isTrue();

        RunTaskResponse run =
                ecs.runTask(r -> r.cluster("rt").taskDefinition("small").count(4));
        assertThat(run.tasks()).hasSize(4).allSatisfy(t -> assertThat(t.containerInstanceArn())
                .isEqualTo(b.get("containerInstanceArn").asText()));
        assertThat(run.failures()).isEmpty();

        hand.poll(b, "IMPAIRED");
        RunTaskResponse none = ecs.runTask(r -> r.cluster("rt").taskDefinition("small"));
        assertThat(none.tasks()).isEmpty();
        assertThat(none.failures()).extracting(Failure::reason).containsOnly("AGENT");
        assertThat(none.failures())
                .extracting(Failure::arn)
                .contains(a.get("containerInstanceArn").asText());

        hand.poll(a, "OK");
        RunTaskResponse back = ecs.runTask(r -> r.cluster("rt").taskDefinition("small"));
        assertThat(back.tasks()).singleElement().satisfies(t -> assertThat(t.containerInstanceArn())
                .isEqualTo(a.get("containerInstanceArn").asText()));

        RawClient.Response bad = hand.call(
                "GET",
                HandAgent.path(a) + "/desired?wait=0&runtime=SICK",
                a.get("secret").asText(),
                null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("InvalidParameterException");
    }

    @Test
    void anAgentWhoseDockerEngineIsUnreachableReportsItselfImpaired() throws Exception {
        ecs.createCluster(r -> r.clusterName("nodocker"));
        TestAgents agents = new TestAgents(server);
        java.net.URI nowhere = java.net.URI.create("unix:///tmp/berth-no-docker-" + System.nanoTime() + ".sock");
        try {
            String arn = agents.start(
                            "nodocker",
                            TestAddresses.RUNTIME_HEALTH.ip(2),
                            "t3.small",
                            java.util.Map.of(),
                            TestAgents.newDataDir(),
                            dev.berth.agent.engine.ImagePullBehavior.PREFER_CACHED,
                            TestAgents.HOST,
                            nowhere)
                    .awaitRegistered(java.time.Duration.ofSeconds(20));
            ContainerInstance ci = null;
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                ci = ecs.describeContainerInstances(r -> r.cluster("nodocker")
                                .containerInstances(arn)
                                .include(ContainerInstanceField.CONTAINER_INSTANCE_HEALTH))
                        .containerInstances()
                        .getFirst();
                if (ci.healthStatus().overallStatusAsString().equals("IMPAIRED")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(ci.healthStatus().overallStatusAsString()).isEqualTo("IMPAIRED");
            RunTaskResponse run = ecs.runTask(r -> r.cluster("nodocker").taskDefinition("small"));
            assertThat(run.tasks()).isEmpty();
            assertThat(run.failures()).extracting(Failure::reason).containsExactly("AGENT");
        } finally {
            agents.close();
        }
    }
}
