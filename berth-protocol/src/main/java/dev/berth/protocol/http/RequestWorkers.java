package dev.berth.protocol.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shutting down the virtual-thread executors that run request handlers. A handler that is still
 * running when the server stops must be allowed to reply before Vert.x's event loops go away (its
 * reply hops back to the request's context), so closing waits for in-flight handlers, bounded,
 * and interrupts whatever is left after that.
 */
public final class RequestWorkers {

    /** How long a stopping server waits for in-flight handlers. */
    public static final long DRAIN_SECONDS = 5;

    private RequestWorkers() {}

    /** Stops taking work and waits up to {@link #DRAIN_SECONDS} for running handlers, then interrupts them. */
    public static void drain(ExecutorService workers) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
