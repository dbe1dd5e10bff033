package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.cli.agent.Agent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.AttributeLimitExceededException;
import software.amazon.awssdk.services.ecs.model.ClusterContainsContainerInstancesException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceField;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TargetNotFoundException;
import software.amazon.awssdk.services.ecs.model.TargetType;

/**
 * Container instances end to end: real agents (in-process, each with its own loopback IP and
 * attributes) register with a real server over HTTP; the AWS SDK's ECS client describes, filters,
 * drains, tags, attributes and deregisters them. The heartbeat timeout is 3 s so that a stopped
 * agent shows as disconnected quickly.
 */
class ContainerInstanceIT {

    static TestServer server;
    static EcsClient ecs;
    static TestAgents agents;
    static String blue;
    static String green;
    static String greenLarge;

    @BeforeAll
    static void start() {
        server = TestServer.start(false, Duration.ofSeconds(3));
        ecs = server.ecs();
        agents = new TestAgents(server);
        ecs.createCluster(r -> r.clusterName("prod"));
        blue = agents.start(
                        "prod",
                        TestAddresses.CONTAINER_INSTANCE.ip(0),
                        "t3.small",
                        Map.of("stack", "blue"),
                        TestAgents.newDataDir())
                .containerInstanceArn()
                .orElseThrow();
        green = agents.start(
                        "prod",
                        TestAddresses.CONTAINER_INSTANCE.ip(1),
                        "t3.small",
                        Map.of("stack", "green"),
                        TestAgents.newDataDir())
                .containerInstanceArn()
                .orElseThrow();
        greenLarge = agents.start(
                        "prod",
                        TestAddresses.CONTAINER_INSTANCE.ip(2),
                        "t3.large",
                        Map.of("stack", "green"),
                        TestAgents.newDataDir())
                .containerInstanceArn()
                .orElseThrow();
    }

    @AfterAll
    static void stop() {
        agents.close();
        ecs.close();
        server.close();
    }

    static ContainerInstance describe(String cluster, String arn) {
        return ecs.describeContainerInstances(
                        r -> r.cluster(cluster).containerInstances(arn).include(ContainerInstanceField.TAGS))
                .containerInstances()
                .getFirst();
    }

    static List<String> list(String filter) {
        return ecs.listContainerInstances(r -> r.cluster("prod").filter(filter)).containerInstanceArns();
    }

    static String attribute(ContainerInstance ci, String name) {
        return ci.attributes().stream()
                .filter(a -> a.name().equals(name))
                .map(Attribute::value)
                .findFirst()
                .orElse("<absent>");
    }

