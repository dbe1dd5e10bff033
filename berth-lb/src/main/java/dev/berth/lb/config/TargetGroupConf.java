package dev.berth.lb.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One target group as stored, with its registered targets (at most 1,000, so they live in the same
 * document and change atomically with it).
 *
 * @param protocol {@code HTTP} (ALB) or {@code TCP} (NLB)
 * @param targetType {@code instance} or {@code ip}
 */
public record TargetGroupConf(
        String arn,
        String name,
        String protocol,
        String protocolVersion,
        int port,
        String targetType,
        String vpcId,
        HealthCheckConf healthCheck,
        Map<String, String> attributes,
        Map<String, String> tags,
        List<TargetConf> targets) {

    public TargetGroupConf {
        attributes = Map.copyOf(attributes);
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        targets = List.copyOf(targets);
    }

    public boolean http() {
        return protocol.equals("HTTP") || protocol.equals("HTTPS");
    }

    public int deregistrationDelaySeconds() {
        return Integer.parseInt(attributes.getOrDefault("deregistration_delay.timeout_seconds", "300"));
    }

    public TargetGroupConf withHealthCheck(HealthCheckConf h) {
        return new TargetGroupConf(
                arn, name, protocol, protocolVersion, port, targetType, vpcId, h, attributes, tags, targets);
    }

    public TargetGroupConf withAttributes(Map<String, String> a) {
        return new TargetGroupConf(
                arn, name, protocol, protocolVersion, port, targetType, vpcId, healthCheck, a, tags, targets);
    }

    public TargetGroupConf withTags(Map<String, String> t) {
        return new TargetGroupConf(
                arn, name, protocol, protocolVersion, port, targetType, vpcId, healthCheck, attributes, t, targets);
    }

    public TargetGroupConf withTargets(List<TargetConf> t) {
        return new TargetGroupConf(
                arn, name, protocol, protocolVersion, port, targetType, vpcId, healthCheck, attributes, tags, t);
    }
}
