package dev.berth.ecs.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.EcsErrors;
import dev.berth.ecs.taskdef.TaskSize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a task definition plus RunTask/StartTask {@code overrides} into what a task needs: the
 * agent's TaskSpec (as JSON with the field names of {@code dev.berth.agent.engine.TaskSpec}, which
 * the control plane does not import), the reservation the scheduler places, and the initial
 * containers. The rules are the ones {@code docs/agent-task-engine.md} lists: {@code command}
 * replaces, {@code environment} entries merge over the definition's, {@code cpu}/{@code memory}/
 * {@code memoryReservation} replace; task-level cpu/memory overrides replace the definition's.
 *
 * <p>Pure functions; invalid overrides are {@code InvalidParameterException}s.
 */
public final class TaskSpecs {

    /** Everything derived from one task definition and its overrides. */
    public record Built(
            ObjectNode spec,
            StoredTask.Reservation reservation,
            List<StoredTask.TaskContainer> containers,
            String cpu,
            String memory) {}

    private TaskSpecs() {}

    /** The overrides checked against the definition: every containerOverride names one of its containers. */
    public static void checkOverrides(ObjectNode body, JsonNode overrides) {
        if (overrides == null || overrides.isNull()) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        body.path("containerDefinitions").forEach(c -> names.add(c.path("name").asText()));
        for (JsonNode o : overrides.path("containerOverrides")) {
            String name = o.path("name").asText(null);
            if (name == null || !names.contains(name)) {
                throw EcsErrors.invalidParameter(
                        "Override for container named " + name + " is not a container in the TaskDefinition.");
            }
        }
        TaskSize.parse(text(overrides, "cpu"), text(overrides, "memory"));
    }

    /** Builds the spec for task {@code taskArn} of {@code family:revision} in {@code cluster}. */
    public static Built build(
            String taskArn, String cluster, String family, long revision, ObjectNode body, JsonNode overrides) {
        JsonNode ov = overrides == null ? JsonNodeFactory.instance.objectNode() : overrides;
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        ov.path("containerOverrides").forEach(o -> byName.put(o.path("name").asText(), o));
        String cpu = ov.hasNonNull("cpu") ? ov.get("cpu").asText() : text(body, "cpu");
        String memory = ov.hasNonNull("memory") ? ov.get("memory").asText() : text(body, "memory");
        Integer taskCpu = cpu == null ? null : TaskSize.parseCpu(cpu);
        Integer taskMemory = memory == null ? null : TaskSize.parseMemory(memory);
        String networkMode = body.path("networkMode").asText("bridge");
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("taskArn", taskArn)
                .put("family", family)
                .put("revision", revision)
                .put("clusterName", cluster)
                .put("networkMode", networkMode);
        if (taskCpu != null) {
            spec.put("cpu", taskCpu);
        }
        if (taskMemory != null) {
            spec.put("memory", taskMemory);
        }
        ArrayNode specContainers = spec.putArray("containers");
        List<StoredTask.TaskContainer> containers = new ArrayList<>();
        int cpuSum = 0;
        int memSum = 0;
        List<Integer> tcp = new ArrayList<>();
        List<Integer> udp = new ArrayList<>();
        for (JsonNode def : body.path("containerDefinitions")) {
            ObjectNode c = ((ObjectNode) def).deepCopy();
            JsonNode o = byName.get(c.path("name").asText());
            Map<String, String> env = new LinkedHashMap<>();
            c.path("environment")
                    .forEach(e ->
                            env.put(e.path("name").asText(), e.path("value").asText("")));
            if (o != null) {
                if (o.has("command")) {
                    c.set("command", o.get("command").deepCopy());
                }
                if (o.has("environmentFiles")) {
                    c.set("environmentFiles", o.get("environmentFiles").deepCopy());
                }
                o.path("environment")
                        .forEach(e ->
                                env.put(e.path("name").asText(), e.path("value").asText("")));
                for (String f : List.of("cpu", "memory", "memoryReservation")) {
                    if (o.hasNonNull(f)) {
                        c.put(f, o.get(f).asInt());
                    }
                }
            }
            ObjectNode envNode = c.putObject("environment");
            env.forEach(envNode::put);
            specContainers.add(c);
            cpuSum += c.path("cpu").asInt(0);
            memSum += c.hasNonNull("memory")
                    ? c.get("memory").asInt()
                    : c.path("memoryReservation").asInt(0);
            for (JsonNode pm : c.path("portMappings")) {
                int host = networkMode.equals("host")
                        ? pm.path("containerPort").asInt()
                        : pm.path("hostPort").asInt(0);
                if (host > 0) {
                    (pm.path("protocol").asText("tcp").equals("udp") ? udp : tcp).add(host);
                }
            }
            containers.add(new StoredTask.TaskContainer(
                    UUID.randomUUID().toString(),
                    c.path("name").asText(),
                    c.path("image").asText(),
                    null,
                    null,
                    "PENDING",
                    null,
                    null,
                    List.of(),
                    "UNKNOWN",
                    String.valueOf(c.path("cpu").asInt(0)),
                    text(c, "memory"),
                    text(c, "memoryReservation")));
        }
        StoredTask.Reservation reservation = new StoredTask.Reservation(
                taskCpu != null ? taskCpu : cpuSum, taskMemory != null ? taskMemory : memSum, tcp, udp);
        return new Built(spec, reservation, containers, cpu, memory);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
