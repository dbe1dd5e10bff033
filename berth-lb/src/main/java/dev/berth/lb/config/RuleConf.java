package dev.berth.lb.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One non-default listener rule (the default rule is the listener's default actions). Conditions
 * and actions are stored in the API's shapes, normalised at write time.
 *
 * @param priority 1 to 50,000, unique per listener
 */
public record RuleConf(
        String arn,
        String listenerArn,
        int priority,
        ArrayNode conditions,
        ArrayNode actions,
        Map<String, String> tags) {

    public RuleConf {
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    public RuleConf withPriority(int p) {
        return new RuleConf(arn, listenerArn, p, conditions, actions, tags);
    }

    public RuleConf withTags(Map<String, String> t) {
        return new RuleConf(arn, listenerArn, priority, conditions, actions, t);
    }
}
