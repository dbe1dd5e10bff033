package dev.berth.ecs.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import org.junit.jupiter.api.Test;

/** The override rules of docs/agent-task-engine.md, and what a task reserves. */
class TaskSpecsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ARN = "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef0123456789abcdef";

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s);
    }

    static final String BODY = """
            {"family":"web","containerDefinitions":[
              {"name":"web","image":"img","cpu":256,"memory":128,"command":["a"],
               "environment":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
               "portMappings":[{"containerPort":80},{"containerPort":53,"hostPort":5353,"protocol":"udp"}]},
              {"name":"side","image":"img2","memoryReservation":64,"portMappings":[{"containerPort":81,"hostPort":8081}]}]}""";

    @Test
    void overridesReplaceCommandAndLimitsAndMergeEnvironment() throws Exception {
        TaskSpecs.Built b = TaskSpecs.build(ARN, "c", "web", 3, json(BODY), json("""
                {"containerOverrides":[{"name":"web","command":["b","c"],"memory":256,
                  "environment":[{"name":"B","value":"x"},{"name":"C","value":"3"}]}]}"""));
        var web = b.spec().get("containers").get(0);
        assertThat(web.get("command").toString()).isEqualTo("[\"b\",\"c\"]");
        assertThat(web.get("environment").toString()).isEqualTo("{\"A\":\"1\",\"B\":\"x\",\"C\":\"3\"}");
        assertThat(web.get("memory").asInt()).isEqualTo(256);
        assertThat(b.spec().get("taskArn").asText()).isEqualTo(ARN);
        assertThat(b.spec().get("revision").asInt()).isEqualTo(3);
        assertThat(b.spec().get("networkMode").asText()).isEqualTo("bridge");
        assertThat(b.spec().has("cpu")).isFalse();
        // cpu: sum of containers; memory: hard limit, else reservation; only static host ports reserve
        assertThat(b.reservation())
                .isEqualTo(new StoredTask.Reservation(256, 256 + 64, java.util.List.of(8081), java.util.List.of(5353)));
        assertThat(b.containers()).extracting(StoredTask.TaskContainer::name).containsExactly("web", "side");
        assertThat(b.containers().get(0).memory()).isEqualTo("256");
    }

    @Test
    void taskLevelSizeAndItsOverrideWinTheReservation() throws Exception {
        ObjectNode body = json(BODY);
        body.put("cpu", "1 vCPU").put("memory", "1GB");
        TaskSpecs.Built defined = TaskSpecs.build(ARN, "c", "web", 1, body, null);
        assertThat(defined.reservation().cpu()).isEqualTo(1024);
        assertThat(defined.reservation().memory()).isEqualTo(1024);
        assertThat(defined.spec().get("memory").asInt()).isEqualTo(1024);
        TaskSpecs.Built overridden =
                TaskSpecs.build(ARN, "c", "web", 1, body, json("{\"cpu\":\"512\",\"memory\":\"2048\"}"));
        assertThat(overridden.reservation().cpu()).isEqualTo(512);
        assertThat(overridden.reservation().memory()).isEqualTo(2048);
        assertThat(overridden.cpu()).isEqualTo("512");
    }

    @Test
    void hostModeReservesTheContainerPorts() throws Exception {
        ObjectNode body = json(BODY);
        body.put("networkMode", "host");
        assertThat(TaskSpecs.build(ARN, "c", "web", 1, body, null).reservation().tcpPorts())
                .containsExactly(80, 81);
    }

    @Test
    void overridesMustNameContainersOfTheDefinition() throws Exception {
        assertThatThrownBy(() ->
                        TaskSpecs.checkOverrides(json(BODY), json("{\"containerOverrides\":[{\"name\":\"nope\"}]}")))
                .isInstanceOf(AwsException.class)
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> TaskSpecs.checkOverrides(json(BODY), json("{\"memory\":\"lots\"}")))
                .isInstanceOf(AwsException.class);
        TaskSpecs.checkOverrides(json(BODY), json("{\"containerOverrides\":[{\"name\":\"side\"}],\"cpu\":\"256\"}"));
    }

    @Test
    void lifecycleBucketsAndOrder() {
        assertThat(TaskLifecycle.RUNNING.isAfter(TaskLifecycle.PENDING)).isTrue();
        assertThat(TaskLifecycle.PENDING.isAfter(TaskLifecycle.RUNNING)).isFalse();
        assertThat(TaskLifecycle.ACTIVATING.bucket()).isEqualTo(TaskLifecycle.Bucket.PENDING);
        assertThat(TaskLifecycle.STOPPING.bucket()).isEqualTo(TaskLifecycle.Bucket.RUNNING);
        assertThat(TaskLifecycle.STOPPED.bucket()).isEqualTo(TaskLifecycle.Bucket.NONE);
        assertThat(TaskLifecycle.parse("running")).isEqualTo(TaskLifecycle.RUNNING);
        assertThat(TaskLifecycle.parse("SLEEPING")).isNull();
    }
}
