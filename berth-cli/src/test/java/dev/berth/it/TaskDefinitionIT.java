package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/** Task definitions and tags end to end: a real server, the SDK, and raw JSON for the full schema. */
class TaskDefinitionIT extends WithServer {

    static final String ECS = "AmazonEC2ContainerServiceV20141113.";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static EcsClient ecs;
    static RawClient raw;

    @BeforeAll
    static void clients() {
        ecs = server.ecs();
        raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
    }

    @AfterAll
    static void closeClients() {
        ecs.close();
    }

    static ContainerDefinition container(String name) {
        return ContainerDefinition.builder()
                .name(name)
                .image("127.0.0.1:4566/web:1")
                .memory(64)
                .build();
    }

    /** Every field of the full schema that goes in comes back out unchanged (cpu/memory normalized). */
    @Test
    void everyFieldOfTheSchemaRoundTrips() throws Exception {
        JsonNode input;
        try (InputStream in = getClass().getResourceAsStream("/taskdefs/everything.json")) {
            input = MAPPER.readTree(in);
        }
        RawClient.Response registered =
                raw.json("ecs", ECS + "RegisterTaskDefinition", MAPPER.writeValueAsBytes(input));
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        JsonNode reg = MAPPER.readTree(registered.body());
        assertThat(reg.path("tags").get(0).path("key").asText()).isEqualTo("team");

        RawClient.Response described = raw.json(
                "ecs",
                ECS + "DescribeTaskDefinition",
                "{\"taskDefinition\":\"everything\",\"include\":[\"TAGS\"]}".getBytes());
        JsonNode td = MAPPER.readTree(described.body()).path("taskDefinition");
        ObjectNode expected = input.deepCopy();
        expected.remove("tags");
        expected.put("cpu", "1024");
        expected.put("memory", "2048");
        List<String> differences = new ArrayList<>();
        contains(expected, td, "", differences);
        assertThat(differences).isEmpty();
        assertThat(td.path("taskDefinitionArn").asText())
                .isEqualTo("arn:aws:ecs:us-east-1:000000000000:task-definition/everything:1");
        assertThat(td.path("revision").asInt()).isEqualTo(1);
        assertThat(td.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(td.path("registeredBy").asText()).isEqualTo("arn:aws:iam::000000000000:root");
        assertThat(td.path("registeredAt").isNumber()).isTrue();
        assertThat(td.path("compatibilities").toString()).contains("EC2");
        assertThat(td.path("requiresAttributes").toString())
                .contains("com.amazonaws.ecs.capability.logging-driver.awslogs");
        assertThat(MAPPER.readTree(described.body())
                        .path("tags")
                        .get(0)
                        .path("value")
                        .asText())
                .isEqualTo("web");
    }

    static void contains(JsonNode expected, JsonNode actual, String path, List<String> differences) {
        if (expected.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = expected.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode a = actual == null ? null : actual.get(e.getKey());
                if (a == null) {
                    differences.add(path + "." + e.getKey() + " missing");
                } else {
                    contains(e.getValue(), a, path + "." + e.getKey(), differences);
                }
            }
        } else if (expected.isArray()) {
            if (actual == null || !actual.isArray() || actual.size() != expected.size()) {
                differences.add(path + " expected " + expected + " got " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                contains(expected.get(i), actual.get(i), path + "[" + i + "]", differences);
            }
        } else if (!expected.equals(actual)) {
            differences.add(path + " expected " + expected + " got " + actual);
        }
    }

    @Test
    void revisionsDescribeForms() {
        TaskDefinition one = ecs.registerTaskDefinition(r -> r.family("forms").containerDefinitions(container("a")))
                .taskDefinition();
        TaskDefinition two = ecs.registerTaskDefinition(r -> r.family("forms").containerDefinitions(container("b")))
                .taskDefinition();
        assertThat(one.revision()).isEqualTo(1);
        assertThat(two.revision()).isEqualTo(2);
        assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition("forms"))
                        .taskDefinition()
                        .revision())
                .isEqualTo(2);
        assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition("forms:1"))
                        .taskDefinition()
                        .containerDefinitions()
                        .getFirst()
                        .name())
                .isEqualTo("a");
        assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition(one.taskDefinitionArn()))
                        .taskDefinition()
                        .revision())
                .isEqualTo(1);
        assertThatThrownBy(() -> ecs.describeTaskDefinition(r -> r.taskDefinition("forms:3")))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("Unable to describe task definition.");

        ecs.deregisterTaskDefinition(r -> r.taskDefinition("forms:2"));
        TaskDefinition latest =
                ecs.describeTaskDefinition(r -> r.taskDefinition("forms")).taskDefinition();
        assertThat(latest.revision())
                .as("latest ACTIVE revision after deregistering 2")
                .isEqualTo(1);
        TaskDefinition inactive =
                ecs.describeTaskDefinition(r -> r.taskDefinition("forms:2")).taskDefinition();
        assertThat(inactive.status()).isEqualTo(TaskDefinitionStatus.INACTIVE);
        assertThat(inactive.deregisteredAt()).isNotNull();
        assertThatThrownBy(() -> ecs.deregisterTaskDefinition(r -> r.taskDefinition("forms")))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("revision");
    }

    @Test
    void listingFiltersSortsAndPaginates() {
        for (int i = 0; i < 5; i++) {
            ecs.registerTaskDefinition(r -> r.family("listme").containerDefinitions(container("a")));
        }
        ecs.registerTaskDefinition(r -> r.family("listme-too").containerDefinitions(container("a")));
        List<String> asc =
                ecs
                        .listTaskDefinitionsPaginator(
                                r -> r.familyPrefix("listme").maxResults(2))
                        .taskDefinitionArns()
                        .stream()
                        .toList();
        assertThat(asc).hasSize(5).allMatch(a -> a.contains("task-definition/listme:"));
        assertThat(asc.getFirst()).endsWith("listme:1");
        List<String> desc = ecs
                .listTaskDefinitionsPaginator(
                        r -> r.familyPrefix("listme").sort(SortOrder.DESC).maxResults(2))
                .taskDefinitionArns()
                .stream()
                .toList();
        assertThat(desc).containsExactlyElementsOf(asc.reversed());

        ecs.deregisterTaskDefinition(r -> r.taskDefinition("listme:3"));
        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("listme")).taskDefinitionArns())
                .hasSize(4);
        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("listme").status(TaskDefinitionStatus.INACTIVE))
                        .taskDefinitionArns())
                .singleElement()
                .satisfies(a -> assertThat(a).endsWith("listme:3"));

        assertThat(ecs.listTaskDefinitionFamilies(r -> r.familyPrefix("listme")).families())
                .containsExactly("listme", "listme-too");
        ecs.deregisterTaskDefinition(r -> r.taskDefinition("listme-too:1"));
        assertThat(ecs.listTaskDefinitionFamilies(r -> r.familyPrefix("listme")).families())
                .containsExactly("listme");
        assertThat(ecs.listTaskDefinitionFamilies(
                                r -> r.familyPrefix("listme").status(TaskDefinitionFamilyStatus.INACTIVE))
                        .families())
                .containsExactly("listme-too");
        assertThat(ecs.listTaskDefinitionFamilies(r -> r.familyPrefix("listme").status(TaskDefinitionFamilyStatus.ALL))
                        .families())
                .containsExactly("listme", "listme-too");
    }

    @Test
    void deleteNeedsDeregistrationFirst() {
        ecs.registerTaskDefinition(r -> r.family("gone").containerDefinitions(container("a")));
        ecs.registerTaskDefinition(r -> r.family("gone").containerDefinitions(container("a")));
        ecs.deregisterTaskDefinition(r -> r.taskDefinition("gone:1"));
        var result = ecs.deleteTaskDefinitions(r -> r.taskDefinitions("gone:1", "gone:2", "gone:9"));
        assertThat(result.taskDefinitions()).singleElement().satisfies(td -> {
            assertThat(td.revision()).isEqualTo(1);
            assertThat(td.status()).isEqualTo(TaskDefinitionStatus.DELETE_IN_PROGRESS);
        });
        assertThat(result.failures()).hasSize(2);
        assertThat(result.failures().get(0).reason()).contains("INACTIVE");
        assertThat(result.failures().get(1).reason()).contains("does not exist");
        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("gone").status(TaskDefinitionStatus.DELETE_IN_PROGRESS))
                        .taskDefinitionArns())
                .hasSize(1);
    }

    @Test
    void validationErrorsComeFromTheRules() {
        assertThatThrownBy(() -> ecs.registerTaskDefinition(
                        r -> r.family("bad").containerDefinitions(container("same"), container("same"))))
                .isInstanceOf(ClientException.class);
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("bad")
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .networkMode(NetworkMode.AWSVPC)
                        .cpu("256")
                        .memory("4096")
                        .containerDefinitions(container("a"))))
                .isInstanceOf(ClientException.class);
        assertThatThrownBy(() ->
                        ecs.registerTaskDefinition(r -> r.family("bad name").containerDefinitions(container("a"))))
                .isInstanceOf(ClientException.class);
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("bad")
                        .containerDefinitions(container("a"))
                        .placementConstraints(c -> c.type("memberOf").expression("attribute:ecs.instance-type == ("))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("position");
        assertThat(ecs.listTaskDefinitionFamilies(r -> r.familyPrefix("bad")).families())
                .isEmpty();
    }

    @Test
    void tagsOnTaskDefinitionsAndClusters() {
        String arn = ecs.registerTaskDefinition(r -> r.family("tagged")
                        .containerDefinitions(container("a"))
                        .tags(Tag.builder().key("a").value("1").build()))
                .taskDefinition()
                .taskDefinitionArn();
        ecs.tagResource(r -> r.resourceArn(arn)
                .tags(
                        Tag.builder().key("b").value("2").build(),
                        Tag.builder().key("a").value("3").build()));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(arn)).tags())
                .extracting(t -> t.key() + "=" + t.value())
                .containsExactly("a=3", "b=2");
        ecs.untagResource(r -> r.resourceArn(arn).tagKeys("a"));
        assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition(arn).include(TaskDefinitionField.TAGS))
                        .tags())
                .extracting(Tag::key)
                .containsExactly("b");

        String clusterArn =
                ecs.createCluster(r -> r.clusterName("tagged")).cluster().clusterArn();
        List<Tag> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add(Tag.builder().key("k" + i).value("v").build());
        }
        ecs.tagResource(r -> r.resourceArn(clusterArn).tags(fifty));
        assertThatThrownBy(() -> ecs.tagResource(r -> r.resourceArn(clusterArn)
                        .tags(Tag.builder().key("one-more").value("x").build())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("at most 50");
        assertThatThrownBy(() ->
                        ecs.untagResource(r -> r.resourceArn(clusterArn).tagKeys("aws:cloudformation:stack-name")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.listTagsForResource(
                        r -> r.resourceArn("arn:aws:ecs:us-east-1:000000000000:task-definition/nope:1")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> ecs.listTagsForResource(r -> r.resourceArn("not-an-arn")))
                .isInstanceOf(InvalidParameterException.class);
    }
}
