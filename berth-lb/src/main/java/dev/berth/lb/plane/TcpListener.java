package dev.berth.lb.plane;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * One event loop's share of a network load balancer listener: a TCP server on the load balancer's
 * address that connects each accepted connection to one target, chosen by a hash of the flow
 * (client address and port, listener address and port), and pipes bytes both ways until either
 * side closes. A target that refuses the connection gets the client's connection closed, as an NLB
 * resets it. The connection counts against its backend, so draining can wait for it and, with
 * {@code deregistration_delay.connection_termination.enabled}, close it when the delay ends.
 */
final class TcpListener extends VerticleBase {

    private final ListenerRuntime rt;
    private final String newFlows;
    private final String resets;
    private NetServer server;
    private NetClient client;

    TcpListener(ListenerRuntime rt) {
        this.rt = rt;
        this.newFlows = Metrics.key("NewFlowCount", "LoadBalancer", rt.lbDimension);
        this.resets = Metrics.key("TCP_ELB_Reset_Count", "LoadBalancer", rt.lbDimension);
    }

    @Override
    public Future<?> start() {
        client =
                vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
        server = vertx.createNetServer(
                new NetServerOptions().setHost(rt.address).setPort(rt.port).setTcpNoDelay(true));
        server.connectHandler(this::accept);
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        return server.close().eventually(() -> client.close());
    }

    private void accept(NetSocket front) {
        front.pause();
        rt.activeConnections.incrementAndGet();
        rt.metrics.record(newFlows, 1);
        front.closeHandler(v -> rt.activeConnections.decrementAndGet());
        Routes.Forward f = (Routes.Forward) rt.routes.defaultAction();
        TargetPool pool = f.choose();
        int hash = (front.remoteAddress().hostAddress() + ":"
                        + front.remoteAddress().port() + ">" + rt.address + ":" + rt.port)
                .hashCode();
        Backend b = pool == null ? null : pool.pickForFlow(hash * 0x9E3779B1);
        if (b == null) {
            rt.metrics.record(resets, 1);
            front.close();
            return;
        }
        b.inFlight.incrementAndGet();
        client.connect(b.port, b.address).onComplete(ar -> {
            if (ar.failed()) {
                b.inFlight.decrementAndGet();
                rt.metrics.record(resets, 1);
                front.close();
                return;
            }
            NetSocket back = ar.result();
            Runnable close = () -> {
                front.close();
                back.close();
            };
            b.tunnels.add(close);
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable finish = () -> {
                if (done.compareAndSet(false, true)) {
                    b.inFlight.decrementAndGet();
                    b.tunnels.remove(close);
                }
            };
            front.closeHandler(v -> {
                rt.activeConnections.decrementAndGet();
                back.close();
                finish.run();
            });
            back.closeHandler(v -> {
                front.close();
                finish.run();
            });
            front.pipeTo(back);
            back.pipeTo(front);
        });
    }
}