    @Test
    void agentsRegisterWithEcsFields() {
        assertThat(blue).matches("arn:aws:ecs:us-east-1:000000000000:container-instance/prod/[0-9a-f]{32}");
        ContainerInstance ci = describe("prod", blue);
        assertThat(ci.ec2InstanceId()).matches("i-[0-9a-f]{17}");
        assertThat(ci.status()).isEqualTo("ACTIVE");
        assertThat(ci.agentConnected()).isTrue();
        assertThat(ci.runningTasksCount()).isZero();
        assertThat(ci.pendingTasksCount()).isZero();
        assertThat(ci.versionInfo().agentVersion()).isNotBlank();
        assertThat(ci.versionInfo().dockerVersion()).isEqualTo("unknown");
        assertThat(ci.registeredAt()).isBetween(Instant.now().minusSeconds(120), Instant.now());
        assertThat(ci.registeredResources())
                .extracting(Resource::name)
                .containsExactly("CPU", "MEMORY", "PORTS", "PORTS_UDP");
        assertThat(ci.registeredResources().get(0).integerValue()).isEqualTo(2048);
        assertThat(ci.registeredResources().get(1).integerValue()).isEqualTo(4096 - 256);
        assertThat(ci.registeredResources().get(2).stringSetValue())
                .containsExactly("22", "2375", "2376", "51678", "51679");
        assertThat(ci.remainingResources()).isEqualTo(ci.registeredResources());
        assertThat(attribute(ci, "ecs.instance-type")).isEqualTo("t3.small");
        assertThat(attribute(ci, "ecs.availability-zone")).isEqualTo("us-east-1a");
        assertThat(attribute(ci, "ecs.os-type")).isEqualTo("linux");
        assertThat(attribute(ci, "ecs.cpu-architecture")).isEqualTo("x86_64");
        assertThat(attribute(ci, "ecs.ami-id")).isEqualTo("ami-berth");
        assertThat(attribute(ci, "stack")).isEqualTo("blue");
        assertThat(ecs.describeClusters(r -> r.clusters("prod"))
                        .clusters()
                        .getFirst()
                        .registeredContainerInstancesCount())
                .isGreaterThanOrEqualTo(3);

        String id = blue.substring(blue.lastIndexOf('/') + 1);
        var mixed = ecs.describeContainerInstances(
                r -> r.cluster("prod").containerInstances(id, "0123456789abcdef0123456789abcdef"));
        assertThat(mixed.containerInstances())
                .extracting(ContainerInstance::containerInstanceArn)
                .containsExactly(blue);
        assertThat(mixed.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo("MISSING");
            assertThat(f.arn()).endsWith("container-instance/prod/0123456789abcdef0123456789abcdef");
        });
    }

    @Test
    void listFiltersWithTheClusterQueryLanguage() {
        assertThat(list("attribute:ecs.instance-type == t3.small")).containsExactlyInAnyOrder(blue, green);
        assertThat(list("attribute:stack == blue")).containsExactly(blue);
        assertThat(list("attribute:stack == green and attribute:ecs.instance-type =~ t3.l.*"))
                .containsExactly(greenLarge);
        assertThat(list("not(attribute:stack == green) or attribute:ecs.instance-type == t3.large"))
                .containsExactlyInAnyOrder(blue, greenLarge);
        String ec2 = describe("prod", green).ec2InstanceId();
        assertThat(list("ec2InstanceId == " + ec2)).containsExactly(green);
        assertThat(list("attribute:nope exists")).isEmpty();
        assertThatThrownBy(() -> list("attribute:stack ==="))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Invalid cluster query expression");
    }

    @Test
    void listPaginates() {
        List<String> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            ListContainerInstancesResponse page = ecs.listContainerInstances(
                    r -> r.cluster("prod").maxResults(1).nextToken(t).filter("attribute:ecs.os-type == linux"));
            assertThat(page.containerInstanceArns()).hasSizeLessThanOrEqualTo(1);
            all.addAll(page.containerInstanceArns());
            token = page.nextToken();
            pages++;
        } while (token != null && pages < 20);
        assertThat(all).contains(blue, green, greenLarge).doesNotHaveDuplicates();
        assertThatThrownBy(
                        () -> ecs.listContainerInstances(r -> r.cluster("prod").nextToken("garbage")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.listContainerInstances(r -> r.cluster("nope")))
                .isInstanceOf(ClusterNotFoundException.class);
    }

    @Test
    void drainAndReactivate() {
        var out = ecs.updateContainerInstancesState(
                r -> r.cluster("prod").containerInstances(greenLarge, "nope").status(ContainerInstanceStatus.DRAINING));
        assertThat(out.containerInstances()).singleElement().satisfies(ci -> assertThat(ci.status())
                .isEqualTo("DRAINING"));
        assertThat(out.failures()).singleElement().satisfies(f -> assertThat(f.reason())
                .isEqualTo("MISSING"));
        assertThat(ecs.listContainerInstances(r -> r.cluster("prod").status(ContainerInstanceStatus.DRAINING))
                        .containerInstanceArns())
                .containsExactly(greenLarge);
        assertThat(ecs.listContainerInstances(r -> r.cluster("prod")).containerInstanceArns())
                .contains(greenLarge);
        assertThatThrownBy(() -> ecs.updateContainerInstancesState(r ->
                        r.cluster("prod").containerInstances(greenLarge).status(ContainerInstanceStatus.REGISTERING)))
                .isInstanceOf(InvalidParameterException.class);
        ecs.updateContainerInstancesState(
                r -> r.cluster("prod").containerInstances(greenLarge).status(ContainerInstanceStatus.ACTIVE));
        assertThat(describe("prod", greenLarge).status()).isEqualTo("ACTIVE");
    }

    @Test
    void attributesPutListDelete() {
        ecs.putAttributes(r -> r.cluster("prod")
                .attributes(
                        Attribute.builder()
                                .name("team")
                                .value("payments")
                                .targetId(green)
                                .build(),
                        Attribute.builder().name("gpu").targetId(green).build()));
        assertThat(attribute(describe("prod", green), "team")).isEqualTo("payments");
        assertThat(list("attribute:team == payments")).containsExactly(green);
        assertThat(list("attribute:gpu exists")).containsExactly(green);
        var listed = ecs.listAttributes(
                r -> r.cluster("prod").targetType(TargetType.CONTAINER_INSTANCE).attributeName("team"));
        assertThat(listed.attributes()).singleElement().satisfies(a -> {
            assertThat(a.value()).isEqualTo("payments");
            assertThat(a.targetId()).isEqualTo(green);
        });
        assertThat(ecs.listAttributes(r -> r.cluster("prod")
                                .targetType(TargetType.CONTAINER_INSTANCE)
                                .attributeName("ecs.os-type")
                                .attributeValue("linux"))
                        .attributes())
                .hasSizeGreaterThanOrEqualTo(3);
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            var page = ecs.listAttributes(r -> r.cluster("prod")
                    .targetType(TargetType.CONTAINER_INSTANCE)
                    .maxResults(3)
                    .nextToken(t));
            assertThat(page.attributes()).hasSizeLessThanOrEqualTo(3);
            page.attributes().forEach(a -> names.add(a.targetId() + " " + a.name()));
            token = page.nextToken();
        } while (token != null);
        assertThat(names)
                .doesNotHaveDuplicates()
                .contains(green + " team", blue + " stack", greenLarge + " ecs.ami-id");

        ecs.deleteAttributes(r -> r.cluster("prod")
                .attributes(
                        Attribute.builder().name("team").targetId(green).build(),
                        Attribute.builder().name("gpu").targetId(green).build()));
        assertThat(attribute(describe("prod", green), "team")).isEqualTo("<absent>");

        assertThatThrownBy(() -> ecs.putAttributes(r -> r.cluster("prod")
                        .attributes(Attribute.builder()
                                .name("ecs.os-type")
                                .value("windows")
                                .targetId(green)
                                .build())))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.putAttributes(r -> r.cluster("prod")
                        .attributes(Attribute.builder()
                                .name("x")
                                .value("bad value!")
                                .targetId(green)
                                .build())))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.putAttributes(r -> r.cluster("prod")
                        .attributes(Attribute.builder()
                                .name("x")
                                .value("1")
                                .targetId("0123456789abcdef0123456789abcdef")
                                .build())))
                .isInstanceOf(TargetNotFoundException.class)
                .hasMessageContaining("Could not find");
        List<Attribute> eleven = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            eleven.add(
                    Attribute.builder().name("a" + i).value("v").targetId(blue).build());
        }
        assertThatThrownBy(() -> ecs.putAttributes(r -> r.cluster("prod").attributes(eleven)))
                .isInstanceOf(AttributeLimitExceededException.class);
        assertThat(attribute(describe("prod", blue), "a0"))
                .as("nothing applied")
                .isEqualTo("<absent>");
    }

    @Test
    void tagsOnContainerInstances() {
        ecs.tagResource(r ->
                r.resourceArn(blue).tags(Tag.builder().key("owner").value("ops").build()));
        assertThat(describe("prod", blue).tags()).extracting(Tag::key).containsExactly("owner");
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(blue)).tags())
                .extracting(Tag::value)
                .containsExactly("ops");
        ecs.untagResource(r -> r.resourceArn(blue).tagKeys("owner"));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(blue)).tags()).isEmpty();
        assertThatThrownBy(() -> ecs.tagResource(r -> r.resourceArn(
                                "arn:aws:ecs:us-east-1:000000000000:container-instance/prod/0123456789abcdef0123456789abcdef")
                        .tags(Tag.builder().key("k").value("v").build())))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void aStoppedAgentDisconnectsAndARestartKeepsTheArn() {
        var dir = TestAgents.newDataDir();
        Agent first = agents.start("prod", TestAddresses.CONTAINER_INSTANCE.ip(3), "t3.micro", Map.of(), dir);
        String arn = first.containerInstanceArn().orElseThrow();
        assertThat(describe("prod", arn).agentConnected()).isTrue();
        first.close();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> !describe("prod", arn).agentConnected());
        assertThat(list("agentConnected == false")).contains(arn);

        Agent again = agents.start("prod", TestAddresses.CONTAINER_INSTANCE.ip(3), "t3.medium", Map.of(), dir);
        assertThat(again.containerInstanceArn()).contains(arn);
        ContainerInstance ci = describe("prod", arn);
        assertThat(ci.agentConnected()).isTrue();
        assertThat(attribute(ci, "ecs.instance-type")).isEqualTo("t3.medium");
        ecs.deregisterContainerInstance(r -> r.cluster("prod").containerInstance(arn));
    }

    @Test
    void deregisterMakesTheInstanceInactiveAndStopsItsAgent() {
        Agent agent = agents.start(
                "prod", TestAddresses.CONTAINER_INSTANCE.ip(4), "t3.micro", Map.of(), TestAgents.newDataDir());
        String arn = agent.containerInstanceArn().orElseThrow();
        long before = ecs.describeClusters(r -> r.clusters("prod"))
                .clusters()
                .getFirst()
                .registeredContainerInstancesCount();
        ContainerInstance gone = ecs.deregisterContainerInstance(
                        r -> r.cluster("prod").containerInstance(arn).force(true))
                .containerInstance();
        assertThat(gone.status()).isEqualTo("INACTIVE");
        assertThat(gone.agentConnected()).isFalse();
        assertThat(describe("prod", arn).status()).isEqualTo("INACTIVE");
        assertThat(ecs.listContainerInstances(r -> r.cluster("prod")).containerInstanceArns())
                .doesNotContain(arn);
        assertThat(ecs.listContainerInstances(r -> r.cluster("prod").status(ContainerInstanceStatus.DEREGISTERING))
                        .containerInstanceArns())
                .isEmpty();
        assertThat(ecs.describeClusters(r -> r.clusters("prod"))
                        .clusters()
                        .getFirst()
                        .registeredContainerInstancesCount())
                .isEqualTo(before - 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.state() == Agent.State.DEREGISTERED);
        assertThatThrownBy(() ->
                        ecs.deregisterContainerInstance(r -> r.cluster("prod").containerInstance(arn)))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void registeringIntoDefaultCreatesTheDefaultCluster() {
        String arn = agents.start(
                        "default",
                        TestAddresses.CONTAINER_INSTANCE.ip(5),
                        "t3.micro",
                        Map.of(),
                        TestAgents.newDataDir())
                .containerInstanceArn()
                .orElseThrow();
        assertThat(ecs.describeClusters(r -> r.clusters("default"))
                        .clusters()
                        .getFirst()
                        .status())
                .isEqualTo("ACTIVE");
        assertThat(ecs.listContainerInstances(r -> r.cluster("default")).containerInstanceArns())
                .containsExactly(arn);
        assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster("default")))
                .isInstanceOf(ClusterContainsContainerInstancesException.class);
        ecs.deregisterContainerInstance(r -> r.cluster("default").containerInstance(arn));
        ecs.deleteCluster(r -> r.cluster("default"));
    }
}
