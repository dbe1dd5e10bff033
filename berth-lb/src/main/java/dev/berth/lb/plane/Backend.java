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
 * group's deregistration delay has passed. Only the health checker thread of its group calls
 * {@link #passed}/{@link #failed}; the event loops read the volatile state.
 */
public final class Backend {

    /** ELBv2 target health states. */
    public enum State { INITIAL, HEALTHY, UNHEALTHY, DRAINING }

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
        drainUntilNanos = System.nanoTime() + delayNanos;
    }

    @Override
    public String toString() {
        return id + ":" + port + "@" + address + " " + state;
    }
}
