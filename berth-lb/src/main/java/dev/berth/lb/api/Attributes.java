package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The attributes of load balancers and target groups: their keys, AWS's defaults per type, and the
 * values each accepts. Modify calls may only set keys the resource type has, with valid values;
 * everything else is a {@code ValidationError}, as AWS answers it. Berth acts on
 * {@code idle_timeout.timeout_seconds}, {@code deletion_protection.enabled},
 * {@code deregistration_delay.timeout_seconds}, {@code stickiness.*},
 * {@code load_balancing.algorithm.type} and {@code slow_start.duration_seconds}; the others are kept
 * and reported so that tools which set them (Terraform sets many) work unchanged.
 */
final class Attributes {

    private record Rule(String defaultValue, Predicate<String> valid, String expectation) {}

    private static final Predicate<String> BOOL = v -> v.equals("true") || v.equals("false");
    private static final Predicate<String> ANY = v -> true;

    private static Predicate<String> range(int min, int max) {
        return v -> {
            try {
                int n = Integer.parseInt(v);
                return n >= min && n <= max;
            } catch (NumberFormatException e) {
                return false;
            }
        };
    }

    private static final Map<String, Rule> ALB = new LinkedHashMap<>();
    private static final Map<String, Rule> NLB = new LinkedHashMap<>();
    private static final Map<String, Rule> HTTP_TG = new LinkedHashMap<>();
    private static final Map<String, Rule> TCP_TG = new LinkedHashMap<>();

    static {
        Rule bFalse = new Rule("false", BOOL, "must be true or false");
        ALB.put("deletion_protection.enabled", bFalse);
        ALB.put(
                "idle_timeout.timeout_seconds",
                new Rule("60", range(1, 4000), "must be an integer between 1 and 4000"));
        ALB.put(
                "client_keep_alive.seconds",
                new Rule("3600", range(60, 604800), "must be an integer between 60 and 604800"));
        ALB.put("routing.http2.enabled", new Rule("true", BOOL, "must be true or false"));
        ALB.put("access_logs.s3.enabled", bFalse);
        ALB.put("access_logs.s3.bucket", new Rule("", ANY, ""));
        ALB.put("access_logs.s3.prefix", new Rule("", ANY, ""));
        ALB.put("routing.http.drop_invalid_header_fields.enabled", bFalse);
        ALB.put("routing.http.preserve_host_header.enabled", bFalse);
        ALB.put("routing.http.x_amzn_tls_version_and_cipher_suite.enabled", bFalse);
        ALB.put("routing.http.xff_client_port.enabled", bFalse);
        ALB.put(
                "routing.http.xff_header_processing.mode",
                new Rule(
                        "append",
                        v -> v.equals("append") || v.equals("preserve") || v.equals("remove"),
                        "must be append, preserve or remove"));
        ALB.put(
                "routing.http.desync_mitigation_mode",
                new Rule(
                        "defensive",
                        v -> v.equals("monitor") || v.equals("defensive") || v.equals("strictest"),
                        "must be monitor, defensive or strictest"));
        ALB.put("waf.fail_open.enabled", bFalse);
        ALB.put("load_balancing.cross_zone.enabled", new Rule("true", BOOL, "must be true or false"));

        NLB.put("deletion_protection.enabled", bFalse);
        NLB.put("load_balancing.cross_zone.enabled", bFalse);
        NLB.put("access_logs.s3.enabled", bFalse);
        NLB.put("access_logs.s3.bucket", new Rule("", ANY, ""));
        NLB.put("access_logs.s3.prefix", new Rule("", ANY, ""));
        NLB.put(
                "dns_record.client_routing_policy",
                new Rule(
                        "any_availability_zone",
                        v -> v.equals("availability_zone_affinity")
                                || v.equals("partial_availability_zone_affinity")
                                || v.equals("any_availability_zone"),
                        "must be a client routing policy"));

        Rule delay = new Rule("300", range(0, 3600), "must be an integer between 0 and 3600");
        HTTP_TG.put("deregistration_delay.timeout_seconds", delay);
        HTTP_TG.put("stickiness.enabled", bFalse);
        HTTP_TG.put(
                "stickiness.type",
                new Rule(
                        "lb_cookie",
                        v -> v.equals("lb_cookie") || v.equals("app_cookie"),
                        "must be lb_cookie or app_cookie"));
        HTTP_TG.put(
                "stickiness.lb_cookie.duration_seconds",
                new Rule("86400", range(1, 604800), "must be an integer between 1 and 604800"));
        HTTP_TG.put("stickiness.app_cookie.cookie_name", new Rule("", ANY, ""));
        HTTP_TG.put(
                "stickiness.app_cookie.duration_seconds",
                new Rule("86400", range(1, 604800), "must be an integer between 1 and 604800"));
        HTTP_TG.put(
                "slow_start.duration_seconds",
                new Rule(
                        "0",
                        v -> v.equals("0") || range(30, 900).test(v),
                        "must be 0 or an integer between 30 and 900"));
        HTTP_TG.put(
                "load_balancing.algorithm.type",
                new Rule(
                        "round_robin",
                        v -> v.equals("round_robin")
                                || v.equals("least_outstanding_requests")
                                || v.equals("weighted_random"),
                        "must be round_robin, least_outstanding_requests or weighted_random"));
        HTTP_TG.put(
                "load_balancing.algorithm.anomaly_mitigation",
                new Rule("off", v -> v.equals("on") || v.equals("off"), "must be on or off"));
        HTTP_TG.put(
                "load_balancing.cross_zone.enabled",
                new Rule(
                        "use_load_balancer_configuration",
                        v -> BOOL.test(v) || v.equals("use_load_balancer_configuration"),
                        "must be true, false or use_load_balancer_configuration"));

        TCP_TG.put("deregistration_delay.timeout_seconds", delay);
        TCP_TG.put("deregistration_delay.connection_termination.enabled", bFalse);
        TCP_TG.put("stickiness.enabled", bFalse);
        TCP_TG.put("stickiness.type", new Rule("source_ip", v -> v.equals("source_ip"), "must be source_ip"));
        TCP_TG.put("proxy_protocol_v2.enabled", bFalse);
        TCP_TG.put("preserve_client_ip.enabled", new Rule("false", BOOL, "must be true or false"));
        TCP_TG.put(
                "load_balancing.cross_zone.enabled",
                new Rule(
                        "use_load_balancer_configuration",
                        v -> BOOL.test(v) || v.equals("use_load_balancer_configuration"),
                        "must be true, false or use_load_balancer_configuration"));
    }

