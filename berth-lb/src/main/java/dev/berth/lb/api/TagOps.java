package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.ListenerConf;
import dev.berth.lb.config.LoadBalancerConf;
import dev.berth.lb.config.RuleConf;
import dev.berth.lb.config.TargetGroupConf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AddTags, RemoveTags and DescribeTags over load balancers, target groups, listeners and rules
 * (up to 20 ARNs per call). A missing resource fails the whole call with the not-found error of
 * its type, and no resource is changed.
 */
final class TagOps {

    private static final int MAX_ARNS = 20;

    private final ElbState state;

    TagOps(ElbState state) {
        this.state = state;
    }

    void register(Map<String, ElbApi.Op> ops) {
        ops.put("AddTags", this::add);
        ops.put("RemoveTags", this::remove);
        ops.put("DescribeTags", this::describe);
    }

    private static Object find(ElbState.Snapshot s, String arn) {
        if (arn.contains(":loadbalancer/")) {
            LoadBalancerConf c = s.loadBalancers().get(arn);
            if (c == null) {
                throw Errors.lbNotFound();
            }
            return c;
        }
        if (arn.contains(":targetgroup/")) {
            TargetGroupConf c = s.targetGroups().get(arn);
            if (c == null) {
                throw Errors.tgNotFound();
            }
            return c;
        }
        if (arn.contains(":listener/")) {
            ListenerConf c = s.listeners().get(arn);
            if (c == null) {
                throw Errors.listenerNotFound();
            }
            return c;
        }
        if (arn.contains(":listener-rule/")) {
            RuleConf c = s.rules().get(arn);
            if (c == null) {
                throw Errors.ruleNotFound();
            }
            return c;
        }
        throw Errors.validation("'" + arn + "' is not a valid Elastic Load Balancing resource ARN");
    }

    private static Map<String, String> tagsOf(Object c) {
        return switch (c) {
            case LoadBalancerConf x -> x.tags();
            case TargetGroupConf x -> x.tags();
            case ListenerConf x -> x.tags();
            case RuleConf x -> x.tags();
            default -> throw new IllegalStateException();
        };
    }

    private static Object withTags(Object c, Map<String, String> t) {
        return switch (c) {
            case LoadBalancerConf x -> x.withTags(t);
            case TargetGroupConf x -> x.withTags(t);
            case ListenerConf x -> x.withTags(t);
            case RuleConf x -> x.withTags(t);
            default -> throw new IllegalStateException();
        };
    }

    private static List<String> arns(ObjectNode in) {
        List<String> arns = Json.strings(in, "ResourceArns");
        if (arns.size() > MAX_ARNS) {
            throw Errors.validation("You can specify at most " + MAX_ARNS + " resource ARNs");
        }
        return arns;
    }

    private JsonNode add(ObjectNode in) {
        List<String> arns = arns(in);
        Map<String, String> added = Tags.read(in.get("Tags"));
        state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            for (String arn : arns) {
                Object c = find(s, arn);
                w.put(withTags(c, Tags.merge(tagsOf(c), added)));
            }
            return null;
        });
        return Json.object();
    }

    private JsonNode remove(ObjectNode in) {
        List<String> arns = arns(in);
        List<String> keys = Json.strings(in, "TagKeys");
        state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            for (String arn : arns) {
                Object c = find(s, arn);
                Map<String, String> t = new LinkedHashMap<>(tagsOf(c));
                keys.forEach(t::remove);
                w.put(withTags(c, t));
            }
            return null;
        });
        return Json.object();
    }

    private JsonNode describe(ObjectNode in) {
        List<String> arns = arns(in);
        ElbState.Snapshot s = state.snapshot();
        ArrayNode list = Json.array();
        for (String arn : arns) {
            Object c = find(s, arn);
            ObjectNode d = list.addObject().put("ResourceArn", arn);
            d.set("Tags", Json.tags(tagsOf(c)));
        }
        ObjectNode out = Json.object();
        out.set("TagDescriptions", list);
        return out;
    }
}
