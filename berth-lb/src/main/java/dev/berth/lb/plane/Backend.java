package dev.berth.lb.plane;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registered (or draining) target of a target group as the data plane sees it: where to
 * connect, its health state machine, and how many requests (ALB) or connections (NLB) it has in
 * flight.
 *
 * <p>Health transitions, as ELBv2 documents them: a new target is {@code initial} and becomes
 * {@code healthy} after one passing check; it becomes {@code unhealthy} after
 * UnhealthyThresholdCount consecutive failures; an unhealthy target becomes healthy again after
 * HealthyThresholdCount consecutive passes. Deregistration moves it to {@code draining} until the
 * group's deregistration delay has passed, or earlier once nothing is in flight through it (ELB:
 * "If a deregistering target has no in-flight requests and no active connections, Elastic Load
 * Balancing immediately completes the deregistration process"); then it is {@link #gone()}. Only
 * the health checker thread of its group calls {@link #passed}/{@link #failed}; the event loops read
 * the volatile state.
 *
 * <p>{@link #inFlight} counts ALB exchanges (a WebSocket tunnel stays one until it closes) and NLB
 * connections, so "idle" is {@code inFlight == 0}. Keep-alive target connections that merely wait in
 * a pool are not in flight: a data plane that pools connections to this backend registers them with
 * {@link #attach}, and they are closed when the backend is gone.
 */
public final class Backend {

    /** ELBv2 target health states. */
    public enum State {
        INITIAL,
        HEALTHY,
        UNHEALTHY,
        DRAINING
    }

    final String id;
    final int port;
    final String address;
    final String availabilityZone;
    /** Where the data plane connects, resolved once (an IP literal needs no resolver). */
    final java.net.InetSocketAddress inetSocketAddress;
    /** The Host header for a request that came without one (HTTP/1.0). */
    final String hostHeader;

    final AtomicInteger inFlight = new AtomicInteger();
    /** Long-lived flows (NLB connections, WebSocket tunnels) to close when draining ends. */
    final java.util.Set<Runnable> tunnels = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private volatile State state = State.INITIAL;
    private volatile String reason = "Elb.RegistrationInProgress";
    private volatile String description = "Target registration is in progress";
    private volatile long healthySinceNanos;
    private volatile long drainUntilNanos;
    private volatile long drainStartNanos;
    private volatile boolean gone;
    /** Pooled (idle or busy) target connections to close when this backend is gone; see {@link #attach}. */
    private final java.util.Set<io.netty.channel.Channel> connections =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    private int successes;
    private int failures;

    Backend(String id, int port, String address, String availabilityZone) {
        this.id = id;
        this.port = port;
        this.address = address;
        this.availabilityZone = availabilityZone;
        this.inetSocketAddress = new java.net.InetSocketAddress(address, port);
        this.hostHeader = (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    public State state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    public String description() {
        return description;
    }

    public int inFlight() {
        return inFlight.get();
    }

    long healthySinceNanos() {
        return healthySinceNanos;
    }

    long drainUntilNanos() {
        return drainUntilNanos;
    }

    long drainStartNanos() {
        return drainStartNanos;
    }

    /** Whether the backend's deregistration has completed: it takes no traffic and keeps no connection. */
    public boolean gone() {
        return gone;
    }

    /**
     * Registers a target connection to this backend (called once when the connection is opened), so
     * that it is closed when the backend is gone: a keep-alive connection idle in a pool must not keep
     * a deregistered target's socket open. A connection that closes first is forgotten.
     */
    public void attach(io.netty.channel.Channel channel) {
        connections.add(channel);
        channel.closeFuture().addListener(f -> connections.remove(channel));
        if (gone) {
            channel.close();
        }
    }

    /**
     * Ends the deregistration: the backend is gone, its pooled connections are closed, and with
     * {@code terminate} so are its long-lived flows (WebSocket tunnels, NLB connections with
     * connection termination).
     */
    void completeDeregistration(boolean terminate) {
        gone = true;
        for (io.netty.channel.Channel c : connections) {
            c.close();
        }
        if (terminate) {
            tunnels.forEach(Runnable::run);
        }
    }

    /**
     * Whether draining may end now: the delay has passed, or nothing is in flight and the drain began
     * at least {@code settleNanos} ago (a request that chose this backend just before it started
     * draining has by then counted itself in flight).
     */
    boolean drainDone(long nowNanos, long settleNanos) {
        return nowNanos - drainUntilNanos >= 0 || inFlight.get() == 0 && nowNanos - drainStartNanos >= settleNanos;
    }

    synchronized void checking() {
        if (state == State.INITIAL && reason.equals("Elb.RegistrationInProgress")) {
            reason = "Elb.InitialHealthChecking";
            description = "Initial health checks in progress";
        }
    }

    synchronized void passed(int healthyThreshold) {
        if (state == State.DRAINING) {
            return;
        }
        failures = 0;
        successes++;
        if (state == State.INITIAL || state == State.UNHEALTHY && successes >= healthyThreshold) {
            state = State.HEALTHY;
            reason = null;
            description = null;
            healthySinceNanos = System.nanoTime();
        }
    }

    synchronized void failed(int unhealthyThreshold, String failReason, String failDescription) {
        if (state == State.DRAINING) {
            return;
        }
        successes = 0;
        failures++;
        if (state == State.UNHEALTHY) {
            reason = failReason;
            description = failDescription;
        } else if (failures >= unhealthyThreshold) {
            state = State.UNHEALTHY;
            reason = failReason;
            description = failDescription;
        }
    }

    /** Health checks are disabled or the group is not in use: start over when checks resume. */
    synchronized void reset() {
        if (state == State.DRAINING) {
            return;
        }
        state = State.INITIAL;
        reason = "Elb.RegistrationInProgress";
        description = "Target registration is in progress";
        successes = 0;
        failures = 0;
    }

    synchronized void drain(long delayNanos) {
        state = State.DRAINING;
        reason = "Target.DeregistrationInProgress";
        description = "Target deregistration is in progress";
        drainStartNanos = System.nanoTime();
        drainUntilNanos = drainStartNanos + delayNanos;
    }

    @Override
    public String toString() {
        return id + ":" + port + "@" + address + " " + state;
    }
}
