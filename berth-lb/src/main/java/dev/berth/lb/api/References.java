package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.ListenerConf;
import dev.berth.lb.config.RuleConf;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which target groups the listeners and rules of a load balancer forward to, and the reverse. A
 * target group is "in use" (health-checked, not deletable, listed under LoadBalancerArns) exactly
 * when some action refers to it.
 */
public final class References {

    private References() {}

    /** The target group ARNs one action list forwards to (simple TargetGroupArn and weighted ForwardConfig). */
    public static Set<String> targetGroups(JsonNode actions) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode a : actions) {
            if (!a.path("Type").asText().equals("forward")) {
                continue;
            }
            if (a.hasNonNull("TargetGroupArn")) {
                out.add(a.get("TargetGroupArn").asText());
            }
            for (JsonNode t : a.path("ForwardConfig").path("TargetGroups")) {
                out.add(t.path("TargetGroupArn").asText());
            }
        }
        return out;
    }

    public static Set<String> targetGroupsOf(ElbState.Snapshot s, String lbArn) {
        Set<String> out = new LinkedHashSet<>();
        for (ListenerConf l : s.listenersOf(lbArn)) {
            out.addAll(targetGroups(l.defaultActions()));
            for (RuleConf r : s.rulesOf(l.arn())) {
                out.addAll(targetGroups(r.actions()));
            }
        }
        return out;
    }

    public static Set<String> loadBalancersOf(ElbState.Snapshot s, String tgArn) {
        Set<String> out = new LinkedHashSet<>();
        for (ListenerConf l : s.listeners().values()) {
            if (targetGroups(l.defaultActions()).contains(tgArn)) {
                out.add(l.loadBalancerArn());
            }
        }
        for (RuleConf r : s.rules().values()) {
            if (targetGroups(r.actions()).contains(tgArn)) {
                ListenerConf l = s.listeners().get(r.listenerArn());
                if (l != null) {
                    out.add(l.loadBalancerArn());
                }
            }
        }
        return out;
    }
}
