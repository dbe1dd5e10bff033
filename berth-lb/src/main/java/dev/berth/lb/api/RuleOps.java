package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.ListenerConf;
import dev.berth.lb.config.LoadBalancerConf;
import dev.berth.lb.config.RuleConf;
import dev.berth.model.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Listener rules of application load balancers: CreateRule, ModifyRule, DeleteRule, DescribeRules
 * and SetRulePriorities. Every listener also has a default rule (priority {@code default}, no
 * conditions) whose actions are the listener's default actions; it cannot be deleted or
 * re-prioritised, and modifying its actions modifies the listener's. Its ARN is derived from the
 * listener's, so it needs no document of its own.
 */
final class RuleOps {

    static final int MAX_RULES_PER_LOAD_BALANCER = 100;

    private final ElbState state;
    private final Platform platform;

    RuleOps(ElbState state, Platform platform) {
        this.state = state;
        this.platform = platform;
    }

    void register(Map<String, ElbApi.Op> ops) {
        ops.put("CreateRule", this::create);
        ops.put("DescribeRules", this::describe);
        ops.put("ModifyRule", this::modify);
        ops.put("DeleteRule", this::delete);
        ops.put("SetRulePriorities", this::setPriorities);
    }

    /** The ARN of a listener's default rule: {@code listener-rule/<listener path>/<hex derived from the listener ARN>}. */
    static String defaultRuleArn(ListenerConf l) {
        long h = 1125899906842597L;
        for (byte b : l.arn().getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return l.arn().replace(":listener/", ":listener-rule/") + "/" + String.format("%016x", h);
    }

    private JsonNode create(ObjectNode in) {
        String listenerArn = Json.text(in, "ListenerArn");
        int priority = in.get("Priority").asInt();
        Map<String, String> tags = Tags.read(in.get("Tags"));
        RuleConf rule = state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            ListenerConf l = s.listeners().get(listenerArn);
            if (l == null) {
                throw Errors.listenerNotFound();
            }
            LoadBalancerConf lb = s.loadBalancers().get(l.loadBalancerArn());
            if (!lb.application()) {
                throw Errors.validation("Listener rules are only supported by application load balancers");
            }
            ArrayNode conditions = Actions.conditions(in.get("Conditions"));
            ArrayNode actions = Actions.actions(s, lb, in.get("Actions"));
            for (RuleConf r : s.rulesOf(listenerArn)) {
                if (r.priority() == priority) {
                    throw Errors.of("PriorityInUse", "Priority '" + priority + "' is currently in use");
                }
            }
            long rulesOfLb = s.listenersOf(lb.arn()).stream()
                    .mapToLong(x -> s.rulesOf(x.arn()).size())
                    .sum();
            if (rulesOfLb >= MAX_RULES_PER_LOAD_BALANCER) {
                throw Errors.of("TooManyRules", "You've reached the limit on the number of rules per load balancer");
            }
            String arn = l.arn().replace(":listener/", ":listener-rule/") + "/" + Ids.hex16();
            RuleConf created = new RuleConf(arn, listenerArn, priority, conditions, actions, tags);
            w.put(created);
            return created;
        });
        ObjectNode out = Json.object();
        out.set("Rules", Json.array().add(render(rule)));
        return out;
    }

    static ObjectNode render(RuleConf r) {
        ObjectNode n = Json.object().put("RuleArn", r.arn()).put("Priority", String.valueOf(r.priority()));
        n.set("Conditions", r.conditions().deepCopy());
        n.set("Actions", r.actions().deepCopy());
        n.put("IsDefault", false);
        return n;
    }

    static ObjectNode renderDefault(ListenerConf l) {
        ObjectNode n = Json.object().put("RuleArn", defaultRuleArn(l)).put("Priority", "default");
        n.putArray("Conditions");
        n.set("Actions", l.defaultActions().deepCopy());
        n.put("IsDefault", true);
        return n;
    }

    /** A rule or a listener's default rule, found by ARN. */
    private sealed interface Found permits Plain, Default {}

    private record Plain(RuleConf rule) implements Found {}

    private record Default(ListenerConf listener) implements Found {}

    private static Found find(ElbState.Snapshot s, String arn) {
        RuleConf r = s.rules().get(arn);
        if (r != null) {
            return new Plain(r);
        }
        if (arn != null && arn.contains(":listener-rule/")) {
            String listenerArn = arn.substring(0, arn.lastIndexOf('/')).replace(":listener-rule/", ":listener/");
            ListenerConf l = s.listeners().get(listenerArn);
            if (l != null && defaultRuleArn(l).equals(arn)) {
                return new Default(l);
            }
        }
        throw Errors.ruleNotFound();
    }

    private JsonNode describe(ObjectNode in) {
        String listenerArn = Json.text(in, "ListenerArn");
        List<String> arns = Json.strings(in, "RuleArns");
        if (listenerArn == null && arns.isEmpty()) {
            throw Errors.validation("A listener ARN or a set of rule ARNs must be specified");
        }
        if (listenerArn != null && !arns.isEmpty()) {
            throw Errors.validation("A listener ARN and a set of rule ARNs cannot be specified at the same time");
        }
        ElbState.Snapshot s = state.snapshot();
        List<ObjectNode> found = new ArrayList<>();
        if (listenerArn != null) {
            ListenerConf l = s.listeners().get(listenerArn);
            if (l == null) {
                throw Errors.listenerNotFound();
            }
            s.rulesOf(listenerArn).forEach(r -> found.add(render(r)));
            found.add(renderDefault(l));
        } else {
            for (String arn : new LinkedHashSet<>(arns)) {
                switch (find(s, arn)) {
                    case Plain p -> found.add(render(p.rule()));
                    case Default d -> found.add(renderDefault(d.listener()));
                }
            }
        }
        ObjectNode out = Json.object();
        Paging.page(found, in, out, "Rules", n -> n);
        return out;
    }

    private JsonNode modify(ObjectNode in) {
        String arn = Json.text(in, "RuleArn");
        ObjectNode rendered = state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            return switch (find(s, arn)) {
                case Plain p -> {
                    RuleConf r = p.rule();
                    LoadBalancerConf lb = s.loadBalancers()
                            .get(s.listeners().get(r.listenerArn()).loadBalancerArn());
                    ArrayNode conditions =
                            in.has("Conditions") ? Actions.conditions(in.get("Conditions")) : r.conditions();
                    ArrayNode actions = in.has("Actions") ? Actions.actions(s, lb, in.get("Actions")) : r.actions();
                    RuleConf next = new RuleConf(r.arn(), r.listenerArn(), r.priority(), conditions, actions, r.tags());
                    w.put(next);
                    yield render(next);
                }
                case Default d -> {
                    if (in.has("Conditions") && !in.get("Conditions").isEmpty()) {
                        throw Errors.of("OperationNotPermitted", "Default rule '" + arn + "' cannot have conditions");
                    }
                    ListenerConf l = d.listener();
                    LoadBalancerConf lb = s.loadBalancers().get(l.loadBalancerArn());
                    ArrayNode actions =
                            in.has("Actions") ? Actions.actions(s, lb, in.get("Actions")) : l.defaultActions();
                    ListenerConf next =
                            new ListenerConf(l.arn(), l.loadBalancerArn(), l.protocol(), l.port(), actions, l.tags());
                    w.put(next);
                    yield renderDefault(next);
                }
            };
        });
        ObjectNode out = Json.object();
        out.set("Rules", Json.array().add(rendered));
        return out;
    }

    private JsonNode delete(ObjectNode in) {
        String arn = Json.text(in, "RuleArn");
        state.change(w -> {
            switch (find(state.snapshot(), arn)) {
                case Plain p -> w.delete(p.rule());
                case Default d ->
                    throw Errors.of("OperationNotPermitted", "Default rule '" + arn + "' cannot be deleted");
            }
            return null;
        });
        return Json.object();
    }

    private JsonNode setPriorities(ObjectNode in) {
        List<RuleConf> changed = state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            Map<String, Integer> wanted = new HashMap<>();
            List<RuleConf> rules = new ArrayList<>();
            for (JsonNode pair : in.get("RulePriorities")) {
                String arn = pair.path("RuleArn").asText();
                int priority = pair.path("Priority").asInt();
                switch (find(s, arn)) {
                    case Plain p -> rules.add(p.rule());
                    case Default d ->
                        throw Errors.of(
                                "OperationNotPermitted", "Default rule '" + arn + "' cannot have its priority changed");
                }
                if (wanted.put(arn, priority) != null) {
                    throw Errors.validation("Rule '" + arn + "' is specified more than once");
                }
            }
            Map<String, Set<Integer>> taken = new HashMap<>();
            for (RuleConf r : s.rules().values()) {
                if (!wanted.containsKey(r.arn())) {
                    taken.computeIfAbsent(r.listenerArn(), k -> new HashSet<>()).add(r.priority());
                }
            }
            List<RuleConf> out = new ArrayList<>();
            for (RuleConf r : rules) {
                int p = wanted.get(r.arn());
                if (!taken.computeIfAbsent(r.listenerArn(), k -> new HashSet<>())
                        .add(p)) {
                    throw Errors.of("PriorityInUse", "Priority '" + p + "' is currently in use");
                }
                RuleConf next = r.withPriority(p);
                w.put(next);
                out.add(next);
            }
            return out;
        });
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("Rules");
        changed.forEach(r -> list.add(render(r)));
        return out;
    }
}
