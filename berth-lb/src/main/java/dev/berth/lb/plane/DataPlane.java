package dev.berth.lb.plane;

import dev.berth.lb.api.Plane;
import dev.berth.lb.api.References;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.ListenerConf;
import dev.berth.lb.config.LoadBalancerConf;
import dev.berth.lb.config.TargetGroupConf;
import dev.berth.model.error.AwsException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running load balancers: it reconciles servers, target pools and health checks with each new
 * configuration {@link ElbState.Snapshot}, and answers the API's questions about live state.
 *
 * <p>{@link #apply} runs on the thread that changed the configuration, under the configuration
 * lock, so snapshots arrive one at a time and in order; it only starts asynchronous work (server
 * deployments, timers) and never waits for it. Listeners are Vert.x deployments: one
 * {@link HttpListener} on the HTTP listeners' own event loops, or a {@link TcpListener} instance
 * per Vert.x event loop; a change of address, port
 * or idle timeout redeploys, a change of rules or actions just republishes the compiled routes. A
 * one-second sweep ends draining (delay passed, or nothing in flight any more), tells the
 * {@link #onDeregistered listeners} which groups finished a drain, and samples the host-count and
 * connection gauges.
 */
public final class DataPlane implements Plane, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    private final Vertx vertx;
    private final Metrics metrics;
    private final int instances;
    private final int httpThreads;
    private final boolean ioUring;
    /** The event loops of application load balancer listeners, created with the first one. */
    private PlaneTransport httpLoops;

    private final HealthChecker checker;
    private final Map<String, TargetPool> pools = new ConcurrentHashMap<>();
    private final Map<String, Long> healthTimers = new HashMap<>();
    private final Map<String, String> healthTimerKeys = new HashMap<>();
    private final Map<String, ListenerRuntime> listeners = new ConcurrentHashMap<>();
    private final Map<String, String> lbStates = new ConcurrentHashMap<>();
    private final long sweeper;
    private volatile ElbState.Snapshot current = ElbState.Snapshot.EMPTY;
    private long lastGauge;
    private final List<java.util.function.Consumer<String>> deregistered =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param eventLoops Vert.x's event loops (a TCP listener runs one instance on each)
     * @param httpThreads the threads of the event loop group all HTTP listeners share
     * @param ioUring whether that group uses io_uring when the kernel offers it ({@link PlaneTransport})
     */
    public DataPlane(Vertx vertx, Metrics metrics, int eventLoops, int httpThreads, boolean ioUring) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.instances = Math.max(1, eventLoops);
        this.httpThreads = Math.max(1, httpThreads);
        this.ioUring = ioUring;
        this.checker = new HealthChecker(vertx);
        this.sweeper = vertx.setPeriodic(1000, id -> sweep());
    }

    public Metrics metrics() {
        return metrics;
    }

    /**
     * Calls {@code listener} with a target group's ARN (on the sweep's event loop, so it must not
     * block) each time draining targets of that group complete their deregistration.
     */
    public void onDeregistered(java.util.function.Consumer<String> listener) {
        deregistered.add(listener);
    }

    /** Brings the running data plane in line with {@code s}. */
    public synchronized void apply(ElbState.Snapshot s) {
        current = s;
        Set<String> used = new HashSet<>();
        for (LoadBalancerConf lb : s.loadBalancers().values()) {
            used.addAll(References.targetGroupsOf(s, lb.arn()));
            lbStates.computeIfAbsent(lb.arn(), arn -> {
                vertx.executeBlocking(
                                () -> {
                                    checkAddress(lb.address());
                                    return null;
                                },
                                false)
                        .onComplete(ar -> {
                            if (ar.failed()) {
                                LOG.error(
                                        "load balancer {} cannot use its address {}: {}",
                                        lb.name(),
                                        lb.address(),
                                        ar.cause().getMessage());
                            }
                            lbStates.replace(arn, "provisioning", ar.succeeded() ? "active" : "failed");
                        });
                return "provisioning";
            });
        }
        lbStates.keySet().retainAll(s.loadBalancers().keySet());
        for (TargetGroupConf tg : s.targetGroups().values()) {
            TargetPool pool = pools.computeIfAbsent(tg.arn(), a -> new TargetPool(tg, metrics));
            int before = pool.registeredCount();
            pool.update(tg, used.contains(tg.arn()));
            scheduleHealth(pool);
            if (pool.registeredCount() > before && pool.inUse()) {
                for (Backend b : pool.registered()) {
                    if (b.state() == Backend.State.INITIAL && b.reason().equals("Elb.RegistrationInProgress")) {
                        vertx.runOnContext(v -> checker.check(pool, b));
                    }
                }
            }
        }
        for (String arn : new ArrayList<>(pools.keySet())) {
            if (!s.targetGroups().containsKey(arn)) {
                TargetPool gone = pools.remove(arn);
                cancelHealth(arn);
                for (Backend b : gone.registered()) {
                    b.tunnels.forEach(Runnable::run);
                }
            }
        }
        for (ListenerConf l : s.listeners().values()) {
            LoadBalancerConf lb = s.loadBalancers().get(l.loadBalancerArn());
            Routes routes = Routes.compile(s.rulesOf(l.arn()), l.defaultActions(), pools);
            int idle = Integer.parseInt(
                    lb.attributes().getOrDefault("idle_timeout.timeout_seconds", lb.application() ? "60" : "350"));
            ListenerRuntime existing = listeners.get(l.arn());
            ListenerRuntime wanted = new ListenerRuntime(
                    l.arn(), lb.arn(), lb.arnSuffix(), lb.address(), l.port(), lb.application(), idle, metrics, routes);
            if (existing != null && existing.bindingKey().equals(wanted.bindingKey())) {
                existing.routes = routes;
                continue;
            }
            if (existing != null) {
                undeploy(existing);
            }
            listeners.put(l.arn(), wanted);
            deploy(wanted);
        }
        for (String arn : new ArrayList<>(listeners.keySet())) {
            if (!s.listeners().containsKey(arn)) {
                undeploy(listeners.remove(arn));
            }
        }
    }

    private void deploy(ListenerRuntime rt) {
        // An HTTP listener is one server channel whose connections Netty spreads over the HTTP
        // listeners' own event loops; a TCP listener is a Vert.x NetServer instance per event loop.
        DeploymentOptions options = new DeploymentOptions().setInstances(rt.http ? 1 : instances);
        PlaneTransport loops = rt.http ? httpLoops() : null;
        vertx.deployVerticle(() -> rt.http ? new HttpListener(rt, loops) : new TcpListener(rt), options)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        rt.deploymentId = ar.result();
                        if (listeners.get(rt.arn) != rt) {
                            vertx.undeploy(ar.result());
                        } else {
                            LOG.info("listener {}:{} ({}) serving", rt.address, rt.port, rt.http ? "HTTP" : "TCP");
                        }
                    } else {
                        LOG.error(
                                "listener {}:{} cannot start: {}",
                                rt.address,
                                rt.port,
                                ar.cause().toString());
                    }
                });
    }

    private void undeploy(ListenerRuntime rt) {
        String id = rt.deploymentId;
        if (id != null) {
            vertx.undeploy(id);
        }
    }

    private void scheduleHealth(TargetPool pool) {
        boolean wanted = pool.inUse() && pool.conf().healthCheck().enabled();
        String key = pool.conf().healthCheck().toString();
        if (wanted && key.equals(healthTimerKeys.get(pool.arn))) {
            return;
        }
        cancelHealth(pool.arn);
        if (wanted) {
            healthTimers.put(pool.arn, checker.schedule(pool));
            healthTimerKeys.put(pool.arn, key);
        }
    }

    private void cancelHealth(String arn) {
        Long t = healthTimers.remove(arn);
        healthTimerKeys.remove(arn);
        if (t != null) {
            checker.cancel(t);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (TargetPool pool : pools.values()) {
            List<Backend> done = pool.expireDraining(now);
            for (Backend b : done) {
                // past the delay, an ALB closes what is still open; an NLB only with connection termination
                boolean terminate = pool.conf().http()
                        || pool.conf()
                                .attributes()
                                .getOrDefault("deregistration_delay.connection_termination.enabled", "false")
                                .equals("true");
                b.completeDeregistration(terminate);
            }
            if (!done.isEmpty()) {
                for (java.util.function.Consumer<String> l : deregistered) {
                    try {
                        l.accept(pool.arn);
                    } catch (RuntimeException e) {
                        LOG.warn("deregistration listener failed: {}", e.toString());
                    }
                }
            }
        }
        if (now - lastGauge >= TimeUnit.SECONDS.toNanos(10)) {
            lastGauge = now;
            for (TargetPool pool : pools.values()) {
                if (pool.inUse()) {
                    int healthy = pool.healthyCount();
                    metrics.record(Metrics.key("HealthyHostCount", "TargetGroup", pool.dimension), healthy);
                    metrics.record(
                            Metrics.key("UnHealthyHostCount", "TargetGroup", pool.dimension),
                            pool.registeredCount() - healthy);
                }
            }
            Map<String, Integer> active = new HashMap<>();
            for (ListenerRuntime rt : listeners.values()) {
                active.merge(rt.lbDimension, rt.activeConnections.get(), Integer::sum);
            }
            active.forEach((lb, n) -> metrics.record(Metrics.key("ActiveConnectionCount", "LoadBalancer", lb), n));
        }
    }

    @Override
    public String loadBalancerState(String loadBalancerArn) {
        return lbStates.getOrDefault(loadBalancerArn, "provisioning");
    }

    private static void checkAddress(String address) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, 0));
        }
    }

    @Override
    public void checkBindable(String address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            String why;
            if (m.contains("ermission")) {
                why = "ports below 1024 need a process allowed to bind them (run berth as root, give its java binary "
                        + "CAP_NET_BIND_SERVICE, or lower net.ipv4.ip_unprivileged_port_start)";
            } else if (m.contains("in use")) {
                why = "another process is listening on it";
            } else if (m.contains("assign")) {
                why = "the address is not configured on this host";
            } else {
                why = m;
            }
            throw new AwsException(
                    "InvalidConfigurationRequest", 400, "Berth cannot listen on " + address + ":" + port + ": " + why);
        }
    }

    @Override
    public List<TargetHealthView> health(TargetGroupConf tg) {
        TargetPool pool = pools.get(tg.arn());
        List<TargetHealthView> out = new ArrayList<>();
        if (pool == null) {
            return out;
        }
        boolean inUse = pool.inUse();
        boolean enabled = tg.healthCheck().enabled();
        for (Backend b : pool.registered()) {
            int hcPort = tg.healthCheck().portFor(b.port);
            if (!inUse) {
                out.add(new TargetHealthView(
                        b.id,
                        b.port,
                        b.availabilityZone,
                        hcPort,
                        "unused",
                        "Target.NotInUse",
                        "Target group is not configured to receive traffic from the load balancer"));
            } else if (!enabled) {
                out.add(new TargetHealthView(
                        b.id,
                        b.port,
                        b.availabilityZone,
                        hcPort,
                        "unavailable",
                        "Target.HealthCheckDisabled",
                        "Health checks disabled"));
            } else {
                out.add(new TargetHealthView(
                        b.id,
                        b.port,
                        b.availabilityZone,
                        hcPort,
                        b.state().name().toLowerCase(java.util.Locale.ROOT),
                        b.reason(),
                        b.description()));
            }
        }
        for (Backend b : pool.drainingBackends()) {
            out.add(new TargetHealthView(
                    b.id,
                    b.port,
                    b.availabilityZone,
                    tg.healthCheck().portFor(b.port),
                    "draining",
                    b.reason(),
                    b.description()));
        }
        return out;
    }

    /**
     * HTTP listeners run on event loops of their own, not on Vert.x's: their number is an operator
     * setting (`berth server --lb-threads`), and proxy traffic and API requests do not queue
     * behind each other. io_uring when the kernel offers it (bench/lb.sh: about half the CPU per
     * request of epoll here), else the same transport as Vert.x (native epoll when it loads).
     */
    private PlaneTransport httpLoops() {
        if (httpLoops == null) {
            httpLoops = PlaneTransport.create((VertxInternal) vertx, httpThreads, ioUring);
            LOG.info("application load balancers: {} event loop thread(s), {}", httpThreads, httpLoops.name());
        }
        return httpLoops;
    }

    @Override
    public synchronized void close() {
        vertx.cancelTimer(sweeper);
        healthTimers.values().forEach(checker::cancel);
        List<io.vertx.core.Future<?>> stopping = new ArrayList<>();
        for (ListenerRuntime rt : listeners.values()) {
            if (rt.deploymentId != null) {
                stopping.add(vertx.undeploy(rt.deploymentId));
            }
        }
        listeners.clear();
        try {
            io.vertx.core.Future.join(stopping)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("load balancer listeners did not stop cleanly: {}", e.toString());
        }
        checker.close();
        if (httpLoops != null) {
            httpLoops.loops().shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
