package dev.berth.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Docker's event stream for this agent's containers (label {@code dev.berth.instance})
 * and hands each container event to a router, so workers learn of exits and health changes
 * without polling. Runs on one virtual thread; when the stream breaks it reconnects from the last
 * event's time and asks every worker to re-inspect ({@code onResync}), because events may have
 * been lost. Workers also re-inspect periodically, so a lost event delays, never loses, a change.
 */
final class DockerEventStream implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(DockerEventStream.class);

    /** Receives one container event. */
    @FunctionalInterface
    interface Router {
        void route(String taskArn, String containerName, String action);
    }

    private final DockerClient docker;
    private final String instanceId;
    private final Router router;
    private final Runnable onResync;
    private volatile boolean open = true;
    private volatile ResultCallback.Adapter<Event> current;
    private volatile long lastEventSeconds;
    private volatile boolean subscribed;
    private final Thread thread;

    private DockerEventStream(DockerClient docker, String instanceId, Router router, Runnable onResync) {
        this.docker = docker;
        this.instanceId = instanceId;
        this.router = router;
        this.onResync = onResync;
        this.thread =
                Thread.ofVirtual().name("berth-docker-events-" + instanceId).unstarted(this::loop);
    }

    /** Subscribes and waits (briefly) until Docker has accepted the subscription. */
    static DockerEventStream start(DockerClient docker, String instanceId, Router router, Runnable onResync) {
        var stream = new DockerEventStream(docker, instanceId, router, onResync);
        var subscribed = new CountDownLatch(1);
        stream.subscribe(subscribed);
        try {
            if (!subscribed.await(10, TimeUnit.SECONDS)) {
                log.warn("Docker event stream not confirmed yet; relying on periodic inspection");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stream.thread.start();
        return stream;
    }

    private void subscribe(CountDownLatch subscribed) {
        var cmd = docker.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withLabelFilter(Map.of(Labels.INSTANCE, instanceId));
        if (lastEventSeconds > 0) {
            cmd.withSince(Long.toString(lastEventSeconds));
        }
        current = cmd.exec(new ResultCallback.Adapter<>() {
            @Override
            public void onStart(Closeable stream) {
                super.onStart(stream);
                DockerEventStream.this.subscribed = true;
                subscribed.countDown();
            }

            @Override
            public void onNext(Event event) {
                deliver(event);
            }
        });
    }

    private void deliver(Event event) {
        if (event.getTime() != null) {
            lastEventSeconds = event.getTime();
        }
        var actor = event.getActor();
        if (actor == null || actor.getAttributes() == null || event.getAction() == null) {
            return;
        }
        String arn = actor.getAttributes().get(Labels.TASK_ARN);
        String name = actor.getAttributes().get(Labels.CONTAINER_NAME);
        if (arn != null && name != null) {
            router.route(arn, name, event.getAction());
        }
    }

    private void loop() {
        while (open) {
            try {
                current.awaitCompletion();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.debug("Docker event stream ended: {}", e.toString());
            }
            subscribed = false;
            if (!open) {
                return;
            }
            log.warn("Docker event stream ended; reconnecting");
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            try {
                subscribe(new CountDownLatch(1));
                onResync.run();
            } catch (RuntimeException e) {
                log.warn("Docker event stream reconnect failed: {}", e.toString());
            }
        }
    }

    /** False from the moment the stream breaks until Docker accepts a new subscription. */
    boolean subscribed() {
        return subscribed;
    }

    @Override
    public void close() {
        open = false;
        try {
            if (current != null) {
                current.close();
            }
        } catch (IOException e) {
            log.debug("closing Docker event stream: {}", e.toString());
        }
        thread.interrupt();
    }
}
