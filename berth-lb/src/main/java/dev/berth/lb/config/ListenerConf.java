package dev.berth.lb.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One listener as stored. Actions are kept in the API's own shape ({@code Action} list as a JSON
 * tree, validated and normalised at write time), so Describe returns exactly what was accepted
 * and the data plane compiles them into {@code plane.Routes}.
 */
public record ListenerConf(
        String arn,
        String loadBalancerArn,
        String protocol,
        int port,
        ArrayNode defaultActions,
        Map<String, String> tags) {

    public ListenerConf {
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    public ListenerConf withTags(Map<String, String> t) {
        return new ListenerConf(arn, loadBalancerArn, protocol, port, defaultActions, t);
    }
}
