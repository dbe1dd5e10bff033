package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.ListenerConf;
import dev.berth.lb.config.LoadBalancerConf;
import dev.berth.lb.config.RuleConf;
import dev.berth.model.Platform;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * CreateListener, ModifyListener, DeleteListener, DescribeListeners. HTTP listeners belong to
 * application load balancers, TCP listeners to network load balancers; TLS termination (HTTPS, TLS)
 * is not offered. A listener's port is checked to be bindable on the load balancer's address before
 * it is recorded, so a privileged port or a port taken by another process is a clear error rather
 * than a listener that silently never serves.
 */
final class ListenerOps {

    static final int MAX_LISTENERS = 50;

    private final ElbState state;
    private final Platform platform;
    private final Plane plane;

    ListenerOps(ElbState state, Platform platform, Plane plane) {
        this.state = state;
        this.platform = platform;
        this.plane = plane;
    }

    void register(Map<String, ElbApi.Op> ops) {
        ops.put("CreateListener", this::create);
        ops.put("DescribeListeners", this::describe);
        ops.put("ModifyListener", this::modify);
        ops.put("DeleteListener", this::delete);
    }

    private static String protocolFor(LoadBalancerConf lb, String protocol) {
        String p = protocol != null ? protocol : lb.application() ? "HTTP" : "TCP";
        if (p.equals("HTTPS") || p.equals("TLS")) {
            throw Errors.of(
                    "UnsupportedProtocol", "Berth does not terminate TLS; protocol '" + p + "' is not supported");
        }
        if (lb.application() && !p.equals("HTTP") || !lb.application() && !p.equals("TCP")) {
            throw Errors.of(
                    "UnsupportedProtocol",
                    "Protocol '" + p + "' is not supported by load balancers of type '" + lb.type() + "'");
        }
        return p;
    }

    private JsonNode create(ObjectNode in) {
        String lbArn = Json.text(in, "LoadBalancerArn");
        Integer port = Json.integer(in, "Port");
        if (in.has("Certificates") || in.has("SslPolicy") || in.has("AlpnPolicy")) {
            throw Errors.validation(
                    "Certificates, SSL policies and ALPN policies apply to TLS listeners, which Berth does not offer");
        }
        Map<String, String> tags = Tags.read(in.get("Tags"));
        ListenerConf l = state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            LoadBalancerConf lb = s.loadBalancers().get(lbArn);
            if (lb == null) {
                throw Errors.lbNotFound();
            }
            String protocol = protocolFor(lb, Json.text(in, "Protocol"));
            if (port == null) {
                throw Errors.validation("A listener port must be specified");
            }
            ArrayNode actions = Actions.actions(s, lb, in.get("DefaultActions"));
            for (ListenerConf existing : s.listenersOf(lbArn)) {
                if (existing.port() == port) {
                    if (existing.protocol().equals(protocol)
                            && existing.defaultActions().equals(actions)) {
                        return existing;
                    }
                    throw Errors.of(
                            "DuplicateListener",
                            "A listener already exists on this port for this load balancer '" + lbArn + "'");
                }
            }
            if (s.listenersOf(lbArn).size() >= MAX_LISTENERS) {
                throw Errors.of(
                        "TooManyListeners", "You've reached the limit on the number of listeners per load balancer");
            }
            plane.checkBindable(lb.address(), port);
            String arn = platform.arn("elasticloadbalancing", "listener/" + lb.arnSuffix() + "/" + Ids.hex16())
                    .toString();
            ListenerConf created = new ListenerConf(arn, lbArn, protocol, port, actions, tags);
            w.put(created);
            return created;
        });
        ObjectNode out = Json.object();
        out.set("Listeners", Json.array().add(render(l)));
        return out;
    }

    static ObjectNode render(ListenerConf l) {
        ObjectNode n = Json.object()
                .put("ListenerArn", l.arn())
                .put("LoadBalancerArn", l.loadBalancerArn())
                .put("Port", l.port())
                .put("Protocol", l.protocol());
        n.set("DefaultActions", l.defaultActions().deepCopy());
        return n;
    }

    private JsonNode describe(ObjectNode in) {
        String lbArn = Json.text(in, "LoadBalancerArn");
        List<String> arns = Json.strings(in, "ListenerArns");
        if (lbArn == null && arns.isEmpty()) {
            throw Errors.validation("You must specify either listener ARNs or a load balancer ARN");
        }
        if (lbArn != null && !arns.isEmpty()) {
            throw Errors.validation("Listener ARNs and a load balancer ARN cannot be specified at the same time");
        }
        ElbState.Snapshot s = state.snapshot();
        List<ListenerConf> found = new ArrayList<>();
        if (lbArn != null) {
            if (!s.loadBalancers().containsKey(lbArn)) {
                throw Errors.lbNotFound();
            }
            found.addAll(s.listenersOf(lbArn));
        } else {
            for (String arn : new LinkedHashSet<>(arns)) {
                ListenerConf l = s.listeners().get(arn);
                if (l == null) {
                    throw Errors.listenerNotFound();
                }
                found.add(l);
            }
        }
        ObjectNode out = Json.object();
        Paging.page(found, in, out, "Listeners", ListenerOps::render);
        return out;
    }

    private JsonNode modify(ObjectNode in) {
        String arn = Json.text(in, "ListenerArn");
        if (in.has("Certificates") || in.has("SslPolicy") || in.has("AlpnPolicy")) {
            throw Errors.validation(
                    "Certificates, SSL policies and ALPN policies apply to TLS listeners, which Berth does not offer");
        }
        ListenerConf updated = state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            ListenerConf l = s.listeners().get(arn);
            if (l == null) {
                throw Errors.listenerNotFound();
            }
            LoadBalancerConf lb = s.loadBalancers().get(l.loadBalancerArn());
            String protocol = in.has("Protocol") ? protocolFor(lb, Json.text(in, "Protocol")) : l.protocol();
            int port = in.has("Port") ? in.get("Port").asInt() : l.port();
            ArrayNode actions =
                    in.has("DefaultActions") ? Actions.actions(s, lb, in.get("DefaultActions")) : l.defaultActions();
            if (port != l.port()) {
                for (ListenerConf other : s.listenersOf(lb.arn())) {
                    if (other.port() == port) {
                        throw Errors.of(
                                "DuplicateListener",
                                "A listener already exists on this port for this load balancer '" + lb.arn() + "'");
                    }
                }
                plane.checkBindable(lb.address(), port);
            }
            ListenerConf next = new ListenerConf(l.arn(), l.loadBalancerArn(), protocol, port, actions, l.tags());
            w.put(next);
            return next;
        });
        ObjectNode out = Json.object();
        out.set("Listeners", Json.array().add(render(updated)));
        return out;
    }

    private JsonNode delete(ObjectNode in) {
        String arn = Json.text(in, "ListenerArn");
        state.change(w -> {
            ElbState.Snapshot s = state.snapshot();
            ListenerConf l = s.listeners().get(arn);
            if (l == null) {
                throw Errors.listenerNotFound();
            }
            for (RuleConf r : s.rulesOf(arn)) {
                w.delete(r);
            }
            w.delete(l);
            return null;
        });
        return Json.object();
    }
}