    private Attributes() {}

    static Map<String, String> loadBalancerDefaults(boolean application) {
        return defaults(application ? ALB : NLB);
    }

    static Map<String, String> targetGroupDefaults(boolean http, String targetType) {
        Map<String, String> d = defaults(http ? HTTP_TG : TCP_TG);
        if (!http) {
            d.put("preserve_client_ip.enabled", String.valueOf(targetType.equals("instance")));
        }
        return d;
    }

    static Map<String, String> modifyLoadBalancer(boolean application, Map<String, String> current, JsonNode changes) {
        return modify(application ? ALB : NLB, "Load balancer", current, changes);
    }

    static Map<String, String> modifyTargetGroup(boolean http, Map<String, String> current, JsonNode changes) {
        return modify(http ? HTTP_TG : TCP_TG, "Target group", current, changes);
    }

    private static Map<String, String> defaults(Map<String, Rule> rules) {
        Map<String, String> out = new LinkedHashMap<>();
        rules.forEach((k, r) -> out.put(k, r.defaultValue()));
        return out;
    }

    private static Map<String, String> modify(
            Map<String, Rule> rules, String what, Map<String, String> current, JsonNode changes) {
        Map<String, String> out = new LinkedHashMap<>(current);
        for (JsonNode a : changes) {
            String key = a.path("Key").asText(null);
            String value = a.path("Value").asText(null);
            if (key == null) {
                throw Errors.validation("An attribute key must be specified");
            }
            Rule rule = rules.get(key);
            if (rule == null) {
                throw Errors.validation(what + " attribute key '" + key + "' is not recognized");
            }
            if (value == null || !rule.valid().test(value)) {
                throw Errors.validation(
                        what + " attribute '" + key + "' " + rule.expectation() + ", but was '" + value + "'");
            }
            out.put(key, value);
        }
        return out;
    }
}
