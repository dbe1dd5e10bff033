package dev.berth.lb.plane;

import dev.berth.lb.config.TargetConf;
import dev.berth.lb.config.TargetGroupConf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live side of one target group: its backends (registered and draining), which of them may
 * take new traffic, and the choice of one for a request or connection.
 *
 * <p>Routable backends are the healthy ones; when none is healthy the group fails open to every
 * registered backend, as ELB does; with health checks disabled every registered backend is
 * routable. Draining backends never take new traffic. The routable set is an array republished
 * (volatile) whenever a registration or a health state changes, so the event loops pick without
 * locking. Changes to the membership happen under this object's lock.
 */
public final class TargetPool {

    final String arn;
    final String dimension;
    private volatile TargetGroupConf conf;
    /** The group's attributes the data plane reads per request, parsed once per configuration. */
    private volatile Tuning tuning;

    private volatile boolean inUse;
    private final Map<String, Backend> registered = new LinkedHashMap<>();
    private final List<Backend> draining = new ArrayList<>();
    private volatile Backend[] all = new Backend[0];
    private volatile Backend[] routable = new Backend[0];
    private final AtomicInteger next = new AtomicInteger();

    /** This group's request metrics, resolved once. */
    final Metrics.Series requestCount;

    final Metrics.Series responseTime;
    /** HTTPCode_Target_2XX..5XX_Count, indexed by status / 100 - 2. */
    final Metrics.Series[] targetCodes = new Metrics.Series[4];

    TargetPool(TargetGroupConf conf, Metrics metrics) {
        this.arn = conf.arn();
        this.dimension = conf.arn().substring(conf.arn().indexOf(":targetgroup/") + 1);
        this.conf = conf;
        this.tuning = Tuning.of(conf);
        this.requestCount = metrics.series(Metrics.key("RequestCount", "TargetGroup", dimension));
        this.responseTime = metrics.series(Metrics.key("TargetResponseTime", "TargetGroup", dimension));
        for (int i = 0; i < 4; i++) {
            targetCodes[i] =
                    metrics.series(Metrics.key("HTTPCode_Target_" + (i + 2) + "XX_Count", "TargetGroup", dimension));
        }
    }

    public TargetGroupConf conf() {
        return conf;
    }

    /**
     * The attributes a request needs: the algorithm, slow start, lb_cookie stickiness.
     *
     * @param cookieSeconds stickiness.lb_cookie.duration_seconds
     */
    record Tuning(
            boolean leastOutstanding, boolean weightedRandom, int slowStartSeconds, boolean sticky, int cookieSeconds) {

        static Tuning of(TargetGroupConf c) {
            Map<String, String> a = c.attributes();
            String algorithm = a.getOrDefault("load_balancing.algorithm.type", "round_robin");
            return new Tuning(
                    algorithm.equals("least_outstanding_requests"),
                    algorithm.equals("weighted_random"),
                    Integer.parseInt(a.getOrDefault("slow_start.duration_seconds", "0")),
                    a.getOrDefault("stickiness.enabled", "false").equals("true"),
                    Integer.parseInt(a.getOrDefault("stickiness.lb_cookie.duration_seconds", "86400")));
        }
    }

    Tuning tuning() {
        return tuning;
    }

    public boolean inUse() {
        return inUse;
    }

    private static String key(String id, int port) {
        return id + ":" + port;
    }

