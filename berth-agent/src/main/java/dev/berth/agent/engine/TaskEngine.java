package dev.berth.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ECS-style tasks as Docker containers on one Docker Engine, for one agent (container
 * instance). Data in ({@link TaskSpec}, stop requests), events out ({@link TaskEventListener});
 * it knows nothing of the server, HTTP or the ECS API, which are layered on top.
 *
 * <p>Threading: each task is owned by one {@link TaskWorker} on its own virtual thread; the
 * methods here only validate, register and post messages, so they are thread-safe and quick.
 * One more virtual thread follows Docker's event stream ({@link DockerEventStream}) and forwards
 * each event to the owning task's mailbox. {@link #tasks()} reads snapshots the workers publish,
 * never the workers' own state.
 *
 * <p>Restart: containers carry labels naming their task, the agent ({@code dev.berth.instance})
 * and the whole task spec, so {@link #open} adopts what an earlier engine with the same instance
 * id left running (or stopped and not yet cleaned up). {@link #close()} leaves containers as they
 * are, like the ECS agent does when it restarts.
 */
public final class TaskEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskEngine.class);

    private final EngineServices services;
    private final TaskEventListener listener;
    private final DockerClient eventsClient;
    /** A client with a short response timeout for {@link #runtimeReachable()}: a hung engine must not hang the agent. */
    private final DockerClient probe;

    private final Map<String, TaskWorker> workers = new ConcurrentHashMap<>();
    private final Map<String, TaskState> snapshots = new ConcurrentHashMap<>();
    private final TaskWorker.Host host = new WorkerHost();
    private final java.util.Queue<Thread> threads = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private DockerEventStream events;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private TaskEngine(
            EngineServices services, DockerClient eventsClient, DockerClient probe, TaskEventListener listener) {
        this.services = services;
        this.eventsClient = eventsClient;
        this.probe = probe;
        this.listener = listener;
    }

    /**
     * Connects to Docker, subscribes to its events, adopts this instance's existing containers and
     * returns a running engine.
     *
     * @throws IllegalStateException when Docker Engine is not reachable
     */
    public static TaskEngine open(EngineConfig config, TaskEventListener listener) {
        return open(config, listener, ContainerStartCheck.NONE);
    }

    /**
     * As {@link #open(EngineConfig, TaskEventListener)}, with {@code startCheck} run between each
     * container's create and start (see {@link ContainerStartCheck}).
     */
    public static TaskEngine open(EngineConfig config, TaskEventListener listener, ContainerStartCheck startCheck) {
        DockerClient commands = connect(config, Duration.ofMinutes(5));
        DockerClient events = connect(config, null);
        try {
            commands.pingCmd().exec();
        } catch (RuntimeException e) {
            closeQuietly(commands);
            closeQuietly(events);
            throw new IllegalStateException(
                    "Docker Engine is not reachable at " + config.dockerHost() + ": " + DockerErrors.describe(e), e);
        }
        var cgroups = TaskCgroups.probe(commands.infoCmd().exec().getCGroupDriver());
        var services = new EngineServices(
                commands,
                config,
                new ImagePuller(commands, config),
                cgroups,
                Clock.systemUTC(),
                EngineServices.labelMapper(),
                startCheck);
        var engine = new TaskEngine(services, events, connect(config, Duration.ofSeconds(5)), listener);
        engine.events = DockerEventStream.start(events, config.instanceId(), engine::route, engine::resyncAll);
        engine.recover();
        return engine;
    }

    /** A Docker client for the engine's endpoint; {@code responseTimeout} null means none. */
    public static DockerClient connect(EngineConfig config, Duration responseTimeout) {
        return connect(config.dockerHost(), responseTimeout);
    }

    /**
     * A Docker client for {@code dockerHost} ({@code unix://} or {@code tcp://}, see {@link DockerHost});
     * {@code responseTimeout} null means none. TLS settings come from {@code DOCKER_TLS_VERIFY} and
     * {@code DOCKER_CERT_PATH}, as for the docker CLI.
     */
    public static DockerClient connect(java.net.URI dockerHost, Duration responseTimeout) {
        var dockerConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost.toString())
                .build();
        var http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(dockerConfig.getDockerHost())
                .sslConfig(dockerConfig.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(responseTimeout)
                .maxConnections(64)
                .build();
        return DockerClientImpl.getInstance(dockerConfig, http);
    }

    private static void closeQuietly(DockerClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a Docker client: {}", e.toString());
        }
    }

    /**
     * Whether Docker Engine answers now: its event stream is subscribed and a ping (5 s at most)
     * succeeds. The agent reports the answer to the server as the instance's CONTAINER_RUNTIME health.
     */
    public boolean runtimeReachable() {
        if (events != null && !events.subscribed()) {
            return false;
        }
        try {
            probe.pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            log.debug("Docker Engine ping failed: {}", e.toString());
            return false;
        }
    }

    /** The settings this engine runs with. */
    public EngineConfig config() {
        return services.config();
    }

    /**
     * Starts running a task. Idempotent: a task already known returns its current state (the
     * server may resend desired state after a reconnect).
     *
     * @throws IllegalArgumentException when the spec cannot be run (see the message)
     */
    public TaskState start(TaskSpec spec) {
        List<String> problems = TaskSpecValidator.problems(spec);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("task " + spec.taskArn() + ": " + String.join("; ", problems));
        }
        var accepted = new TaskState[1];
        TaskWorker worker = workers.computeIfAbsent(spec.taskArn(), arn -> {
            var w = new TaskWorker(spec, services, host);
            accepted[0] = w.snapshot();
            snapshots.put(arn, accepted[0]);
            return w;
        });
        if (accepted[0] != null) {
            launch(worker);
            return accepted[0];
        }
        return snapshots.get(spec.taskArn());
    }

    /** Stops a task as StopTask does (stop code UserInitiated); false if the task is unknown. */
    public boolean stop(String taskArn, String reason) {
        return stop(taskArn, StopCode.USER_INITIATED, reason == null ? "Task stopped by user" : reason);
    }

    /** Moves the task's desired status to STOPPED with this code and reason (first stop wins). */
    public boolean stop(String taskArn, StopCode code, String reason) {
        TaskWorker worker = workers.get(taskArn);
        if (worker == null) {
            return false;
        }
        worker.tell(new TaskWorker.Message.Stop(code, reason));
        return true;
    }

    /** Snapshots of every task the engine knows (running, stopping, stopped and not cleaned up). */
    public List<TaskState> tasks() {
        return List.copyOf(snapshots.values());
    }

    /** The latest snapshot of one task. */
    public Optional<TaskState> task(String taskArn) {
        return Optional.ofNullable(snapshots.get(taskArn));
    }

    /** Stops following Docker events and ends the workers; containers keep running. */
    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        workers.values().forEach(w -> w.tell(new TaskWorker.Message.Shutdown()));
        workers.clear();
        // let workers finish the Docker call they are in before the clients go away
        for (Thread t : threads) {
            try {
                t.join(CLOSE_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            eventsClient.close();
            probe.close();
            services.docker().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch(TaskWorker worker) {
        threads.add(Thread.ofVirtual().name("berth-task-" + worker.taskArn()).start(worker::run));
        threads.removeIf(t -> !t.isAlive());
    }

    private void route(String taskArn, String containerName, String action) {
        TaskWorker worker = workers.get(taskArn);
        if (worker != null) {
            worker.tell(new TaskWorker.Message.DockerEvent(containerName, action));
        }
    }

    private void resyncAll() {
        workers.values().forEach(w -> w.tell(new TaskWorker.Message.Resync()));
    }

    /** Adopts the containers an earlier engine with this instance id left behind. */
    private void recover() {
        List<Container> found = services.docker()
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(Labels.INSTANCE, services.config().instanceId()))
                .exec();
        Map<String, List<Container>> byTask = new LinkedHashMap<>();
        for (Container c : found) {
            String arn = c.getLabels().get(Labels.TASK_ARN);
            if (arn != null && c.getLabels().containsKey(Labels.TASK_SPEC)) {
                byTask.computeIfAbsent(arn, k -> new ArrayList<>()).add(c);
            }
        }
        byTask.forEach((arn, list) -> {
            try {
                TaskSpec spec = services.parseLabel(list.getFirst().getLabels().get(Labels.TASK_SPEC));
                Map<String, InspectContainerResponse> inspected = new HashMap<>();
                for (Container c : list) {
                    inspected.put(
                            c.getLabels().get(Labels.CONTAINER_NAME),
                            services.docker().inspectContainerCmd(c.getId()).exec());
                    services.puller().markPulled(c.getImage());
                }
                TaskWorker worker = TaskWorker.adopt(spec, inspected, services, host);
                workers.put(arn, worker);
                snapshots.put(arn, worker.snapshot());
                launch(worker);
                log.info("adopted task {} ({})", arn, worker.snapshot().knownStatus());
            } catch (NotFoundException | UncheckedIOException e) {
                log.warn("could not adopt task {}: {}", arn, e.toString());
            }
        });
    }

    /** Receives what workers publish; keeps the latest snapshot and tells the listener. */
    private final class WorkerHost implements TaskWorker.Host {
        @Override
        public void publish(TaskState snapshot, TaskEvent event) {
            snapshots.put(snapshot.taskArn(), snapshot);
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("task event listener failed on {}", event, e);
            }
        }

        @Override
        public void finished(String taskArn) {
            workers.remove(taskArn);
            snapshots.remove(taskArn);
        }
    }
}
