package dev.berth.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.agent.engine.ContainerState;
import dev.berth.agent.engine.ContainerStateChange;
import dev.berth.agent.engine.EngineConfig;
import dev.berth.agent.engine.StopCode;
import dev.berth.agent.engine.TaskEngine;
import dev.berth.agent.engine.TaskSpec;
import dev.berth.agent.engine.TaskState;
import dev.berth.agent.engine.TaskStateChange;
import dev.berth.agent.engine.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's task half: runs the tasks the server's long-poll lists with a {@link TaskEngine} and
 * reports every task state change back as {@code type: "task"} events.
 *
 * <p>Threads: {@link #apply} is called by the agent loop (one thread) after each poll; the engine's
 * workers publish events into a queue; one reporter virtual thread drains the queue in batches and
 * posts them with increasing {@code seq}, retrying a failed batch with the same numbers (the server
 * acknowledges duplicates), so a report is never lost or applied twice. The sequence resumes from
 * the {@code highestSeq} the server returned at (re-)registration.
 *
 * <p>Reconciliation per poll: a task desired RUNNING and unknown to the engine is started (the
 * engine is idempotent per ARN); a task desired STOPPED is stopped with the server's stop code and
 * reason (or reported STOPPED at once if this engine never had it); a task the engine runs that the
 * server no longer lists is stopped. After a restart the engine adopts its containers and their
 * state is reported, so the server learns what happened while the agent was away.
 */
public final class TaskRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    private static final int BATCH = 100;

    private final ObjectMapper mapper;
    private final AgentClient client;
    private final AgentIdentity identity;
    private final LinkedBlockingQueue<ObjectNode> outbox = new LinkedBlockingQueue<>();
    private final Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10), new Random());
    private volatile TaskEngine engine;
    private final Thread reporter;
    private volatile long nextSeq;
    private final LogShipper logs;
    private volatile boolean closing;

    private TaskRunner(
            EngineConfig config,
            ObjectMapper mapper,
            AgentClient client,
            AgentIdentity identity,
            long highestSeq,
            Path logCursors) {
        this.mapper = mapper;
        this.client = client;
        this.identity = identity;
        this.nextSeq = highestSeq + 1;
        this.logs = new LogShipper(TaskEngine.connect(config, null), client, identity, mapper, logCursors);
        this.engine = openEngine(config);
        engine.tasks().forEach(t -> {
            outbox.add(report(t));
            logs.observe(t);
        });
        this.reporter = Thread.ofVirtual().name("berth-agent-reporter").start(this::reportLoop);
    }

    /** Opens the engine; when Docker does not answer, closes the log shipper's client before rethrowing. */
    private TaskEngine openEngine(EngineConfig config) {
        try {
            return TaskEngine.open(
                    config,
                    event -> {
                        TaskState state =
                                switch (event) {
                                    case TaskStateChange c -> c.task();
                                    case ContainerStateChange c ->
                                        engine == null
                                                ? null
                                                : engine.task(c.taskArn()).orElse(null);
                                };
                        if (state != null) {
                            outbox.add(report(state));
                            logs.observe(state);
                        }
                    },
                    logs::beforeStart);
        } catch (RuntimeException e) {
            logs.close();
            throw e;
        }
    }

    /**
     * Opens the engine for this instance (adopting its containers) and starts reporting.
     *
     * @throws IllegalStateException when Docker Engine is not reachable
     */
    public static TaskRunner open(
            EngineConfig config,
            ObjectMapper mapper,
            AgentClient client,
            AgentIdentity identity,
            long highestSeq,
            Path logCursors) {
        return new TaskRunner(config, mapper, client, identity, highestSeq, logCursors);
    }

    public AgentIdentity identity() {
        return identity;
    }

    /** Whether Docker Engine answers now (see {@link TaskEngine#runtimeReachable()}). */
    public boolean runtimeReachable() {
        return engine.runtimeReachable();
    }

    /** Reconciles the engine with a long-poll's {@code tasks}. */
    public void apply(JsonNode desired) {
        Set<String> listed = new HashSet<>();
        for (JsonNode t : desired) {
            String arn = t.path("taskArn").asText();
            listed.add(arn);
            logs.configure(arn, t.get("spec"));
            boolean known = engine.task(arn).isPresent();
            if (t.path("desiredStatus").asText().equals("STOPPED")) {
                StopCode code = stopCode(t.path("stopCode").asText(null));
                String reason = t.path("stoppedReason").asText("Task stopped by user");
                if (known) {
                    engine.stop(arn, code, reason);
                } else {
                    outbox.add(neverStarted(arn, code.apiName(), reason));
                }
            } else if (!known) {
                try {
                    engine.start(mapper.treeToValue(t.get("spec"), TaskSpec.class));
                } catch (Exception e) {
                    LOG.warn("task {} cannot be run: {}", arn, e.getMessage());
                    outbox.add(neverStarted(arn, StopCode.TASK_FAILED_TO_START.apiName(), trim(e.getMessage())));
                }
            }
        }
        for (TaskState t : engine.tasks()) {
            if (!listed.contains(t.taskArn()) && t.desiredStatus() != TaskStatus.STOPPED) {
                engine.stop(t.taskArn(), StopCode.USER_INITIATED, "Task not desired by the server");
            }
        }
        logs.retain(listed);
    }

    /** Stops every task (the instance was deregistered). */
    public void stopAll(String reason) {
        engine.tasks().forEach(t -> engine.stop(t.taskArn(), StopCode.USER_INITIATED, reason));
    }

    private static StopCode stopCode(String apiName) {
        for (StopCode c : StopCode.values()) {
            if (c.apiName().equals(apiName)) {
                return c;
            }
        }
        return StopCode.USER_INITIATED;
    }

    private static String trim(String s) {
        String m = s == null ? "invalid task" : s;
        return m.length() > 255 ? m.substring(0, 255) : m;
    }

    /** A STOPPED report for a task this engine never ran. */
    private ObjectNode neverStarted(String arn, String code, String reason) {
        long now = System.currentTimeMillis();
        return mapper.createObjectNode()
                .put("taskArn", arn)
                .put("lastStatus", "STOPPED")
                .put("desiredStatus", "STOPPED")
                .put("stopCode", code)
                .put("stoppedReason", reason)
                .put("executionStoppedAt", now)
                .put("stoppedAt", now);
    }

    /** The wire form of a task snapshot (docs/agent-protocol.md, event type {@code task}). */
    ObjectNode report(TaskState t) {
        ObjectNode n = mapper.createObjectNode()
                .put("taskArn", t.taskArn())
                .put("lastStatus", t.knownStatus().apiName())
                .put("desiredStatus", t.desiredStatus().apiName())
                .put("healthStatus", t.healthStatus().name());
        if (t.stopCode() != null) {
            n.put("stopCode", t.stopCode().apiName());
        }
        if (t.stoppedReason() != null) {
            n.put("stoppedReason", t.stoppedReason());
        }
        millis(n, "pullStartedAt", t.pullStartedAt());
        millis(n, "pullStoppedAt", t.pullStoppedAt());
        millis(n, "startedAt", t.startedAt());
        millis(n, "stoppingAt", t.stoppingAt());
        millis(n, "executionStoppedAt", t.executionStoppedAt());
        millis(n, "stoppedAt", t.stoppedAt());
        ArrayNode containers = n.putArray("containers");
        for (ContainerState c : t.containers()) {
            ObjectNode cn = containers
                    .addObject()
                    .put("name", c.name())
                    .put("lastStatus", c.lastStatus())
                    .put("healthStatus", c.healthStatus().name());
            Optional.ofNullable(c.runtimeId()).ifPresent(v -> cn.put("runtimeId", v));
            Optional.ofNullable(c.imageDigest()).ifPresent(v -> cn.put("imageDigest", v));
            Optional.ofNullable(c.exitCode()).ifPresent(v -> cn.put("exitCode", v));
            Optional.ofNullable(c.reason()).ifPresent(v -> cn.put("reason", v));
            ArrayNode nb = cn.putArray("networkBindings");
            c.networkBindings().forEach(b -> nb.addObject()
                    .put("bindIP", b.bindIP())
                    .put("containerPort", b.containerPort())
                    .put("hostPort", b.hostPort())
                    .put("protocol", b.protocol()));
        }
        return n;
    }

    private static void millis(ObjectNode n, String field, Instant at) {
        if (at != null) {
            n.put(field, at.toEpochMilli());
        }
    }

    private void reportLoop() {
        while (!closing || !outbox.isEmpty()) {
            ObjectNode first;
            try {
                first = outbox.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (closing) {
                    return;
                }
                continue;
            }
            if (first == null) {
                continue;
            }
            java.util.List<ObjectNode> batch = new java.util.ArrayList<>();
            batch.add(first);
            outbox.drainTo(batch, BATCH - 1);
            ObjectNode body = mapper.createObjectNode();
            ArrayNode events = body.putArray("events");
            for (ObjectNode task : batch) {
                events.addObject().put("seq", nextSeq++).put("type", "task").set("task", task);
            }
            while (true) {
                try {
                    client.report(identity, body);
                    backoff.reset();
                    break;
                } catch (InterruptedException e) {
                    if (closing) {
                        return;
                    }
                } catch (AgentClient.AgentHttpException e) {
                    if (e.status() == 400 || e.status() == 403 || e.status() == 410) {
                        LOG.warn("task reports refused ({}); dropped", e.getMessage());
                        break;
                    }
                    LOG.debug("task report failed: {}", e.getMessage());
                } catch (Exception e) {
                    LOG.debug("task report failed: {}", e.toString());
                }
                try {
                    Thread.sleep(backoff.next());
                } catch (InterruptedException e) {
                    if (closing) {
                        return;
                    }
                }
            }
        }
    }

    /** Closes the engine (containers keep running; the next agent adopts them) after a last flush of reports. */
    @Override
    public void close() {
        engine.close();
        logs.close();
        closing = true;
        try {
            reporter.join(Duration.ofSeconds(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reporter.interrupt();
    }
}