    /** Applies a new configuration: new targets start {@code initial}, removed ones drain. */
    synchronized void update(TargetGroupConf next, boolean nowInUse) {
        boolean wasInUse = inUse;
        this.conf = next;
        this.tuning = Tuning.of(next);
        this.inUse = nowInUse;
        Map<String, TargetConf> wanted = new LinkedHashMap<>();
        for (TargetConf t : next.targets()) {
            wanted.put(key(t.id(), t.port()), t);
        }
        long delay = next.deregistrationDelaySeconds() * 1_000_000_000L;
        registered.entrySet().removeIf(e -> {
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().drain(delay);
                draining.add(e.getValue());
                return true;
            }
            return false;
        });
        for (Map.Entry<String, TargetConf> e : wanted.entrySet()) {
            if (!registered.containsKey(e.getKey())) {
                TargetConf t = e.getValue();
                draining.removeIf(b -> b.id.equals(t.id()) && b.port == t.port());
                registered.put(e.getKey(), new Backend(t.id(), t.port(), t.address(), t.availabilityZone()));
            }
        }
        if (!nowInUse || wasInUse != nowInUse || !next.healthCheck().enabled()) {
            registered.values().forEach(Backend::reset);
        }
        recompute();
    }

    /** How long a drain lasts at least before it may end early for an idle target. */
    static final long DRAIN_SETTLE_NANOS = 1_000_000_000L;

    /**
     * Drops draining backends that are done: the delay has passed, or nothing is in flight through
     * them any more (see {@link Backend#drainDone}); returns them so their connections can be closed.
     */
    synchronized List<Backend> expireDraining(long nowNanos) {
        List<Backend> gone = new ArrayList<>();
        draining.removeIf(b -> {
            if (b.drainDone(nowNanos, DRAIN_SETTLE_NANOS)) {
                gone.add(b);
                return true;
            }
            return false;
        });
        return gone;
    }

    synchronized void recompute() {
        Backend[] regs = registered.values().toArray(new Backend[0]);
        all = regs;
        if (!conf.healthCheck().enabled()) {
            routable = regs;
            return;
        }
        List<Backend> healthy = new ArrayList<>();
        for (Backend b : regs) {
            if (b.state() == Backend.State.HEALTHY) {
                healthy.add(b);
            }
        }
        routable = healthy.isEmpty() ? regs : healthy.toArray(new Backend[0]);
    }

    /** Registered backends, for the health checker. */
    Backend[] registered() {
        return all;
    }

    synchronized List<Backend> drainingBackends() {
        return new ArrayList<>(draining);
    }

    int registeredCount() {
        return all.length;
    }

    int healthyCount() {
        int n = 0;
        for (Backend b : all) {
            if (b.state() == Backend.State.HEALTHY) {
                n++;
            }
        }
        return n;
    }

    /** The backend a sticky cookie names, if it is still routable. */
    Backend sticky(String cookieKey) {
        for (Backend b : routable) {
            if (key(b.id, b.port).equals(cookieKey)) {
                return b;
            }
        }
        return null;
    }

    static String cookieKey(Backend b) {
        return key(b.id, b.port);
    }

    /** Chooses a backend for an HTTP request by the group's algorithm, or null when none is registered. */
    Backend pickForRequest() {
        Backend[] r = routable;
        int n = r.length;
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return r[0];
        }
        Tuning t = tuning;
        if (t.leastOutstanding()) {
            int start = Math.floorMod(next.getAndIncrement(), n);
            Backend best = r[start];
            for (int i = 1; i < n; i++) {
                Backend b = r[(start + i) % n];
                if (b.inFlight() < best.inFlight()) {
                    best = b;
                }
            }
            return best;
        }
        if (t.weightedRandom()) {
            return r[ThreadLocalRandom.current().nextInt(n)];
        }
        int slowStart = t.slowStartSeconds();
        for (int attempt = 0; attempt < n; attempt++) {
            Backend b = r[Math.floorMod(next.getAndIncrement(), n)];
            if (slowStart == 0 || inSlowStartAccepts(b, slowStart)) {
                return b;
            }
        }
        return r[Math.floorMod(next.getAndIncrement(), n)];
    }

    /** Slow start: a newly healthy backend takes a share of requests that grows linearly over the window. */
    private static boolean inSlowStartAccepts(Backend b, int slowStartSeconds) {
        long since = b.healthySinceNanos();
        if (since == 0) {
            return true;
        }
        double elapsed = (System.nanoTime() - since) / 1e9;
        return elapsed >= slowStartSeconds || ThreadLocalRandom.current().nextDouble() < elapsed / slowStartSeconds;
    }

    /** Chooses a backend for a TCP flow by its hash (the same flow always lands on the same backend). */
    Backend pickForFlow(int flowHash) {
        Backend[] r = routable;
        return r.length == 0 ? null : r[Math.floorMod(flowHash, r.length)];
    }
}
