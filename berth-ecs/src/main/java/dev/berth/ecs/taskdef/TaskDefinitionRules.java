package dev.berth.ecs.taskdef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * Turns a model-valid {@code RegisterTaskDefinition} request into the {@code TaskDefinition} body ECS would
 * store, or rejects it with the error ECS would return.
 *
 * <p>This is the single entry point of the package. The API handler calls it after the generic service-model
 * validation and before anything is written, so a bad request never leaves a half-registered revision. The
 * result carries every member DescribeTaskDefinition returns except the ones that depend on the store or the
 * caller ({@code taskDefinitionArn}, {@code revision}, {@code status}, {@code registeredAt},
 * {@code registeredBy}), which the handler adds, and {@code tags}, which are stored separately.
 *
 * <p>Rules run in a fixed order so the first error is the one ECS would report first: family, container list,
 * task size, volumes, the required launch types, each container, ports, cross-container references, task-wide
 * sums, then the remaining task-level settings.
 */
public final class TaskDefinitionRules {

    private TaskDefinitionRules() {}

    /** Validates and normalizes with no placement expression parser (expressions are only length-checked). */
    public static ObjectNode validate(ObjectNode request) {
        return validate(request, PlacementExpressionCheck.ACCEPT_ALL);
    }

    /**
     * Validates {@code request} (left unchanged) and returns a new {@code TaskDefinition} body.
     *
     * @param expressions validates the Cluster Query Language of each {@code memberOf} constraint
     * @throws dev.berth.model.error.AwsException {@code ClientException} or {@code InvalidParameterException}
     */
    public static ObjectNode validate(ObjectNode request, PlacementExpressionCheck expressions) {
        TaskLevelRules.checkFamily(request);
        TaskLevelRules.checkContainerList(request);
        TaskSize size = TaskSize.parse(Nodes.text(request, "cpu"), Nodes.text(request, "memory"));
        TaskLevelRules.checkVolumes(request);
        TaskContext task = TaskContext.of(request, size);
        TaskLevelRules.checkTaskCpu(size, task.fargate());
        if (task.fargate()) {
            requireCompatible(LaunchTypeRules.fargateViolation(task));
        }
        if (task.external()) {
            requireCompatible(LaunchTypeRules.externalViolation(task));
        }
        for (ObjectNode container : task.containers().values()) {
            ContainerRules.check(container, task);
        }
        PortRules.check(task);
        ContainerReferences.check(task);
        TaskLevelRules.checkContainersAgainstTask(task);
        TaskLevelRules.checkPlacementConstraints(request, expressions);
        TaskLevelRules.checkProxyConfiguration(task);
        TaskLevelRules.checkPlatform(task);
        return describe(task);
    }

    private static void requireCompatible(Optional<String> violation) {
        if (violation.isPresent()) {
            throw TaskDefinitionErrors.client(violation.get());
        }
    }

    /** The TaskDefinition body, members in the service model's order. */
    private static ObjectNode describe(TaskContext task) {
        ObjectNode request = task.request();
        ObjectNode out = Nodes.FACTORY.objectNode();
        ArrayNode containers = out.putArray("containerDefinitions");
        task.containers().values().forEach(c -> containers.add(ContainerRules.normalize(c, task)));
        out.put("family", Nodes.text(request, "family"));
        copy(request, out, "taskRoleArn", "executionRoleArn", "networkMode");
        out.set("volumes", copyOrEmpty(request, "volumes"));
        out.set("requiresAttributes", RequiredAttributes.toJson(task));
        out.set("placementConstraints", copyOrEmpty(request, "placementConstraints"));
        ArrayNode compatibilities = out.putArray("compatibilities");
        LaunchTypeRules.compatibilities(task).forEach(compatibilities::add);
        copy(request, out, "runtimePlatform", "requiresCompatibilities");
        if (task.size().cpu() != null) {
            out.put("cpu", task.size().cpuText());
        }
        if (task.size().memory() != null) {
            out.put("memory", task.size().memoryText());
        }
        copy(request, out, "inferenceAccelerators", "pidMode", "ipcMode");
        if (request.get("proxyConfiguration") instanceof ObjectNode proxy) {
            ObjectNode copy = proxy.deepCopy();
            if (Nodes.absent(copy, "type")) {
                copy.put("type", "APPMESH");
            }
            out.set("proxyConfiguration", copy);
        }
        copy(request, out, "ephemeralStorage", "enableFaultInjection");
        return out;
    }

    private static void copy(ObjectNode from, ObjectNode to, String... fields) {
        for (String field : List.of(fields)) {
            if (!Nodes.absent(from, field)) {
                to.set(field, from.get(field).deepCopy());
            }
        }
    }

    private static JsonNode copyOrEmpty(ObjectNode from, String field) {
        return Nodes.absent(from, field)
                ? Nodes.FACTORY.arrayNode()
                : from.get(field).deepCopy();
    }
}
