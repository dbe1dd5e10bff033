package dev.berth.module;

/**
 * One service family (ECS, the secret stores, CloudWatch Logs, IAM/STS, the registry, the load
 * balancers, the object store) as the server sees it: the one seam through which a module hands
 * the server what it serves and runs.
 *
 * <p>A module is built by the server from a {@link ModuleContext} (the shared infrastructure) and
 * the seams of the modules it needs, which are interfaces in {@code berth-model} (for example
 * {@code LoadBalancerTargets}, {@code SecretValues}, {@code LogSink}); it never sees another
 * module's classes. The server then asks every module for its {@link Contributions}: API
 * operation tables for the front door, other HTTP routes (the registry's {@code /v2/}, the agent
 * protocol), background jobs and document migrations. Start-up order is the order of the list the
 * server composes; {@link #close()} runs in reverse order.
 *
 * <p>Lifecycle: constructed (no threads, no listeners yet) → {@link #contribute} once →
 * {@link #start()} once after the front door listens → {@link #close()} once.
 */
public interface ServiceModule extends AutoCloseable {

    /** A short name for logs ({@code ecs}, {@code secrets}, ...). */
    String name();

    /** Adds what this module serves and runs to {@code to}; called once, before the front door starts. */
    void contribute(Contributions to);

    /**
     * Starts the module's own controllers (threads, loops) once the server is listening; jobs given
     * to {@link Contributions#every} are scheduled by the server and need nothing here.
     */
    default void start() {}

    /** Stops what {@link #start()} started and releases the module's resources. */
    @Override
    default void close() {}
}
