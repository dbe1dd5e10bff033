package dev.berth.lb.plane;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the event-loop instances of one listener share: where it listens, its compiled routes
 * (republished on every configuration change), its load balancer's settings and counters.
 *
 * @param lbDimension the CloudWatch {@code LoadBalancer} dimension, e.g. {@code app/web/50dc6c495c0c9188}
 */
final class ListenerRuntime {

    final String arn;
    final String lbArn;
    final String lbDimension;
    final String address;
    final int port;
    final boolean http;
    final int idleTimeoutSeconds;
    final Metrics metrics;
    final AtomicInteger activeConnections = new AtomicInteger();
    volatile Routes routes;
    volatile boolean preserveHost;
    volatile String deploymentId;

    ListenerRuntime(
            String arn,
            String lbArn,
            String lbDimension,
            String address,
            int port,
            boolean http,
            int idleTimeoutSeconds,
            Metrics metrics,
            Routes routes) {
        this.arn = arn;
        this.lbArn = lbArn;
        this.lbDimension = lbDimension;
        this.address = address;
        this.port = port;
        this.http = http;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.metrics = metrics;
        this.routes = routes;
    }

    /** Listener identity for reconciliation: a change of any of these needs a new server. */
    String bindingKey() {
        return address + ":" + port + ":" + http + ":" + idleTimeoutSeconds;
    }
}
