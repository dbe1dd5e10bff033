package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.LoadBalancerConf;
import dev.berth.lb.config.TargetGroupConf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks listener and rule actions and rule conditions against the load balancer they belong to,
 * and normalises them to the form AWS reports back (a simple forward gains its ForwardConfig with
 * weight 1; redirect parts default to {@code #{protocol}}, {@code #{host}}, ...; host-header and
 * path-pattern conditions carry both {@code Values} and their config).
 *
 * <p>Supported: forward (one target group, or up to five weighted), fixed-response and redirect on
 * application load balancers; forward to one target group on network load balancers. Conditions:
 * host-header, path-pattern, http-header, http-request-method, query-string, source-ip, with at
 * most five values per rule as AWS counts them.
 */
final class Actions {

    private static final Set<String> CONTENT_TYPES =
            Set.of("text/plain", "text/css", "text/html", "application/javascript", "application/json");
    private static final Pattern METHOD = Pattern.compile("[A-Z_-]+");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}");
    private static final int MAX_CONDITION_VALUES = 5;

    private Actions() {}

    static ArrayNode actions(ElbState.Snapshot s, LoadBalancerConf lb, JsonNode actions) {
        if (actions == null || actions.isEmpty()) {
            throw Errors.validation("At least one action must be specified");
        }
        List<JsonNode> sorted = new ArrayList<>();
        actions.forEach(sorted::add);
        for (JsonNode a : sorted) {
            String type = a.path("Type").asText();
            if (type.startsWith("authenticate-")) {
                throw Errors.of(
                        "InvalidLoadBalancerAction",
                        "Berth has no identity provider integration; action type '" + type + "' is not supported");
            }
        }
        if (sorted.size() > 1) {
            throw Errors.of(
                    "TooManyActions",
                    "A rule or listener can have only one forward, redirect or fixed-response action");
        }
        JsonNode a = sorted.getFirst();
        String type = a.path("Type").asText();
        ObjectNode out = Json.object().put("Type", type);
        if (a.has("Order")) {
            out.put("Order", a.get("Order").asInt());
        }
        if (!lb.application() && !type.equals("forward")) {
            throw Errors.of(
                    "InvalidLoadBalancerAction",
                    "Action type '" + type + "' is not supported by network load balancers");
        }
        switch (type) {
            case "forward" -> forward(s, lb, a, out);
            case "fixed-response" -> {
                JsonNode c = a.get("FixedResponseConfig");
                if (c == null) {
                    throw Errors.validation("A fixed response config must be specified for fixed-response actions");
                }
                ObjectNode fc = out.putObject("FixedResponseConfig");
                if (c.has("MessageBody")) {
                    fc.put("MessageBody", c.get("MessageBody").asText());
                }
                fc.put("StatusCode", c.get("StatusCode").asText());
                if (c.has("ContentType")) {
                    String ct = c.get("ContentType").asText();
                    if (!CONTENT_TYPES.contains(ct)) {
                        throw Errors.validation("Fixed response content type '" + ct + "' is not valid; use one of "
                                + String.join(", ", new java.util.TreeSet<>(CONTENT_TYPES)));
                    }
                    fc.put("ContentType", ct);
                }
            }
            case "redirect" -> {
                JsonNode c = a.get("RedirectConfig");
                if (c == null) {
                    throw Errors.validation("A redirect config must be specified for redirect actions");
                }
                ObjectNode rc = out.putObject("RedirectConfig");
                rc.put("Protocol", c.path("Protocol").asText("#{protocol}"));
                rc.put("Port", c.path("Port").asText("#{port}"));
                rc.put("Host", c.path("Host").asText("#{host}"));
                rc.put("Path", c.path("Path").asText("/#{path}"));
                rc.put("Query", c.path("Query").asText("#{query}"));
                rc.put("StatusCode", c.get("StatusCode").asText());
                if (!rc.get("Path").asText().startsWith("/")) {
                    throw Errors.validation("The redirect path must start with a '/'");
                }
                if (rc.get("Protocol").asText().equals("#{protocol}")
                        && rc.get("Port").asText().equals("#{port}")
                        && rc.get("Host").asText().equals("#{host}")
                        && rc.get("Path").asText().equals("/#{path}")
                        && rc.get("Query").asText().equals("#{query}")) {
                    throw Errors.validation(
                            "The redirect configuration is not valid: it must change at least one of protocol, "
                                    + "port, host, path or query to avoid a redirect loop");
                }
            }
            default -> throw Errors.validation("Action type '" + type + "' is not valid");
        }
        return Json.array().add(out);
    }

    private static void forward(ElbState.Snapshot s, LoadBalancerConf lb, JsonNode a, ObjectNode out) {
        List<String> arns = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        JsonNode fc = a.get("ForwardConfig");
        if (fc != null && fc.has("TargetGroups")) {
            for (JsonNode t : fc.get("TargetGroups")) {
                arns.add(t.path("TargetGroupArn").asText());
                weights.add(t.has("Weight") ? t.get("Weight").asInt() : 1);
            }
        }
        String single = Json.text(a, "TargetGroupArn");
        if (single != null) {
            if (!arns.isEmpty() && !(arns.size() == 1 && arns.getFirst().equals(single))) {
                throw Errors.validation(
                        "You cannot specify both a target group ARN and a forward config with different target groups");
            }
            if (arns.isEmpty()) {
                arns.add(single);
                weights.add(1);
            }
        }
        if (arns.isEmpty()) {
            throw Errors.validation("A target group ARN must be specified for forward actions");
        }
        if (arns.size() > (lb.application() ? 5 : 1)) {
            throw Errors.validation(
                    "A forward action can have at most " + (lb.application() ? 5 : 1) + " target groups");
        }
        if (new HashSet<>(arns).size() != arns.size()) {
            throw Errors.validation("A target group can appear only once in a forward action");
        }
        for (int w : weights) {
            if (w < 0 || w > 999) {
                throw Errors.validation("Target group weights must be between 0 and 999");
            }
        }
        String listenerProtocol = lb.application() ? "HTTP" : "TCP";
        for (String arn : arns) {
            TargetGroupConf tg = s.targetGroups().get(arn);
            if (tg == null) {
                throw Errors.tgNotFound();
            }
            if (!tg.protocol().equals(listenerProtocol)) {
                throw Errors.of(
                        "IncompatibleProtocols",
                        "The target group '" + arn + "' uses protocol " + tg.protocol() + ", which a " + lb.type()
                                + " load balancer cannot forward to");
            }
            Set<String> users = References.loadBalancersOf(s, arn);
            if (!users.isEmpty() && !users.contains(lb.arn())) {
                throw Errors.of(
                        "TargetGroupAssociationLimit",
                        "The following target groups cannot be associated with more than one load balancer: " + arn);
            }
        }
        if (arns.size() == 1) {
            out.put("TargetGroupArn", arns.getFirst());
        }
        ObjectNode config = out.putObject("ForwardConfig");
        ArrayNode tgs = config.putArray("TargetGroups");
        for (int i = 0; i < arns.size(); i++) {
            tgs.addObject().put("TargetGroupArn", arns.get(i)).put("Weight", weights.get(i));
        }
        ObjectNode sticky = config.putObject("TargetGroupStickinessConfig");
        JsonNode st = fc == null ? null : fc.get("TargetGroupStickinessConfig");
        boolean enabled = st != null && st.path("Enabled").asBoolean(false);
        sticky.put("Enabled", enabled);
        if (enabled) {
            int d = st.path("DurationSeconds").asInt(0);
            if (d < 1 || d > 604800) {
                throw Errors.validation("Target group stickiness duration must be between 1 and 604800 seconds");
            }
            sticky.put("DurationSeconds", d);
        }
    }

    static ArrayNode conditions(JsonNode conditions) {
        ArrayNode out = Json.array();
        int values = 0;
        Set<String> once = new HashSet<>();
        for (JsonNode c : conditions) {
            String field = c.path("Field").asText(null);
            if (field == null) {
                throw Errors.validation("A condition field must be specified");
            }
            ObjectNode n = Json.object().put("Field", field);
            List<String> vals;
            switch (field) {
                case "host-header", "path-pattern" -> {
                    String cfgName = field.equals("host-header") ? "HostHeaderConfig" : "PathPatternConfig";
                    List<String> plain = Json.strings(c, "Values");
                    List<String> cfg = c.has(cfgName) ? Json.strings(c.get(cfgName), "Values") : List.of();
                    if (!plain.isEmpty() && !cfg.isEmpty()) {
                        throw Errors.validation("You cannot specify both 'Values' and '" + cfgName + "' in a '" + field
                                + "' condition");
                    }
                    vals = plain.isEmpty() ? cfg : plain;
                    for (String v : vals) {
                        if (v.length() > 128) {
                            throw Errors.validation("Condition value '" + v + "' cannot be longer than 128 characters");
                        }
                    }
                    ArrayNode a = n.putArray("Values");
                    vals.forEach(a::add);
                    ArrayNode b = n.putObject(cfgName).putArray("Values");
                    vals.forEach(b::add);
                }
                case "http-header" -> {
                    JsonNode cfg = c.get("HttpHeaderConfig");
                    if (cfg == null || !cfg.hasNonNull("HttpHeaderName")) {
                        throw Errors.validation("An HTTP header name must be specified in an 'http-header' condition");
                    }
                    vals = Json.strings(cfg, "Values");
                    ObjectNode h = n.putObject("HttpHeaderConfig")
                            .put("HttpHeaderName", cfg.get("HttpHeaderName").asText());
                    ArrayNode a = h.putArray("Values");
                    vals.forEach(a::add);
                }
                case "http-request-method" -> {
                    vals = c.has("HttpRequestMethodConfig")
                            ? Json.strings(c.get("HttpRequestMethodConfig"), "Values")
                            : List.of();
                    for (String v : vals) {
                        if (!METHOD.matcher(v).matches() || v.length() > 40) {
                            throw Errors.validation("HTTP request method '" + v
                                    + "' is not valid: use upper-case letters, '_' and '-'");
                        }
                    }
                    ArrayNode a = n.putObject("HttpRequestMethodConfig").putArray("Values");
                    vals.forEach(a::add);
                }
                case "query-string" -> {
                    JsonNode pairs = c.path("QueryStringConfig").path("Values");
                    vals = new ArrayList<>();
                    ArrayNode a = n.putObject("QueryStringConfig").putArray("Values");
                    for (JsonNode p : pairs) {
                        if (!p.hasNonNull("Value")) {
                            throw Errors.validation("Each query string condition must specify a value");
                        }
                        ObjectNode kv = a.addObject();
                        if (p.hasNonNull("Key")) {
                            kv.put("Key", p.get("Key").asText());
                        }
                        kv.put("Value", p.get("Value").asText());
                        vals.add(p.get("Value").asText());
                    }
                }
                case "source-ip" -> {
                    vals = c.has("SourceIpConfig") ? Json.strings(c.get("SourceIpConfig"), "Values") : List.of();
                    for (String v : vals) {
                        if (!CIDR.matcher(v).matches()) {
                            throw Errors.validation("Source IP '" + v + "' is not a valid IPv4 CIDR block");
                        }
                    }
                    ArrayNode a = n.putObject("SourceIpConfig").putArray("Values");
                    vals.forEach(a::add);
                }
                default ->
                    throw Errors.validation("Condition field '" + field + "' is not supported; use host-header, "
                            + "path-pattern, http-header, http-request-method, query-string or source-ip");
            }
            if (vals.isEmpty()) {
                throw Errors.validation("A '" + field + "' condition must have at least one value");
            }
            if (!field.equals("http-header") && !field.equals("query-string") && !once.add(field)) {
                throw Errors.validation("A rule can have only one '" + field + "' condition");
            }
            values += vals.size();
            out.add(n);
        }
        if (out.isEmpty()) {
            throw Errors.validation("A rule must have at least one condition");
        }
        if (values > MAX_CONDITION_VALUES) {
            throw Errors.validation("A rule can only have '" + MAX_CONDITION_VALUES + "' condition values");
        }
        return out;
    }
}
