package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.HealthCheckConf;
import dev.berth.lb.config.TargetGroupConf;
import dev.berth.model.Platform;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Target groups: create (AWS's health check defaults per protocol), describe, modify, delete
 * (refused while a listener or rule forwards to it), attributes.
 * Targets are registered and described by {@link TargetOps}.
 */
final class TargetGroupOps {

    static final int MAX_TARGET_GROUPS = 3000;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-]{1,32}");
    private static final Pattern CODES = Pattern.compile("\\d{3}(-\\d{3})?(,\\d{3}(-\\d{3})?)*");

    private final ElbState state;
    private final Platform platform;

    TargetGroupOps(ElbState state, Platform platform) {
        this.state = state;
        this.platform = platform;
    }

    void register(Map<String, ElbApi.Op> ops) {
        ops.put("CreateTargetGroup", this::create);
        ops.put("DescribeTargetGroups", this::describe);
        ops.put("ModifyTargetGroup", this::modify);
        ops.put("DeleteTargetGroup", this::delete);
        ops.put("DescribeTargetGroupAttributes", this::describeAttributes);
        ops.put("ModifyTargetGroupAttributes", this::modifyAttributes);
    }

    private JsonNode create(ObjectNode in) {
        String name = Json.text(in, "Name");
        if (name.length() > 32) {
            throw Errors.validation("Target group name '" + name + "' cannot be longer than '32' characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw Errors.validation("Target group name '" + name
                    + "' can only contain characters that are alphanumeric characters or hyphens(-)");
        }
        if (name.startsWith("-") || name.endsWith("-")) {
            throw Errors.validation("Target group name '" + name + "' cannot begin or end with '-'");
        }
        String targetType = in.has("TargetType") ? Json.text(in, "TargetType") : "instance";
        if (!targetType.equals("instance") && !targetType.equals("ip")) {
            throw Errors.validation(
                    "Berth serves target groups of target type 'instance' and 'ip', not '" + targetType + "'");
        }
        String protocol = Json.text(in, "Protocol");
        if (protocol == null) {
            throw Errors.validation("A protocol must be specified");
        }
        if (!protocol.equals("HTTP") && !protocol.equals("TCP")) {
            throw Errors.validation(
                    "Berth serves target groups with protocol HTTP (application load balancers) and TCP "
                            + "(network load balancers), not '" + protocol + "'");
        }
        Integer port = Json.integer(in, "Port");
        if (port == null) {
            throw Errors.validation("A port must be specified");
        }
        String version = Json.text(in, "ProtocolVersion");
        if (version != null && !protocol.equals("HTTP")) {
            throw Errors.validation(
                    "Protocol version can only be specified for target groups with protocol HTTP or HTTPS");
        }
        if (version != null && !version.equals("HTTP1")) {
            throw Errors.validation(
                    "Berth forwards HTTP/1.1 to targets; protocol version '" + version + "' is not supported");
        }
        boolean http = protocol.equals("HTTP");
        String hcProtocol =
                in.has("HealthCheckProtocol") ? Json.text(in, "HealthCheckProtocol") : http ? "HTTP" : "TCP";
        HealthCheckConf defaults = defaults(http, hcProtocol);
        HealthCheckConf hc = healthCheck(defaults, in, http);
        Map<String, String> tags = Tags.read(in.get("Tags"));
        if (tags.size() > Tags.MAX) {
            throw Errors.of(
                    "TooManyTags",
                    "The quota for the number of tags that can be assigned to a target group has been reached");
        }
        String vpc = in.has("VpcId") ? Json.text(in, "VpcId") : LoadBalancerOps.VPC;
        TargetGroupConf tg = state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            for (TargetGroupConf existing : s.targetGroups().values()) {
                if (existing.name().equals(name)) {
                    if (existing.protocol().equals(protocol)
                            && existing.port() == port
                            && existing.targetType().equals(targetType)
                            && existing.healthCheck().equals(hc)) {
                        return existing;
                    }
                    throw Errors.of(
                            "DuplicateTargetGroupName",
                            "A target group with the same name '" + name + "' exists, but with different settings");
                }
            }
            if (s.targetGroups().size() >= MAX_TARGET_GROUPS) {
                throw Errors.of("TooManyTargetGroups", "The maximum number of target groups has been reached");
            }
            String arn = platform.arn("elasticloadbalancing", "targetgroup/" + name + "/" + Ids.hex16())
                    .toString();
            TargetGroupConf created = new TargetGroupConf(
                    arn,
                    name,
                    protocol,
                    http ? "HTTP1" : null,
                    port,
                    targetType,
                    vpc,
                    hc,
                    Attributes.targetGroupDefaults(http, targetType),
                    tags,
                    List.of());
            w.put(created);
            return created;
        });
        ObjectNode out = Json.object();
        out.set("TargetGroups", Json.array().add(render(state.snapshot(), tg)));
        return out;
    }

    private static HealthCheckConf defaults(boolean http, String hcProtocol) {
        boolean hcHttp = hcProtocol.equals("HTTP") || hcProtocol.equals("HTTPS");
        if (http) {
            return new HealthCheckConf(true, hcProtocol, "traffic-port", "/", 30, 5, 5, 2, "200");
        }
        return new HealthCheckConf(
                true,
                hcProtocol,
                "traffic-port",
                hcHttp ? "/" : null,
                30,
                hcHttp ? 6 : 10,
                5,
                2,
                hcHttp ? "200-399" : null);
    }

    /** Applies the health check members of a Create/ModifyTargetGroup request to {@code base} and checks the result. */
    private static HealthCheckConf healthCheck(HealthCheckConf base, ObjectNode in, boolean httpGroup) {
        String protocol = in.has("HealthCheckProtocol") ? Json.text(in, "HealthCheckProtocol") : base.protocol();
        boolean hcHttp = protocol.equals("HTTP") || protocol.equals("HTTPS");
        if (httpGroup && !hcHttp) {
            throw Errors.validation("Health check protocol '" + protocol
                    + "' is not supported for target groups with the HTTP protocol");
        }
        if (!httpGroup && !protocol.equals("TCP") && !protocol.equals("HTTP")) {
            throw Errors.validation("Berth checks TCP target groups over TCP or HTTP, not '" + protocol + "'");
        }
        if (protocol.equals("HTTPS")) {
            throw Errors.validation("Berth does not check targets over HTTPS; use HTTP");
        }
        String port = in.has("HealthCheckPort") ? Json.text(in, "HealthCheckPort") : base.port();
        if (!port.equals("traffic-port")) {
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw Errors.validation(
                        "Health check port '" + port + "' must be 'traffic-port' or a port between 1 and 65535");
            }
        }
        String path = in.has("HealthCheckPath")
                ? Json.text(in, "HealthCheckPath")
                : hcHttp ? Objects.requireNonNullElse(base.path(), "/") : null;
        if (!hcHttp && in.has("HealthCheckPath")) {
            throw Errors.validation("Health check path can only be specified for HTTP and HTTPS health checks");
        }
        if (path != null && !path.startsWith("/")) {
            throw Errors.validation("Health check path must begin with a '/' character");
        }
        String matcher = in.has("Matcher")
                ? Json.text(in.get("Matcher"), "HttpCode")
                : hcHttp ? Objects.requireNonNullElse(base.matcher(), httpGroup ? "200" : "200-399") : null;
        if (in.has("Matcher") && in.get("Matcher").has("GrpcCode")) {
            throw Errors.validation("A gRPC matcher can only be used with the GRPC protocol version");
        }
        if (in.has("Matcher") && !hcHttp) {
            throw Errors.validation("A matcher can only be specified for HTTP and HTTPS health checks");
        }
        if (hcHttp) {
            if (matcher == null
                    || !CODES.matcher(matcher).matches()
                    || !codesWithin(matcher, 200, httpGroup ? 499 : 599)) {
                throw Errors.validation("Health check matcher HTTP code '" + matcher + "' must be within '200-"
                        + (httpGroup ? 499 : 599) + "'");
            }
        }
        int interval = in.has("HealthCheckIntervalSeconds")
                ? in.get("HealthCheckIntervalSeconds").asInt()
                : base.intervalSeconds();
        int timeout = in.has("HealthCheckTimeoutSeconds")
                ? in.get("HealthCheckTimeoutSeconds").asInt()
                : base.timeoutSeconds();
        if (timeout >= interval) {
            throw Errors.validation(
                    "Health check timeout '" + timeout + "' must be smaller than the interval '" + interval + "'");
        }
        int healthy = in.has("HealthyThresholdCount")
                ? in.get("HealthyThresholdCount").asInt()
                : base.healthyThreshold();
        int unhealthy = in.has("UnhealthyThresholdCount")
                ? in.get("UnhealthyThresholdCount").asInt()
                : base.unhealthyThreshold();
        boolean enabled =
                in.has("HealthCheckEnabled") ? in.get("HealthCheckEnabled").asBoolean() : base.enabled();
        if (!enabled && !httpGroup) {
            throw Errors.validation("Health checks cannot be disabled for target groups with the TCP protocol");
        }
        return new HealthCheckConf(
                enabled,
                protocol,
                port,
                hcHttp ? path : null,
                interval,
                timeout,
                healthy,
                unhealthy,
                hcHttp ? matcher : null);
    }

    private static boolean codesWithin(String matcher, int min, int max) {
        for (String part : matcher.split("[,-]")) {
            int c = Integer.parseInt(part);
            if (c < min || c > max) {
                return false;
            }
        }
        return true;
    }

    private JsonNode describe(ObjectNode in) {
        String lbArn = Json.text(in, "LoadBalancerArn");
        List<String> arns = Json.strings(in, "TargetGroupArns");
        List<String> names = Json.strings(in, "Names");
        if ((lbArn != null ? 1 : 0) + (arns.isEmpty() ? 0 : 1) + (names.isEmpty() ? 0 : 1) > 1) {
            throw Errors.validation(
                    "Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time");
        }
        ElbState.Snapshot s = state.snapshot();
        List<TargetGroupConf> found = new ArrayList<>();
        if (lbArn != null) {
            if (!s.loadBalancers().containsKey(lbArn)) {
                throw Errors.lbNotFound();
            }
            Set<String> used = References.targetGroupsOf(s, lbArn);
            s.targetGroups().values().stream()
                    .filter(t -> used.contains(t.arn()))
                    .forEach(found::add);
        } else if (!arns.isEmpty()) {
            for (String arn : new LinkedHashSet<>(arns)) {
                found.add(Optional.ofNullable(s.targetGroups().get(arn)).orElseThrow(Errors::tgNotFound));
            }
        } else if (!names.isEmpty()) {
            Set<String> missing = new LinkedHashSet<>(names);
            for (TargetGroupConf t : s.targetGroups().values()) {
                if (missing.remove(t.name())) {
                    found.add(t);
                }
            }
            if (!missing.isEmpty()) {
                throw Errors.of(
                        "TargetGroupNotFound", "Target groups '[" + String.join(", ", missing) + "]' not found");
            }
        } else {
            found.addAll(s.targetGroups().values());
        }
        ObjectNode out = Json.object();
        Paging.page(found, in, out, "TargetGroups", t -> render(s, t));
        return out;
    }

    static ObjectNode render(ElbState.Snapshot s, TargetGroupConf t) {
        HealthCheckConf hc = t.healthCheck();
        ObjectNode n = Json.object()
                .put("TargetGroupArn", t.arn())
                .put("TargetGroupName", t.name())
                .put("Protocol", t.protocol())
                .put("Port", t.port())
                .put("VpcId", t.vpcId())
                .put("HealthCheckProtocol", hc.protocol())
                .put("HealthCheckPort", hc.port())
                .put("HealthCheckEnabled", hc.enabled())
                .put("HealthCheckIntervalSeconds", hc.intervalSeconds())
                .put("HealthCheckTimeoutSeconds", hc.timeoutSeconds())
                .put("HealthyThresholdCount", hc.healthyThreshold())
                .put("UnhealthyThresholdCount", hc.unhealthyThreshold());
        if (hc.path() != null) {
            n.put("HealthCheckPath", hc.path());
        }
        if (hc.matcher() != null) {
            n.putObject("Matcher").put("HttpCode", hc.matcher());
        }
        ArrayNode lbs = n.putArray("LoadBalancerArns");
        References.loadBalancersOf(s, t.arn()).forEach(lbs::add);
        n.put("TargetType", t.targetType());
        if (t.protocolVersion() != null) {
            n.put("ProtocolVersion", t.protocolVersion());
        }
        n.put("IpAddressType", "ipv4");
        return n;
    }

    TargetGroupConf require(String arn) {
        return state.targetGroup(arn).orElseThrow(Errors::tgNotFound);
    }

    private JsonNode modify(ObjectNode in) {
        String arn = Json.text(in, "TargetGroupArn");
        TargetGroupConf updated = state.change(w -> {
            TargetGroupConf tg = require(arn);
            HealthCheckConf base = tg.healthCheck();
            if (in.has("HealthCheckProtocol")
                    && !in.get("HealthCheckProtocol").asText().equals(base.protocol())) {
                base = defaults(tg.http(), in.get("HealthCheckProtocol").asText());
                base = new HealthCheckConf(
                        tg.healthCheck().enabled(),
                        base.protocol(),
                        tg.healthCheck().port(),
                        base.path(),
                        tg.healthCheck().intervalSeconds(),
                        base.timeoutSeconds(),
                        tg.healthCheck().healthyThreshold(),
                        tg.healthCheck().unhealthyThreshold(),
                        base.matcher());
            }
            TargetGroupConf next = tg.withHealthCheck(healthCheck(base, in, tg.http()));
            w.put(next);
            return next;
        });
        ObjectNode out = Json.object();
        out.set("TargetGroups", Json.array().add(render(state.snapshot(), updated)));
        return out;
    }

    private JsonNode delete(ObjectNode in) {
        String arn = Json.text(in, "TargetGroupArn");
        state.change(w -> {
            TargetGroupConf tg = require(arn);
            if (!References.loadBalancersOf(state.snapshot(), arn).isEmpty()) {
                throw Errors.of(
                        "ResourceInUse", "Target group '" + arn + "' is currently in use by a listener or a rule");
            }
            w.delete(tg);
            return null;
        });
        return Json.object();
    }

    private JsonNode describeAttributes(ObjectNode in) {
        TargetGroupConf tg = require(Json.text(in, "TargetGroupArn"));
        ObjectNode out = Json.object();
        out.set("Attributes", Json.attributes(tg.attributes()));
        return out;
    }

    private JsonNode modifyAttributes(ObjectNode in) {
        String arn = Json.text(in, "TargetGroupArn");
        TargetGroupConf updated = state.change(w -> {
            TargetGroupConf tg = require(arn);
            TargetGroupConf next =
                    tg.withAttributes(Attributes.modifyTargetGroup(tg.http(), tg.attributes(), in.get("Attributes")));
            w.put(next);
            return next;
        });
        ObjectNode out = Json.object();
        out.set("Attributes", Json.attributes(updated.attributes()));
        return out;
    }
}
