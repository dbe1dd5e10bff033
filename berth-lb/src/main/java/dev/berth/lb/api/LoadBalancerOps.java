package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.ListenerConf;
import dev.berth.lb.config.LoadBalancerConf;
import dev.berth.lb.config.RuleConf;
import dev.berth.model.Platform;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer and the load balancer attributes.
 *
 * <p>Each load balancer takes one address of the {@link AddressPool}; its DNSName is that address,
 * so {@code curl http://<DNSName>:<port>/} works on the machine running Berth without a resolver.
 * Creation is idempotent as in AWS: the same name with the same settings returns the existing one.
 */
final class LoadBalancerOps {

    static final int MAX_LOAD_BALANCERS = 50;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-]{1,32}");
    /** Route 53 hosted zone ids of us-east-1 load balancers; reported as AWS does, not used. */
    private static final String ALB_ZONE = "Z35SXDOTRQ7X7K";

    private static final String NLB_ZONE = "Z26RNL4JYFTOTI";
    static final String VPC = "vpc-00000000000000000";

    private final ElbState state;
    private final Platform platform;
    private final Plane plane;
    private final AddressPool pool;
    private final Clock clock;

    LoadBalancerOps(ElbState state, Platform platform, Plane plane, AddressPool pool, Clock clock) {
        this.state = state;
        this.platform = platform;
        this.plane = plane;
        this.pool = pool;
        this.clock = clock;
    }

    void register(Map<String, ElbApi.Op> ops) {
        ops.put("CreateLoadBalancer", this::create);
        ops.put("DescribeLoadBalancers", this::describe);
        ops.put("DeleteLoadBalancer", this::delete);
        ops.put("DescribeLoadBalancerAttributes", this::describeAttributes);
        ops.put("ModifyLoadBalancerAttributes", this::modifyAttributes);
    }

    private JsonNode create(ObjectNode in) {
        String name = Json.text(in, "Name");
        checkName(name);
        String type = in.has("Type") ? Json.text(in, "Type") : "application";
        if (!type.equals("application") && !type.equals("network")) {
            throw Errors.validation(
                    "Berth serves load balancers of type 'application' and 'network', not '" + type + "'");
        }
        String scheme = in.has("Scheme") ? Json.text(in, "Scheme") : "internet-facing";
        String ipType = in.has("IpAddressType") ? Json.text(in, "IpAddressType") : "ipv4";
        if (!ipType.equals("ipv4")) {
            throw Errors.validation(
                    "Berth load balancers have IPv4 addresses only; IP address type '" + ipType + "' is not supported");
        }
        if (in.has("Subnets") && in.has("SubnetMappings")) {
            throw Errors.validation("You can specify subnets or subnet mappings, not both");
        }
        if (type.equals("network")
                && in.has("SecurityGroups")
                && in.get("SecurityGroups").size() > 0) {
            // NLBs take security groups in AWS too; Berth has no packet filter, so they are recorded nowhere.
            throw Errors.validation(
                    "Berth load balancers do not filter traffic by security group; omit SecurityGroups");
        }
        Map<String, String> tags = Tags.read(in.get("Tags"));
        if (tags.size() > Tags.MAX) {
            throw Errors.of(
                    "TooManyTags",
                    "The quota for the number of tags that can be assigned to a load balancer has been reached");
        }
        LoadBalancerConf lb = state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            for (LoadBalancerConf existing : s.loadBalancers().values()) {
                if (existing.name().equals(name)) {
                    if (existing.type().equals(type) && existing.scheme().equals(scheme)) {
                        return existing;
                    }
                    throw Errors.of(
                            "DuplicateLoadBalancerName",
                            "A load balancer with the same name '" + name + "' exists, but with different settings");
                }
            }
            if (s.loadBalancers().size() >= MAX_LOAD_BALANCERS) {
                throw Errors.of("TooManyLoadBalancers", "The maximum number of load balancers has been reached");
            }
            String address = pool.allocate(s.loadBalancers().values().stream()
                    .map(LoadBalancerConf::address)
                    .toList());
            String arn = platform.arn(
                            "elasticloadbalancing",
                            "loadbalancer/" + (type.equals("application") ? "app" : "net") + "/" + name + "/"
                                    + Ids.hex16())
                    .toString();
            LoadBalancerConf created = new LoadBalancerConf(
                    arn,
                    name,
                    type,
                    scheme,
                    ipType,
                    address,
                    address,
                    clock.millis(),
                    Attributes.loadBalancerDefaults(type.equals("application")),
                    tags);
            w.put(created);
            return created;
        });
        ObjectNode out = Json.object();
        out.set("LoadBalancers", Json.array().add(render(lb)));
        return out;
    }

    static void checkName(String name) {
        if (name.length() > 32) {
            throw Errors.validation("The load balancer name '" + name + "' cannot be longer than '32' characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw Errors.validation("The load balancer name '" + name
                    + "' can only contain characters that are alphanumeric characters and hyphens(-)");
        }
        if (name.startsWith("-") || name.endsWith("-")) {
            throw Errors.validation("The load balancer name '" + name + "' cannot begin or end with a hyphen(-)");
        }
        if (name.startsWith("internal-")) {
            throw Errors.validation("The load balancer name '" + name + "' cannot begin with 'internal-'");
        }
    }

    private JsonNode describe(ObjectNode in) {
        List<String> arns = Json.strings(in, "LoadBalancerArns");
        List<String> names = Json.strings(in, "Names");
        if (!arns.isEmpty() && !names.isEmpty()) {
            throw Errors.validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
        }
        ElbState.Snapshot s = state.snapshot();
        List<LoadBalancerConf> found = new ArrayList<>();
        if (!arns.isEmpty()) {
            for (String arn : new LinkedHashSet<>(arns)) {
                LoadBalancerConf lb = s.loadBalancers().get(arn);
                if (lb == null) {
                    throw Errors.lbNotFound();
                }
                found.add(lb);
            }
        } else if (!names.isEmpty()) {
            Set<String> missing = new LinkedHashSet<>(names);
            for (LoadBalancerConf lb : s.loadBalancers().values()) {
                if (missing.remove(lb.name())) {
                    found.add(lb);
                }
            }
            if (!missing.isEmpty()) {
                throw Errors.of(
                        "LoadBalancerNotFound", "Load balancers '[" + String.join(", ", missing) + "]' not found");
            }
        } else {
            found.addAll(s.loadBalancers().values());
        }
        ObjectNode out = Json.object();
        Paging.page(found, in, out, "LoadBalancers", this::render);
        return out;
    }

    ObjectNode render(LoadBalancerConf lb) {
        ObjectNode n = Json.object();
        n.put("LoadBalancerArn", lb.arn())
                .put("DNSName", lb.dnsName())
                .put("CanonicalHostedZoneId", lb.application() ? ALB_ZONE : NLB_ZONE)
                .put("CreatedTime", lb.createdMillis() / 1000.0)
                .put("LoadBalancerName", lb.name())
                .put("Scheme", lb.scheme())
                .put("VpcId", VPC);
        String code = plane.loadBalancerState(lb.arn());
        ObjectNode st = n.putObject("State").put("Code", code);
        if (code.equals("failed")) {
            st.put("Reason", "Berth cannot use the address " + lb.address() + " on this host");
        }
        n.put("Type", lb.type());
        ArrayNode azs = n.putArray("AvailabilityZones");
        ObjectNode az =
                azs.addObject().put("ZoneName", platform.region() + "a").put("SubnetId", "subnet-00000000000000000");
        az.putArray("LoadBalancerAddresses").addObject().put("IpAddress", lb.address());
        if (lb.application()) {
            n.putArray("SecurityGroups");
        }
        n.put("IpAddressType", lb.ipAddressType());
        return n;
    }

    private JsonNode delete(ObjectNode in) {
        String arn = Json.text(in, "LoadBalancerArn");
        state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            LoadBalancerConf lb = s.loadBalancers().get(arn);
            if (lb == null) {
                return null; // AWS: deleting a load balancer that does not exist succeeds
            }
            if (lb.attributes()
                    .getOrDefault("deletion_protection.enabled", "false")
                    .equals("true")) {
                throw Errors.of(
                        "OperationNotPermitted",
                        "Load balancer '" + arn + "' cannot be deleted because deletion protection is enabled");
            }
            for (ListenerConf l : s.listenersOf(arn)) {
                for (RuleConf r : s.rulesOf(l.arn())) {
                    w.delete(r);
                }
                w.delete(l);
            }
            w.delete(lb);
            return null;
        });
        return Json.object();
    }

    private LoadBalancerConf require(String arn) {
        return state.loadBalancer(arn).orElseThrow(Errors::lbNotFound);
    }

    private JsonNode describeAttributes(ObjectNode in) {
        LoadBalancerConf lb = require(Json.text(in, "LoadBalancerArn"));
        ObjectNode out = Json.object();
        out.set("Attributes", Json.attributes(lb.attributes()));
        return out;
    }

    private JsonNode modifyAttributes(ObjectNode in) {
        String arn = Json.text(in, "LoadBalancerArn");
        LoadBalancerConf updated = state.change(w -> {
            LoadBalancerConf lb = require(arn);
            LoadBalancerConf next = lb.withAttributes(
                    Attributes.modifyLoadBalancer(lb.application(), lb.attributes(), in.get("Attributes")));
            w.put(next);
            return next;
        });
        ObjectNode out = Json.object();
        out.set("Attributes", Json.attributes(updated.attributes()));
        return out;
    }
}
