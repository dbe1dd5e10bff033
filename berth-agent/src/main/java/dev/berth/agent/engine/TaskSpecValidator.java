package dev.berth.agent.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rejects a {@link TaskSpec} the engine cannot run faithfully, before any container exists: the
 * rules ECS applies that depend on the network mode and on dependencies. The server validates
 * task definitions too; this is the agent's own guard. Pure.
 */
final class TaskSpecValidator {
    private TaskSpecValidator() {}

    /** Returns the problems; empty when the spec is runnable. */
    static List<String> problems(TaskSpec task) {
        var problems = new ArrayList<String>();
        if (task.containers().isEmpty()) {
            problems.add("task has no containers");
        }
        Map<String, ContainerSpec> byName = new HashMap<>();
        for (ContainerSpec c : task.containers()) {
            if (byName.put(c.name(), c) != null) {
                problems.add("duplicate container name " + c.name());
            }
        }
        if (!task.containers().isEmpty() && task.containers().stream().noneMatch(ContainerSpec::essential)) {
            problems.add("task must have at least one essential container");
        }
        for (ContainerSpec c : task.containers()) {
            checkContainer(task, c, byName, problems);
        }
        if (problems.isEmpty() && hasCycle(task, byName)) {
            problems.add("dependsOn/links form a cycle");
        }
        return problems;
    }

    private static void checkContainer(
            TaskSpec task, ContainerSpec c, Map<String, ContainerSpec> byName, List<String> problems) {
        String where = "container " + c.name() + ": ";
        NetworkMode mode = task.networkMode();
        if (mode == NetworkMode.NONE && !c.portMappings().isEmpty()) {
            problems.add(where + "portMappings are not allowed in network mode none");
        }
        if (mode == NetworkMode.HOST) {
            for (PortMapping m : c.portMappings()) {
                if (!m.dynamic() && m.hostPort() != m.containerPort()) {
                    problems.add(where + "in host mode hostPort must equal containerPort");
                }
            }
            if (c.hostname() != null) {
                problems.add(where + "hostname is not allowed in network mode host");
            }
        }
        if (mode != NetworkMode.BRIDGE && !c.links().isEmpty()) {
            problems.add(where + "links are only allowed in network mode bridge");
        }
        if (c.memory() != null && c.memoryReservation() != null && c.memoryReservation() > c.memory()) {
            problems.add(where + "memoryReservation must not exceed memory");
        }
        if (c.memory() != null && c.memory() < 6) {
            problems.add(where + "memory must be at least 6 MiB");
        }
        for (ContainerDependency d : c.effectiveDependencies()) {
            ContainerSpec target = byName.get(d.containerName());
            if (target == null) {
                problems.add(where + "depends on unknown container " + d.containerName());
            } else if (target.essential()
                    && (d.condition() == DependencyCondition.COMPLETE
                            || d.condition() == DependencyCondition.SUCCESS)) {
                problems.add(where + d.condition() + " dependency on essential container " + d.containerName());
            } else if (d.condition() == DependencyCondition.HEALTHY && target.healthCheck() == null) {
                problems.add(where + "HEALTHY dependency on " + d.containerName() + " which has no healthCheck");
            }
        }
    }

    private static boolean hasCycle(TaskSpec task, Map<String, ContainerSpec> byName) {
        Set<String> done = new HashSet<>();
        Set<String> onPath = new HashSet<>();
        for (ContainerSpec c : task.containers()) {
            if (visit(c.name(), byName, done, onPath)) {
                return true;
            }
        }
        return false;
    }

    private static boolean visit(String name, Map<String, ContainerSpec> byName, Set<String> done, Set<String> onPath) {
        if (done.contains(name)) {
            return false;
        }
        if (!onPath.add(name)) {
            return true;
        }
        for (ContainerDependency d : byName.get(name).effectiveDependencies()) {
            if (visit(d.containerName(), byName, done, onPath)) {
                return true;
            }
        }
        onPath.remove(name);
        done.add(name);
        return false;
    }
}
