package dev.berth.ecs.taskdef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every rule needs to know about the task a container belongs to, computed once from the request.
 *
 * <p>Many container rules depend on task-level settings (network mode, launch types, task size, the names of
 * the other containers and volumes). Passing this snapshot instead of the raw request keeps each rule a
 * function of what it really reads, and makes it obvious which defaults (bridge mode) the rules assume.
 *
 * @param request       the request as the model validator handed it over (read only)
 * @param networkMode   the effective network mode: the requested one, or {@code bridge}
 * @param fargate       true when {@code requiresCompatibilities} names FARGATE
 * @param external      true when {@code requiresCompatibilities} names EXTERNAL
 * @param size          the parsed task-level cpu and memory (parts may be null)
 * @param containers    the container definitions by name, in request order
 * @param volumeNames   the names of the task's volumes
 * @param windows       true when {@code runtimePlatform.operatingSystemFamily} is a Windows family
 */
record TaskContext(
        ObjectNode request,
        String networkMode,
        boolean fargate,
        boolean external,
        TaskSize size,
        Map<String, ObjectNode> containers,
        Set<String> volumeNames,
        boolean windows) {

    static final String BRIDGE = "bridge";
    static final String AWSVPC = "awsvpc";
    static final String HOST = "host";
    static final String NONE = "none";

    /** Builds the context; containers must already have valid, unique names. */
    static TaskContext of(ObjectNode request, TaskSize size) {
        String mode = Nodes.text(request, "networkMode");
        List<String> compatibilities = Nodes.texts(request, "requiresCompatibilities");
        Map<String, ObjectNode> containers = new LinkedHashMap<>();
        for (ObjectNode container : Nodes.objects(request, "containerDefinitions")) {
            containers.put(Nodes.text(container, "name"), container);
        }
        Set<String> volumes = new LinkedHashSet<>();
        for (JsonNode volume : Nodes.elements(request, "volumes")) {
            volumes.add(Nodes.text(volume, "name"));
        }
        String os = Nodes.text(request.path("runtimePlatform"), "operatingSystemFamily");
        return new TaskContext(
                request,
                mode == null ? BRIDGE : mode,
                compatibilities.contains("FARGATE"),
                compatibilities.contains("EXTERNAL"),
                size,
                containers,
                volumes,
                os != null && os.startsWith("WINDOWS"));
    }

    boolean awsvpc() {
        return AWSVPC.equals(networkMode);
    }

    /** True in the modes where a container port is reachable only on the same host port (awsvpc, host). */
    boolean staticPorts() {
        return AWSVPC.equals(networkMode) || HOST.equals(networkMode);
    }
}
