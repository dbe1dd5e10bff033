package dev.berth.agent.engine;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a task's containers, after the ECS agent's {@code task_manager.go}. Each task
 * gets one worker running on its own virtual thread; everything that wants to affect the task
 * (StopTask, Docker events, timers) is a {@link Message} in the worker's mailbox, and only the
 * worker moves the task's and its containers' known status, so no state here is locked.
 *
 * <p>The loop: {@link #reconcile()} compares desired with known status and takes steps
 * (each task status move goes through {@link TaskStateMachine}, whose effects the worker
 * performs), then the worker waits for the next message or the next timer (SIGKILL deadline,
 * dependency timeout, periodic re-inspection, cleanup). Docker calls block the worker thread,
 * which is what virtual threads are for; messages arriving meanwhile wait in the mailbox.
 *
 * <p>Invariants: desired status is RUNNING or STOPPED and only moves forward; known statuses only
 * move forward; the stop code and reason are set once, by whatever first decided the stop.
 */
final class TaskWorker {
    private static final Logger log = LoggerFactory.getLogger(TaskWorker.class);
    private static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(2);
    private static final Duration STOPPING_RECHECK = Duration.ofSeconds(1);

    /** What can be put in a worker's mailbox. */
    sealed interface Message {
        /** Desired status STOPPED (StopTask, or the service scheduler). */
        record Stop(StopCode code, String reason) implements Message {}

        /** Docker reported {@code action} for one of this task's containers. */
        record DockerEvent(String containerName, String action) implements Message {}

        /** The Docker event stream broke; re-inspect everything. */
        record Resync() implements Message {}

        /** The engine is closing: exit the loop and leave the containers as they are. */
        record Shutdown() implements Message {}
    }

    /** The engine side of a worker: publishes its snapshots and forgets it once cleaned up. */
    interface Host {
        void publish(TaskState snapshot, TaskEvent event);

        void finished(String taskArn);
    }

    private final TaskSpec spec;
    private final EngineServices services;
    private final Host host;
    private final BlockingQueue<Message> mailbox = new LinkedBlockingQueue<>();
    private final Map<String, ContainerRecord> containers = new LinkedHashMap<>();
    private final DependencyGraph graph;
    private final List<ContainerRecord> startOrder;

    private TaskStatus known = TaskStatus.PROVISIONING;
    private TaskStatus desired = TaskStatus.RUNNING;
    private StopCode stopCode;
    private String stoppedReason;
    private HealthStatus health = HealthStatus.UNKNOWN;
    private Instant pullStartedAt;
    private Instant pullStoppedAt;
    private Instant startedAt;
    private Instant stoppingAt;
    private Instant executionStoppedAt;
    private Instant stoppedAt;
    private Instant activatingSince;
    private Instant nextInspection;
    private Instant cleanupAt;
    /** The task's CgroupParent once created (empty: none); null until the first container is. */
    private java.util.Optional<String> cgroupParent;

    private boolean alive = true;
    /** True while {@link #adopt} rebuilds state: nothing is published until {@link #run}. */
    private boolean quiet;

    TaskWorker(TaskSpec spec, EngineServices services, Host host) {
        this.spec = spec;
        this.services = services;
        this.host = host;
        for (ContainerSpec c : spec.containers()) {
            containers.put(c.name(), new ContainerRecord(c, DockerContainers.dockerName(spec, c.name())));
        }
        this.graph = new DependencyGraph(spec);
        this.startOrder = graph.startOrder().stream().map(containers::get).toList();
    }

    /**
     * Rebuilds a worker for a task whose containers an earlier agent left behind. The status is
     * observed from Docker, not moved through the state machine.
     */
    static TaskWorker adopt(
            TaskSpec spec, Map<String, InspectContainerResponse> found, EngineServices services, Host host) {
        var worker = new TaskWorker(spec, services, host);
        worker.quiet = true;
        found.forEach((name, info) -> {
            ContainerRecord r = worker.containers.get(name);
            if (r != null) {
                r.runtimeId = info.getId();
                r.imageDigest = services.puller().cachedDigest(r.spec.image()).orElse(info.getImageId());
                worker.applyInspection(r, info);
                if (r.status == ContainerStatus.NONE) {
                    r.advance(ContainerStatus.CREATED);
                }
            }
        });
        worker.observeAdoptedStatus();
        worker.quiet = false;
        return worker;
    }

    private void observeAdoptedStatus() {
        var records = containers.values();
        Instant now = services.now();
        records.stream()
                .filter(r -> r.spec.essential() && r.stopped() && r.startedAt != null)
                .findFirst()
                .ifPresent(r -> decideStop(StopCode.ESSENTIAL_CONTAINER_EXITED, "Essential container in task exited"));
        known = TaskStateMachine.observed(records.stream().map(r -> r.status).toList());
        switch (known) {
            case STOPPED -> {
                desired = TaskStatus.STOPPED;
                executionStoppedAt = records.stream()
                        .map(r -> r.finishedAt)
                        .filter(java.util.Objects::nonNull)
                        .max(Instant::compareTo)
                        .orElse(now);
                stoppedAt = now;
                cleanupAt = now.plus(services.config().taskCleanupWait());
            }
            case RUNNING ->
                startedAt = records.stream()
                        .map(r -> r.startedAt)
                        .filter(java.util.Objects::nonNull)
                        .max(Instant::compareTo)
                        .orElse(now);
            case ACTIVATING -> activatingSince = now;
            default -> {}
        }
        health = taskHealth();
    }

    String taskArn() {
        return spec.taskArn();
    }

    /** Puts a message in the mailbox; safe from any thread. */
    void tell(Message message) {
        mailbox.add(message);
    }

    /** The worker loop; runs until the task is cleaned up or the engine shuts down. */
    void run() {
        publishTask();
        try {
            while (alive) {
                Duration wait;
                try {
                    reconcile();
                    wait = timeUntilNextTimer();
                } catch (RuntimeException e) {
                    // Docker unreachable or a call failed unexpectedly: keep the task, try again shortly
                    log.warn("task {}: reconcile failed, retrying", spec.taskArn(), e);
                    wait = RETRY_AFTER_ERROR;
                }
                if (!alive) {
                    break;
                }
                Message m = wait == null ? mailbox.take() : mailbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                while (m != null && alive) {
                    handle(m);
                    m = mailbox.poll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("task {}: worker failed", spec.taskArn(), e);
        }
    }

    private void handle(Message message) {
        switch (message) {
            case Message.Stop stop -> {
                if (decideStop(stop.code(), stop.reason())) {
                    publishTask();
                }
            }
            case Message.DockerEvent event -> onDockerEvent(event);
            case Message.Resync ignored -> inspectAll();
            case Message.Shutdown ignored -> alive = false;
        }
    }

    /** Moves desired status to STOPPED (once); the first decision's code and reason stick. */
    private boolean decideStop(StopCode code, String reason) {
        if (desired == TaskStatus.STOPPED) {
            return false;
        }
        desired = TaskStatus.STOPPED;
        stopCode = code;
        stoppedReason = reason;
        return true;
    }

    private void onDockerEvent(Message.DockerEvent event) {
        ContainerRecord r = containers.get(event.containerName());
        if (r == null || r.runtimeId == null) {
            return;
        }
        String action = event.action();
        if (action.startsWith("health_status")) {
            String state = action.substring(action.indexOf(':') + 1);
            updateHealth(r, HealthStatus.fromDocker(state));
        } else if (action.equals("die")
                || action.equals("oom")
                || action.equals("destroy")
                || action.equals("stop")
                || action.equals("kill")) {
            inspect(r);
        }
    }

    private void updateHealth(ContainerRecord r, HealthStatus next) {
        if (r.health == next || r.stopped()) {
            return;
        }
        r.health = next;
        publishContainer(r);
        HealthStatus taskHealth = taskHealth();
        if (taskHealth != health) {
            health = taskHealth;
            publishTask();
        }
    }

    /** ECS task health: UNHEALTHY if an essential container is, HEALTHY if all checked ones are. */
    private HealthStatus taskHealth() {
        var checked = containers.values().stream()
                .filter(r -> r.spec.essential() && r.spec.healthCheck() != null)
                .toList();
        if (checked.isEmpty()) {
            return HealthStatus.UNKNOWN;
        }
        if (checked.stream().anyMatch(r -> r.health == HealthStatus.UNHEALTHY)) {
            return HealthStatus.UNHEALTHY;
        }
        return checked.stream().allMatch(r -> r.health == HealthStatus.HEALTHY)
                ? HealthStatus.HEALTHY
                : HealthStatus.UNKNOWN;
    }

    // ---- reconciliation ------------------------------------------------------------------------

    private void reconcile() {
        Instant now = services.now();
        if (nextInspection != null && !now.isBefore(nextInspection)) {
            inspectAll();
        }
        while (alive && step()) {
            // keep stepping while progress is made
        }
        boolean watching = containers.values().stream().anyMatch(r -> r.status == ContainerStatus.RUNNING);
        if (watching) {
            Duration every = known == TaskStatus.STOPPING
                    ? STOPPING_RECHECK
                    : services.config().reconcileInterval();
            nextInspection = services.now().plus(every);
        } else {
            nextInspection = null;
        }
    }

    /** Takes one step towards the desired status; returns whether anything changed. */
    private boolean step() {
        if (desired == TaskStatus.STOPPED && known.compareTo(TaskStatus.STOPPING) < 0) {
            move(TaskStateMachine.nextTowardsStopped(known));
            return true;
        }
        return switch (known) {
            case PROVISIONING -> move(TaskStatus.PENDING);
            case PENDING -> move(TaskStatus.ACTIVATING);
            case ACTIVATING -> {
                boolean changed = startReadyContainers();
                if (desired == TaskStatus.RUNNING
                        && containers.values().stream()
                                .allMatch(r -> r.status.compareTo(ContainerStatus.RUNNING) >= 0)) {
                    yield move(TaskStatus.RUNNING);
                }
                yield changed;
            }
            case RUNNING, DEACTIVATING -> false;
            case STOPPING -> {
                boolean changed = signalContainers();
                if (containers.values().stream().allMatch(ContainerRecord::stopped)) {
                    yield move(TaskStatus.DEPROVISIONING);
                }
                yield changed;
            }
            case DEPROVISIONING -> move(TaskStatus.STOPPED);
            case STOPPED -> {
                if (cleanupAt != null && !services.now().isBefore(cleanupAt)) {
                    removeContainers();
                    alive = false;
                    host.finished(spec.taskArn());
                }
                yield false;
            }
        };
    }

    private boolean move(TaskStatus to) {
        var result = TaskStateMachine.transition(known, to);
        if (!(result instanceof TaskStateMachine.Moved moved)) {
            throw new IllegalStateException("task " + spec.taskArn() + ": illegal move " + known + " -> " + to);
        }
        known = to;
        Instant now = services.now();
        switch (to) {
            case RUNNING -> startedAt = now;
            case STOPPING -> stoppingAt = now;
            case DEPROVISIONING -> executionStoppedAt = now;
            case STOPPED -> stoppedAt = now;
            default -> {}
        }
        publishTask();
        for (TaskEffect effect : moved.effects()) {
            switch (effect) {
                case PREPARE_CONTAINERS -> prepareContainers();
                case START_CONTAINERS -> {
                    activatingSince = now;
                    startReadyContainers();
                }
                case STOP_CONTAINERS -> signalContainers();
                case RELEASE_RESOURCES -> services.cgroups().release(spec);
                case SCHEDULE_CLEANUP -> cleanupAt = now.plus(services.config().taskCleanupWait());
            }
        }
        return true;
    }

    /** Pulls every image and creates every container, in dependency order. */
    private void prepareContainers() {
        for (ContainerRecord r : startOrder) {
            if (!prepare(r)) {
                return;
            }
        }
        publishTask(); // pull timestamps
    }

    /** Pulls and creates one container; on failure stops it and fails the task. */
    private boolean prepare(ContainerRecord r) {
        if (r.status.compareTo(ContainerStatus.CREATED) >= 0) {
            return true;
        }
        try {
            Instant before = services.now();
            var outcome = services.puller().ensure(r.spec);
            if (outcome.pullAttempted()) {
                pullStartedAt = pullStartedAt == null ? before : pullStartedAt;
                pullStoppedAt = services.now();
            }
            r.imageDigest = outcome.imageDigest();
            r.advance(ContainerStatus.PULLED);
        } catch (ImagePuller.PullFailure e) {
            pullStartedAt = pullStartedAt == null ? services.now() : pullStartedAt;
            pullStoppedAt = services.now();
            return failContainer(r, e.getMessage());
        }
        try {
            if (cgroupParent == null) {
                cgroupParent = services.cgroups().create(spec);
            }
            var created = DockerContainers.createCommand(
                            services.docker(), services.config(), spec, r.spec, services.labelJson(spec), cgroupParent)
                    .exec();
            r.runtimeId = created.getId();
            r.advance(ContainerStatus.CREATED);
            publishContainer(r);
            return true;
        } catch (DockerException e) {
            return failContainer(r, "CannotCreateContainerError: " + message(e));
        }
    }

    /** Marks a container that never ran as stopped; an essential one fails the task. */
    private boolean failContainer(ContainerRecord r, String reason) {
        r.reason = reason;
        r.advance(ContainerStatus.STOPPED);
        publishContainer(r);
        if (r.spec.essential()) {
            decideStop(StopCode.TASK_FAILED_TO_START, reason);
        }
        return false;
    }

    /** Starts containers whose dependencies are met; gives up on those that can never start. */
    private boolean startReadyContainers() {
        boolean changed = false;
        for (ContainerRecord r : startOrder) {
            if (desired != TaskStatus.RUNNING) {
                return changed;
            }
            if (r.status.compareTo(ContainerStatus.RUNNING) >= 0) {
                continue;
            }
            switch (graph.readiness(r.spec, states())) {
                case DependencyGraph.Readiness.Ready ready -> {
                    if (prepare(r)) {
                        start(r);
                    }
                    changed = true;
                }
                case DependencyGraph.Readiness.Never never -> {
                    failContainer(r, never.reason());
                    changed = true;
                }
                case DependencyGraph.Readiness.Waiting waiting -> {
                    if (activatingSince != null && !services.now().isBefore(startDeadline(r))) {
                        failContainer(
                                r,
                                "DependencyTimeout: " + r.spec.name() + " waited "
                                        + startTimeout(r).toSeconds() + "s for its dependencies");
                        changed = true;
                    }
                }
            }
        }
        return changed;
    }

    private void start(ContainerRecord r) {
        Optional<String> refused;
        try {
            refused = services.startCheck().beforeStart(spec.taskArn(), r.spec, r.runtimeId);
        } catch (RuntimeException e) {
            refused = Optional.of(String.valueOf(e.getMessage()));
        }
        if (refused.isPresent()) {
            failContainer(r, "CannotStartContainerError: Error response from daemon: " + refused.get());
            return;
        }
        try {
            services.docker().startContainerCmd(r.runtimeId).exec();
        } catch (DockerException e) {
            failContainer(r, "CannotStartContainerError: " + message(e));
            return;
        }
        inspect(r);
    }

    /** Re-reads a container from Docker and applies what changed. */
    private void inspect(ContainerRecord r) {
        if (r.runtimeId == null || r.stopped()) {
            return;
        }
        try {
            applyInspection(
                    r, services.docker().inspectContainerCmd(r.runtimeId).exec());
        } catch (NotFoundException e) {
            r.reason = r.reason == null ? "container was removed outside the agent" : r.reason;
            r.finishedAt = services.now();
            if (r.advance(ContainerStatus.STOPPED)) {
                onStopped(r);
            }
        }
    }

    private void inspectAll() {
        containers.values().forEach(this::inspect);
    }

    /** Applies Docker's view; publishes and reacts if the container moved or changed health. */
    private void applyInspection(ContainerRecord r, InspectContainerResponse info) {
        HealthStatus healthNow = ContainerRecord.dockerHealth(info, r.health);
        switch (r.observe(spec.networkMode(), info)) {
            case STARTED -> {
                r.health = healthNow;
                publishContainer(r);
            }
            case STOPPED -> onStopped(r);
            case UNCHANGED -> updateHealth(r, healthNow);
        }
    }

    private void onStopped(ContainerRecord r) {
        publishContainer(r);
        if (r.spec.essential() && desired == TaskStatus.RUNNING) {
            decideStop(StopCode.ESSENTIAL_CONTAINER_EXITED, "Essential container in task exited");
            publishTask();
        }
    }

    // ---- stopping ---------------------------------------------------------------------------------

    /**
     * SIGTERM to every running container no running container depends on (dependents stop
     * first, as in ECS), SIGKILL to those past their stopTimeout; containers that never started
     * are simply marked stopped.
     */
    private boolean signalContainers() {
        boolean changed = false;
        Instant now = services.now();
        for (ContainerRecord r : containers.values()) {
            if (r.status.compareTo(ContainerStatus.RUNNING) < 0) {
                r.advance(ContainerStatus.STOPPED);
                publishContainer(r);
                changed = true;
            } else if (r.status == ContainerStatus.RUNNING
                    && !r.signalled()
                    && !graph.hasRunningDependents(r.spec.name(), states())) {
                r.killAt = now.plus(stopTimeout(r));
                signal(r, "SIGTERM");
                changed = true;
            } else if (r.status == ContainerStatus.RUNNING && r.signalled() && !r.killSent && !now.isBefore(r.killAt)) {
                r.killSent = true;
                signal(r, "SIGKILL");
                changed = true;
            }
        }
        return changed;
    }

    private void signal(ContainerRecord r, String signal) {
        try {
            services.docker().killContainerCmd(r.runtimeId).withSignal(signal).exec();
        } catch (NotFoundException e) {
            inspect(r);
        } catch (DockerException e) {
            // "is not running": it exited between our look and the signal
            log.debug("task {}: {} to {} failed: {}", spec.taskArn(), signal, r.dockerName, message(e));
            inspect(r);
        }
    }

    private void removeContainers() {
        DockerContainers.remove(
                services.docker(),
                containers.values().stream()
                        .map(r -> r.runtimeId)
                        .filter(java.util.Objects::nonNull)
                        .toList());
    }

    // ---- timers -----------------------------------------------------------------------------------

    /** How long to wait for a message before something is due; null: nothing is. */
    private Duration timeUntilNextTimer() {
        Instant next = nextInspection;
        for (ContainerRecord r : containers.values()) {
            if (known == TaskStatus.STOPPING && r.signalled() && !r.killSent && !r.stopped()) {
                next = earliest(next, r.killAt);
            }
            if (known == TaskStatus.ACTIVATING
                    && r.status.compareTo(ContainerStatus.RUNNING) < 0
                    && activatingSince != null) {
                next = earliest(next, startDeadline(r));
            }
        }
        if (known == TaskStatus.STOPPED) {
            next = earliest(next, cleanupAt);
        }
        if (next == null) {
            return null;
        }
        Duration d = Duration.between(services.now(), next);
        return d.isNegative() ? Duration.ZERO : d.plusMillis(1);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    private Duration stopTimeout(ContainerRecord r) {
        return r.spec.stopTimeout() == null
                ? services.config().stopTimeout()
                : Duration.ofSeconds(r.spec.stopTimeout());
    }

    private Duration startTimeout(ContainerRecord r) {
        return r.spec.startTimeout() == null
                ? services.config().startTimeout()
                : Duration.ofSeconds(r.spec.startTimeout());
    }

    private Instant startDeadline(ContainerRecord r) {
        return activatingSince.plus(startTimeout(r));
    }

    private Map<String, ContainerState> states() {
        var states = new java.util.HashMap<String, ContainerState>();
        containers.forEach((name, r) -> states.put(name, r.snapshot()));
        return states;
    }

    // ---- publishing -------------------------------------------------------------------------------

    TaskState snapshot() {
        return new TaskState(
                spec.taskArn(),
                spec.clusterName(),
                spec.family(),
                spec.revision(),
                known,
                desired,
                stopCode,
                stoppedReason,
                health,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                executionStoppedAt,
                stoppedAt,
                containers.values().stream().map(ContainerRecord::snapshot).toList());
    }

    private void publishTask() {
        if (quiet) {
            return;
        }
        TaskState s = snapshot();
        host.publish(s, new TaskStateChange(s));
    }

    private void publishContainer(ContainerRecord r) {
        if (quiet) {
            return;
        }
        host.publish(snapshot(), new ContainerStateChange(spec.taskArn(), r.snapshot()));
    }

    private static String message(Exception e) {
        return DockerErrors.describe(e);
    }
}
