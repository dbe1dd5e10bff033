package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.TaskDefinitionErrors.client;
import static dev.berth.ecs.taskdef.TaskDefinitionErrors.invalidContainerSetting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Rules for the places where one container names another: {@code links}, {@code dependsOn} and
 * {@code volumesFrom}.
 *
 * <p>Every name must be a container of the same task definition, other than the container itself, and the
 * start order they imply must be acyclic. Links get ECS's own cycle message; a cycle through any mix of the
 * three is reported as a dependency cycle, naming its containers. {@code dependsOn} also has condition rules:
 * COMPLETE and SUCCESS only make sense for a container that is allowed to exit (not essential), and HEALTHY
 * needs a health check on the container depended on.
 */
final class ContainerReferences {

    private static final Pattern LINK = Pattern.compile("[A-Za-z0-9_-]{1,255}(:[A-Za-z0-9_-]{1,255})?");

    private ContainerReferences() {}

    static void check(TaskContext task) {
        Map<String, List<String>> links = new LinkedHashMap<>();
        Map<String, List<String>> startOrder = new LinkedHashMap<>();
        for (Map.Entry<String, ObjectNode> entry : task.containers().entrySet()) {
            String name = entry.getKey();
            ObjectNode container = entry.getValue();
            List<String> linked = linkTargets(name, container, task);
            List<String> before = new ArrayList<>(linked);
            before.addAll(dependencyTargets(name, container, task));
            before.addAll(volumeSources(name, container, task));
            links.put(name, linked);
            startOrder.put(name, before);
        }
        Optional<List<String>> linkCycle = DependencyGraph.findCycle(links);
        if (linkCycle.isPresent()) {
            throw client("Container links should not have a cycle: %s", DependencyGraph.describe(linkCycle.get()));
        }
        Optional<List<String>> cycle = DependencyGraph.findCycle(startOrder);
        if (cycle.isPresent()) {
            throw client("Container dependencies should not have a cycle: %s", DependencyGraph.describe(cycle.get()));
        }
    }

    private static List<String> linkTargets(String name, JsonNode container, TaskContext task) {
        List<String> targets = new ArrayList<>();
        for (String link : Nodes.texts(container, "links")) {
            if (link == null || !LINK.matcher(link).matches()) {
                throw invalidContainerSetting(
                        name,
                        "links",
                        "A link has the form name or name:alias, with letters, numbers, hyphens and underscores.");
            }
            String target = link.contains(":") ? link.substring(0, link.indexOf(':')) : link;
            requireOtherContainer(name, "links", target, task);
            targets.add(target);
        }
        return targets;
    }

    private static List<String> dependencyTargets(String name, JsonNode container, TaskContext task) {
        List<String> targets = new ArrayList<>();
        for (JsonNode dependency : Nodes.elements(container, "dependsOn")) {
            String target = Nodes.text(dependency, "containerName");
            String condition = Nodes.text(dependency, "condition");
            if (Nodes.blank(target) || !task.containers().containsKey(target)) {
                throw invalidContainerSetting(
                        name, "dependsOn", "The container '" + target + "' is not defined in the task definition.");
            }
            ObjectNode other = task.containers().get(target);
            if (("SUCCESS".equals(condition) || "COMPLETE".equals(condition)) && ContainerRules.essential(other)) {
                throw client(
                        "A dependency container with SUCCESS or COMPLETE condition cannot be an essential "
                                + "container (container '%s' depends on '%s').",
                        name, target);
            }
            if ("HEALTHY".equals(condition) && Nodes.absent(other, "healthCheck")) {
                throw invalidContainerSetting(
                        name,
                        "dependsOn",
                        "The HEALTHY condition requires container '" + target + "' to have a healthCheck.");
            }
            targets.add(target);
        }
        return targets;
    }

    private static List<String> volumeSources(String name, JsonNode container, TaskContext task) {
        List<String> sources = new ArrayList<>();
        for (JsonNode from : Nodes.elements(container, "volumesFrom")) {
            String source = Nodes.text(from, "sourceContainer");
            requireOtherContainer(name, "volumesFrom", source, task);
            sources.add(source);
        }
        return sources;
    }

    private static void requireOtherContainer(String name, String field, String target, TaskContext task) {
        if (name.equals(target)) {
            throw invalidContainerSetting(name, field, "A container cannot refer to itself.");
        }
        if (Nodes.blank(target) || !task.containers().containsKey(target)) {
            throw invalidContainerSetting(
                    name, field, "The container '" + target + "' is not defined in the task definition.");
        }
    }
}
