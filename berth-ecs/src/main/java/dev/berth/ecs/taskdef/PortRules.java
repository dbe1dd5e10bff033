package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.TaskDefinitionErrors.client;
import static dev.berth.ecs.taskdef.TaskDefinitionErrors.invalidContainerSetting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Port mapping rules per network mode, and the port mapping defaults ECS stores.
 *
 * <p>In {@code awsvpc} and {@code host} mode a container port is published on the same host (or ENI) port, so a
 * given {@code hostPort} must equal {@code containerPort}, and ECS stores {@code hostPort = containerPort}. In
 * {@code bridge} mode a missing or zero host port means "dynamic" and is stored as 0. {@code none} mode has no
 * port mappings at all. Port ranges ({@code containerPortRange}) exist in bridge and awsvpc mode only. Within a
 * container a port may be in one mapping only, and within a task no two containers may claim the same static
 * host port and protocol.
 */
final class PortRules {

    static final int MAX_PORT = 65535;
    static final int MAX_RANGES_PER_CONTAINER = 100;

    private static final Pattern RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9_][a-z0-9_-]{0,63}");

    /** A closed interval of ports of one protocol claimed by one container. */
    private record Claim(int from, int to, String protocol, String container) {
        boolean overlaps(Claim other) {
            return protocol.equals(other.protocol) && from <= other.to && other.from <= to;
        }

        String describe() {
            return (from == to ? Integer.toString(from) : from + "-" + to) + "/" + protocol;
        }
    }

    private PortRules() {}

    /** Checks every container's port mappings and the task-wide host port and port name uniqueness. */
    static void check(TaskContext task) {
        List<Claim> hostClaims = new ArrayList<>();
        Map<String, String> portNames = new HashMap<>();
        for (Map.Entry<String, ObjectNode> entry : task.containers().entrySet()) {
            String container = entry.getKey();
            List<JsonNode> mappings = Nodes.elements(entry.getValue(), "portMappings");
            if (!mappings.isEmpty() && TaskContext.NONE.equals(task.networkMode())) {
                throw client("Port mappings are not supported when networkMode=none (container '%s').", container);
            }
            List<Claim> containerClaims = new ArrayList<>();
            int ranges = 0;
            for (JsonNode mapping : mappings) {
                String protocol = protocol(mapping);
                Claim claim = Nodes.absent(mapping, "containerPortRange")
                        ? singlePort(container, mapping, protocol, task)
                        : portRange(container, mapping, protocol, task);
                ranges += Nodes.absent(mapping, "containerPortRange") ? 0 : 1;
                claimOnce(
                        containerClaims,
                        claim,
                        "Invalid 'portMappings' setting for container '" + container
                                + "'. A port can only be included in one port mapping per container: ");
                Claim host = hostClaim(mapping, claim, task);
                if (host != null) {
                    claimAcrossTask(hostClaims, host);
                }
                checkPortName(container, mapping, portNames);
            }
            if (ranges > MAX_RANGES_PER_CONTAINER) {
                throw invalidContainerSetting(
                        container,
                        "containerPortRange",
                        "You can specify a maximum of " + MAX_RANGES_PER_CONTAINER + " port ranges per container.");
            }
        }
    }

    /** The port mappings as ECS stores them: protocol defaulted to tcp, hostPort filled per network mode. */
    static ArrayNode normalize(JsonNode container, TaskContext task) {
        ArrayNode out = Nodes.FACTORY.arrayNode();
        for (JsonNode mapping : Nodes.elements(container, "portMappings")) {
            ObjectNode copy = ((ObjectNode) mapping).deepCopy();
            copy.put("protocol", protocol(mapping));
            if (Nodes.absent(mapping, "containerPortRange")) {
                Integer hostPort = Nodes.integer(mapping, "hostPort");
                if (task.staticPorts() && (hostPort == null || hostPort == 0)) {
                    copy.put("hostPort", Nodes.integer(mapping, "containerPort"));
                } else if (hostPort == null) {
                    copy.put("hostPort", 0);
                }
            }
            out.add(copy);
        }
        return out;
    }

    private static String protocol(JsonNode mapping) {
        String protocol = Nodes.text(mapping, "protocol");
        return protocol == null ? "tcp" : protocol;
    }

    private static Claim singlePort(String container, JsonNode mapping, String protocol, TaskContext task) {
        Integer containerPort = Nodes.integer(mapping, "containerPort");
        if (containerPort == null || containerPort < 1 || containerPort > MAX_PORT) {
            throw invalidContainerSetting(container, "containerPort", null);
        }
        Integer hostPort = Nodes.integer(mapping, "hostPort");
        if (hostPort != null && (hostPort < 0 || hostPort > MAX_PORT)) {
            throw invalidContainerSetting(container, "hostPort", null);
        }
        if (task.staticPorts() && hostPort != null && hostPort != 0 && !hostPort.equals(containerPort)) {
            throw client(
                    "When networkMode=%s, the host ports and container ports in port mappings must match.",
                    task.networkMode());
        }
        return new Claim(containerPort, containerPort, protocol, container);
    }

    private static Claim portRange(String container, JsonNode mapping, String protocol, TaskContext task) {
        if (!(TaskContext.BRIDGE.equals(task.networkMode()) || task.awsvpc())) {
            throw invalidContainerSetting(
                    container,
                    "containerPortRange",
                    "Port ranges are only supported when networkMode is bridge or awsvpc.");
        }
        if (!Nodes.absent(mapping, "containerPort") || !Nodes.absent(mapping, "hostPort")) {
            throw invalidContainerSetting(
                    container,
                    "containerPortRange",
                    "Leave containerPort and hostPort empty in a port mapping with a containerPortRange.");
        }
        Matcher m = RANGE.matcher(Nodes.text(mapping, "containerPortRange"));
        if (!m.matches()) {
            throw invalidContainerSetting(
                    container, "containerPortRange", "The range must have the form <first>-<last>.");
        }
        int from = Integer.parseInt(m.group(1));
        int to = Integer.parseInt(m.group(2));
        if (from < 1 || to > MAX_PORT || from >= to) {
            throw invalidContainerSetting(
                    container,
                    "containerPortRange",
                    "The ports must be between 1 and " + MAX_PORT
                            + " and the first port must be less than the last port.");
        }
        return new Claim(from, to, protocol, container);
    }

    /** The static host ports a mapping reserves, or null when the host port is dynamic. */
    private static Claim hostClaim(JsonNode mapping, Claim containerClaim, TaskContext task) {
        if (task.staticPorts()) {
            return containerClaim;
        }
        Integer hostPort = Nodes.integer(mapping, "hostPort");
        if (hostPort == null || hostPort == 0) {
            return null;
        }
        return new Claim(hostPort, hostPort, containerClaim.protocol(), containerClaim.container());
    }

    private static void claimOnce(List<Claim> claims, Claim claim, String message) {
        for (Claim existing : claims) {
            if (existing.overlaps(claim)) {
                throw client(message + claim.describe() + ".");
            }
        }
        claims.add(claim);
    }

    private static void claimAcrossTask(List<Claim> claims, Claim claim) {
        for (Claim existing : claims) {
            if (existing.overlaps(claim)) {
                throw client(
                        "Host port %s is mapped more than once in the task (containers '%s' and '%s').",
                        claim.describe(), existing.container(), claim.container());
            }
        }
        claims.add(claim);
    }

    private static void checkPortName(String container, JsonNode mapping, Map<String, String> names) {
        String name = Nodes.text(mapping, "name");
        if (name == null) {
            return;
        }
        if (!PORT_NAME.matcher(name).matches()) {
            throw invalidContainerSetting(
                    container,
                    "portMappings.name",
                    "Port names have up to 64 lowercase "
                            + "letters, numbers, underscores and hyphens, and can't start with a hyphen.");
        }
        String previous = names.putIfAbsent(name, container);
        if (previous != null) {
            throw invalidContainerSetting(
                    container,
                    "portMappings.name",
                    "The port name '" + name + "' is already used in container '" + previous + "'.");
        }
    }
}
