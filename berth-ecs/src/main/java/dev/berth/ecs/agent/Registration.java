package dev.berth.ecs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.ecs.instance.AttributeRules;
import dev.berth.ecs.instance.StoredContainerInstance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an agent tells the server when it registers (or re-registers after a restart), validated.
 * The agent is trusted to describe its host, not to break ECS's rules: attributes follow
 * {@link AttributeRules}, ports are 0-65535, resources positive.
 *
 * @param attributes every attribute the agent sets: built-ins ({@code ecs.*}), capabilities and the
 *     custom {@code --attribute k=v} ones (a null value is an attribute without value)
 */
public record Registration(
        String cluster,
        String hostIp,
        StoredContainerInstance.Resources resources,
        Map<String, String> attributes,
        StoredContainerInstance.VersionInfo versionInfo) {

    private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final int MAX_PORTS = 100;

    /** Parses and validates the JSON body of a registration; every problem is a 400 naming the field. */
    public static Registration parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw AgentErrors.invalid("The registration body must be a JSON object.");
        }
        String cluster = body.path("cluster").asText("default");
        if (!CLUSTER.matcher(cluster).matches()) {
            throw AgentErrors.invalid(
                    "cluster must be 1 to 255 letters, numbers, hyphens or underscores: '" + cluster + "'.");
        }
        String ip = body.path("hostIp").asText("");
        if (!IPV4.matcher(ip).matches()
                && !(ip.contains(":") && IPV6.matcher(ip).matches())) {
            throw AgentErrors.invalid("hostIp must be an IPv4 or IPv6 address: '" + ip + "'.");
        }
        int cpu = positive(body, "cpu");
        int memory = positive(body, "memory");
        var resources = new StoredContainerInstance.Resources(
                cpu, memory, ports(body.get("ports"), "ports"), ports(body.get("portsUdp"), "portsUdp"));
        Map<String, String> attributes = new LinkedHashMap<>();
        JsonNode attrs = body.path("attributes");
        if (!attrs.isMissingNode() && !attrs.isObject()) {
            throw AgentErrors.invalid("attributes must be an object of name to value (or null).");
        }
        attrs.properties().forEach(e -> {
            AttributeRules.checkName(e.getKey());
            String value = e.getValue().isNull() ? null : e.getValue().asText();
            AttributeRules.checkValue(e.getKey(), value);
            attributes.put(e.getKey(), value);
        });
        AttributeRules.checkLimit("the registering instance", attributes, Map.of());
        JsonNode v = body.path("versionInfo");
        var versionInfo = new StoredContainerInstance.VersionInfo(
                text(v, "agentVersion"), text(v, "agentHash"), text(v, "dockerVersion"));
        return new Registration(cluster, ip, resources, attributes, versionInfo);
    }

    private static int positive(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
            throw AgentErrors.invalid(field + " must be a positive integer.");
        }
        return n.asInt();
    }

    private static List<String> ports(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray() || node.size() > MAX_PORTS) {
            throw AgentErrors.invalid(field + " must be a list of at most " + MAX_PORTS + " port numbers.");
        }
        for (JsonNode p : node) {
            String s = p.asText();
            if (!s.matches("\\d{1,5}") || Integer.parseInt(s) > 65535) {
                throw AgentErrors.invalid(field + " holds '" + s + "', which is not a port number.");
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static String text(JsonNode v, String field) {
        String s = v.path(field).asText("unknown");
        if (s.isEmpty() || s.length() > 128) {
            throw AgentErrors.invalid("versionInfo." + field + " must be 1 to 128 characters.");
        }
        return s;
    }
}
