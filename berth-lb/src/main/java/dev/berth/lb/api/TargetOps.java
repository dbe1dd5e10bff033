package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.TargetConf;
import dev.berth.lb.config.TargetGroupConf;
import dev.berth.model.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * RegisterTargets, DeregisterTargets and DescribeTargetHealth, and the same operations for the ECS
 * service scheduler (which knows each target's address already).
 *
 * <p>An {@code instance} target registered through the API names an EC2 instance id; its address is
 * the host address of the container instance with that id, looked up through the resolver the
 * server supplies. An {@code ip} target is its own address. Registering a registered target changes
 * nothing; deregistering moves it to {@code draining} in the data plane for the group's
 * deregistration delay.
 */
public final class TargetOps {

    static final int MAX_TARGETS = 1000;
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    private final ElbState state;
    private final Platform platform;
    private final Plane plane;
    private final Function<String, Optional<String>> instanceAddress;

    TargetOps(ElbState state, Platform platform, Plane plane, Function<String, Optional<String>> instanceAddress) {
        this.state = state;
        this.platform = platform;
        this.plane = plane;
        this.instanceAddress = instanceAddress;
    }

    void register(Map<String, ElbApi.Op> ops) {
        ops.put("RegisterTargets", this::registerTargets);
        ops.put("DeregisterTargets", this::deregisterTargets);
        ops.put("DescribeTargetHealth", this::describeHealth);
    }

    private JsonNode registerTargets(ObjectNode in) {
        String arn = Json.text(in, "TargetGroupArn");
        TargetGroupConf tg = state.targetGroup(arn).orElseThrow(Errors::tgNotFound);
        List<TargetConf> targets = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (JsonNode t : in.get("Targets")) {
            String id = t.path("Id").asText();
            int port = t.has("Port") ? t.get("Port").asInt() : tg.port();
            String az = t.has("AvailabilityZone") ? t.get("AvailabilityZone").asText() : null;
            if (az != null && !az.equals("all") && !az.equals(platform.region() + "a")) {
                throw Errors.validation("The Availability Zone '" + az
                        + "' is not enabled for this load balancer; Berth has one zone, " + platform.region() + "a");
            }
            if (tg.targetType().equals("ip")) {
                if (!IPV4.matcher(id).matches()) {
                    throw Errors.of("InvalidTarget", "The IP address '" + id + "' is not a valid IPv4 address");
                }
                targets.add(new TargetConf(id, port, id, az));
            } else {
                Optional<String> address = instanceAddress.apply(id);
                if (address.isEmpty()) {
                    invalid.add(id);
                } else {
                    targets.add(new TargetConf(id, port, address.get(), az));
                }
            }
        }
        if (!invalid.isEmpty()) {
            throw Errors.of(
                    "InvalidTarget",
                    "The following targets are not valid instances: '" + String.join("', '", invalid) + "'");
        }
        register(arn, targets);
        return Json.object();
    }

    /** Adds targets whose addresses are known; existing ones (same id and port) stay as they are. */
    public void register(String tgArn, List<TargetConf> targets) {
        state.change(w -> {
            TargetGroupConf tg = state.targetGroup(tgArn).orElseThrow(Errors::tgNotFound);
            List<TargetConf> next = new ArrayList<>(tg.targets());
            for (TargetConf t : targets) {
                if (next.stream().noneMatch(e -> e.sameAs(t.id(), t.port()))) {
                    next.add(t);
                }
            }
            if (next.size() > MAX_TARGETS) {
                throw Errors.of("TooManyTargets", "You've reached the limit on the number of targets per target group");
            }
            if (next.size() != tg.targets().size()) {
                w.put(tg.withTargets(next));
            }
            return null;
        });
    }

    private JsonNode deregisterTargets(ObjectNode in) {
        String arn = Json.text(in, "TargetGroupArn");
        TargetGroupConf tg = state.targetGroup(arn).orElseThrow(Errors::tgNotFound);
        List<String[]> wanted = new ArrayList<>();
        for (JsonNode t : in.get("Targets")) {
            wanted.add(new String[] {
                t.path("Id").asText(),
                String.valueOf(t.has("Port") ? t.get("Port").asInt() : tg.port())
            });
        }
        state.change(w -> {
            TargetGroupConf current = state.targetGroup(arn).orElseThrow(Errors::tgNotFound);
            List<String> missing = new ArrayList<>();
            List<TargetConf> next = new ArrayList<>(current.targets());
            for (String[] t : wanted) {
                if (!next.removeIf(e -> e.sameAs(t[0], Integer.parseInt(t[1])))) {
                    missing.add(t[0]);
                }
            }
            if (!missing.isEmpty()) {
                throw Errors.of(
                        "InvalidTarget",
                        "The following targets are not registered in target group '" + current.name() + "': '"
                                + String.join("', '", missing) + "'");
            }
            w.put(current.withTargets(next));
            return null;
        });
        return Json.object();
    }

    /** Removes targets (they drain); targets that are not registered are skipped. */
    public void deregister(String tgArn, List<String[]> idAndPort) {
        state.change(w -> {
            Optional<TargetGroupConf> tg = state.targetGroup(tgArn);
            if (tg.isEmpty()) {
                return null;
            }
            List<TargetConf> next = new ArrayList<>(tg.get().targets());
            boolean changed = false;
            for (String[] t : idAndPort) {
                changed |= next.removeIf(e -> e.sameAs(t[0], Integer.parseInt(t[1])));
            }
            if (changed) {
                w.put(tg.get().withTargets(next));
            }
            return null;
        });
    }

    private JsonNode describeHealth(ObjectNode in) {
        String arn = Json.text(in, "TargetGroupArn");
        TargetGroupConf tg = state.targetGroup(arn).orElseThrow(Errors::tgNotFound);
        List<Plane.TargetHealthView> all = plane.health(tg);
        ArrayNode list = Json.array();
        if (in.has("Targets")) {
            for (JsonNode t : in.get("Targets")) {
                String id = t.path("Id").asText();
                Integer port = t.has("Port") ? t.get("Port").asInt() : null;
                List<Plane.TargetHealthView> matching = all.stream()
                        .filter(v -> v.id().equals(id) && (port == null || v.port() == port))
                        .toList();
                if (matching.isEmpty()) {
                    int p = port == null ? tg.port() : port;
                    list.add(render(new Plane.TargetHealthView(
                            id,
                            p,
                            null,
                            tg.healthCheck().portFor(p),
                            "unused",
                            "Target.NotRegistered",
                            "Target is not registered to the target group")));
                } else {
                    matching.forEach(v -> list.add(render(v)));
                }
            }
        } else {
            all.forEach(v -> list.add(render(v)));
        }
        ObjectNode out = Json.object();
        out.set("TargetHealthDescriptions", list);
        return out;
    }

    private static ObjectNode render(Plane.TargetHealthView v) {
        ObjectNode n = Json.object();
        ObjectNode target = n.putObject("Target").put("Id", v.id()).put("Port", v.port());
        if (v.availabilityZone() != null) {
            target.put("AvailabilityZone", v.availabilityZone());
        }
        n.put("HealthCheckPort", String.valueOf(v.healthCheckPort()));
        ObjectNode h = n.putObject("TargetHealth").put("State", v.state());
        if (v.reason() != null) {
            h.put("Reason", v.reason()).put("Description", v.description());
        }
        return n;
    }

    /** The live health of some targets, for the ECS service scheduler. */
    public List<Plane.TargetHealthView> health(String tgArn) {
        return state.targetGroup(tgArn).map(plane::health).orElse(List.of());
    }

    ElbState.Snapshot snapshot() {
        return state.snapshot();
    }
}
