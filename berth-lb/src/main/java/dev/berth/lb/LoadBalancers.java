package dev.berth.lb;

import dev.berth.lb.api.AddressPool;
import dev.berth.lb.api.ElbApi;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.plane.DataPlane;
import dev.berth.lb.plane.Metrics;
import dev.berth.model.Platform;
import dev.berth.model.lb.LoadBalancerTargets;
import dev.berth.module.Contributions;
import dev.berth.module.ServiceModule;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.query.QueryService;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * Berth's Elastic Load Balancing: the configuration (in the state store), the ELBv2 API the front
 * door serves, the data plane that carries the traffic, and the view the ECS service scheduler
 * uses. Start-up loads the stored configuration and starts every stored listener again.
 */
public final class LoadBalancers implements ServiceModule {

    private final ElbApi api;
    private final DataPlane plane;
    private final ElbTargets targets;

    /**
     * @param addresses the address pool, e.g. {@code 127.0.100.10-127.0.100.250} ({@link AddressPool})
     * @param instanceAddress maps an EC2 instance id (a container instance's) to its host address
     * @param httpThreads event loop threads for application load balancer traffic, 0 for {@link #defaultHttpThreads()}
     * @param ioUring whether those event loops use io_uring when the kernel offers it
     */
    public LoadBalancers(
            Vertx vertx,
            StateStore store,
            Documents docs,
            Platform platform,
            ServiceModel model,
            String addresses,
            Clock clock,
            Function<String, Optional<String>> instanceAddress,
            int httpThreads,
            boolean ioUring) {
        ElbState state = new ElbState(store, docs);
        this.plane = new DataPlane(
                vertx,
                new Metrics(clock),
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                httpThreads > 0 ? httpThreads : defaultHttpThreads(),
                ioUring);
        this.api = new ElbApi(model, state, platform, plane, new AddressPool(addresses), clock, instanceAddress);
        this.targets = new ElbTargets(state, api.targets(), plane);
        state.onChange(plane::apply);
        plane.apply(state.snapshot());
    }

    /**
     * Half the processors, at least one: the targets usually run on the same machines as the load
     * balancers, and on a small machine one proxy thread competing less with them serves more.
     */
    public static int defaultHttpThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    @Override
    public String name() {
        return "elbv2";
    }

    @Override
    public void contribute(Contributions to) {
        to.query(api);
    }

    public QueryService api() {
        return api;
    }

    public LoadBalancerTargets targets() {
        return targets;
    }

    public Metrics metrics() {
        return plane.metrics();
    }

    @Override
    public void close() {
        plane.close();
    }
}
