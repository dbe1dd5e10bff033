package dev.berth.lb.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One load balancer as stored: what CreateLoadBalancer recorded plus the loopback address the data
 * plane listens on. Immutable; a change is a new copy written in one store transaction.
 *
 * @param type {@code application} or {@code network}
 * @param address the IPv4 address its listeners bind, taken from the configured pool at creation
 * @param attributes every attribute with its current value (defaults filled in at creation)
 * @param tags in insertion order
 */
public record LoadBalancerConf(
        String arn,
        String name,
        String type,
        String scheme,
        String ipAddressType,
        String address,
        String dnsName,
        long createdMillis,
        Map<String, String> attributes,
        Map<String, String> tags) {

    public LoadBalancerConf {
        attributes = Map.copyOf(attributes);
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    public boolean application() {
        return type.equals("application");
    }

    public LoadBalancerConf withAttributes(Map<String, String> a) {
        return new LoadBalancerConf(arn, name, type, scheme, ipAddressType, address, dnsName, createdMillis, a, tags);
    }

    public LoadBalancerConf withTags(Map<String, String> t) {
        return new LoadBalancerConf(
                arn, name, type, scheme, ipAddressType, address, dnsName, createdMillis, attributes, t);
    }

    /** The id part of the ARN ({@code app/name/hex}), which listener and rule ARNs extend. */
    public String arnSuffix() {
        return arn.substring(arn.indexOf(":loadbalancer/") + ":loadbalancer/".length());
    }
}
