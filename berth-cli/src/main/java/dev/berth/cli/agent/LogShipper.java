package dev.berth.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import dev.berth.agent.engine.ContainerSpec;
import dev.berth.agent.engine.ContainerState;
import dev.berth.agent.engine.TaskState;
import dev.berth.model.logs.AwslogsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's half of the awslogs log driver. Docker keeps each container's output with its own
 * default log driver; for every container whose task definition says {@code logDriver: awslogs},
 * this class follows that output through the Docker API ({@code logs?follow&timestamps}), groups
 * lines into events ({@link LineGrouper}) and ships them in batches to the server over the agent
 * protocol ({@code POST .../logs}, the instance's credential; never an AWS key). The server names
 * the log group and stream from the task's own spec (docs/logs.md).
 *
 * <p>Threads: {@link #configure} runs on the agent loop, {@link #observe} on engine event threads;
 * both only record facts and start followers. Each followed container has two virtual threads: a
 * reader (Docker's stream into a bounded buffer) and a sender (buffer into batches, retried until
 * the server takes them). The reader ends when the container's output ends (it exited); the sender
 * then sends what is left, so lines written just before exit are shipped. In {@code blocking} mode a
 * full buffer makes the reader wait (Docker keeps the output meanwhile, so nothing is lost); in
 * {@code non-blocking} mode lines that do not fit {@code max-buffer-size} are dropped and counted.
 *
 * <p>Where each container stands is a cursor file {@code <agent-data>/logs/<container id>} holding
 * the Docker timestamp of the last shipped line, so a restarted agent resumes without duplicates.
 */
final class LogShipper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogShipper.class);
    /** Longest a line waits in the agent before its batch is sent. */
    static final long BATCH_WAIT_MILLIS = 300;

    static final int MAX_BATCH_EVENTS = 10_000;
    /** Message bytes per batch; keeps the JSON body under the agent endpoint's 1 MiB. */
    static final int MAX_BATCH_BYTES = 700 * 1024;

    static final long MAX_BATCH_SPAN = 24L * 3600 * 1000 - 1;
    /** The reader's buffer in blocking mode (non-blocking uses max-buffer-size). */
    static final long BLOCKING_BUFFER = 4 * 1024 * 1024;
    /** How long a container start waits for an unreachable server to create its log stream. */
    static final long START_RETRY_MILLIS = 10_000;
    /** Docker's awslogs driver's words when CreateLogStream fails at container start. */
    static final String LOG_DRIVER_FAILED =
            "failed to initialize logging driver: failed to create Cloudwatch log stream: ";

    private final DockerClient docker;
    private final AgentClient client;
    private final AgentIdentity identity;
    private final ObjectMapper mapper;
    private final Path cursors;
    private final Map<String, Map<String, AwslogsOptions>> configured = new ConcurrentHashMap<>();
    private final Map<String, TaskState> observed = new ConcurrentHashMap<>();
    private final Set<String> followed = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    LogShipper(DockerClient docker, AgentClient client, AgentIdentity identity, ObjectMapper mapper, Path cursors) {
        this.docker = docker;
        this.client = client;
        this.identity = identity;
        this.mapper = mapper;
        this.cursors = cursors;
    }

    /** Records the awslogs configurations of a task's containers (from its spec) and starts what can start. */
    void configure(String taskArn, JsonNode spec) {
        if (configured.containsKey(taskArn) || spec == null) {
            return;
        }
        Map<String, AwslogsOptions> byContainer = new LinkedHashMap<>();
        for (JsonNode c : spec.path("containers")) {
            JsonNode log = c.path("logConfiguration");
            if (!"awslogs".equals(log.path("logDriver").asText())) {
                continue;
            }
            Map<String, String> opts = new LinkedHashMap<>();
            log.path("options")
                    .fields()
                    .forEachRemaining(f -> opts.put(f.getKey(), f.getValue().asText()));
            try {
                byContainer.put(c.path("name").asText(), AwslogsOptions.parse(opts));
            } catch (IllegalArgumentException e) {
                LOG.warn(
                        "task {} container {}: awslogs options refused, logs not shipped: {}",
                        taskArn,
                        c.path("name").asText(),
                        e.getMessage());
            }
        }
        configured.put(taskArn, Map.copyOf(byContainer));
        TaskState known = observed.get(taskArn);
        if (known != null) {
            observe(known);
        }
    }

    /**
     * The awslogs driver's start-up, run by the engine between {@code docker create} and
     * {@code docker start} ({@link dev.berth.agent.engine.ContainerStartCheck}): asks the server to
     * create the container's stream (and its group with {@code awslogs-create-group}). A refusal
     * (the group does not exist) is the reason Docker's driver gives, so the container never
     * starts and the task stops with {@code CannotStartContainerError: Error response from daemon:
     * failed to initialize logging driver: failed to create Cloudwatch log stream:
     * ResourceNotFoundException: The specified log group does not exist.}, as on ECS. A server that
     * cannot be reached is retried for {@link #START_RETRY_MILLIS}, then refuses the same way.
     */
    Optional<String> beforeStart(String taskArn, ContainerSpec container, String runtimeId) {
        Map<String, AwslogsOptions> byContainer = configured.get(taskArn);
        if (byContainer == null || !byContainer.containsKey(container.name())) {
            return Optional.empty();
        }
        ObjectNode body = mapper.createObjectNode()
                .put("taskArn", taskArn)
                .put("container", container.name())
                .put("containerId", runtimeId);
        long deadline = System.currentTimeMillis() + START_RETRY_MILLIS;
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), new Random());
        String last;
        while (true) {
            try {
                client.openLogStream(identity, body);
                return Optional.empty();
            } catch (AgentClient.AgentHttpException e) {
                if (e.status() / 100 == 4) {
                    return Optional.of(LOG_DRIVER_FAILED + e.type() + ": " + e.detail());
                }
                last = e.type() + ": " + e.detail();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(LOG_DRIVER_FAILED + "RequestCanceled: interrupted");
            } catch (IOException e) {
                last = "RequestError: send request failed: " + e;
            }
            if (System.currentTimeMillis() >= deadline) {
                return Optional.of(LOG_DRIVER_FAILED + last);
            }
            try {
                Thread.sleep(backoff.next());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(LOG_DRIVER_FAILED + "RequestCanceled: interrupted");
            }
        }
    }

    /** Forgets tasks the server no longer lists (their followers finish on their own). */
    void retain(Set<String> listed) {
        configured.keySet().retainAll(listed);
        observed.keySet().retainAll(listed);
    }

    /** Starts following every configured container of this task that Docker has created. */
    void observe(TaskState task) {
        if (closing) {
            return;
        }
        observed.put(task.taskArn(), task);
        Map<String, AwslogsOptions> byContainer = configured.get(task.taskArn());
        if (byContainer == null) {
            return;
        }
        for (ContainerState c : task.containers()) {
            AwslogsOptions options = byContainer.get(c.name());
            if (options != null && c.runtimeId() != null && c.startedAt() != null && followed.add(c.runtimeId())) {
                Follower f = new Follower(task.taskArn(), c.name(), c.runtimeId(), options);
                f.start();
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        threads.forEach(Thread::interrupt);
        try {
            docker.close();
        } catch (IOException e) {
            LOG.debug("closing the log shipper's Docker client: {}", e.toString());
        }
    }

    /** Follows one container. */
    private final class Follower {
        private final String taskArn;
        private final String container;
        private final String containerId;
        private final AwslogsOptions options;
        private final ArrayDeque<LineGrouper.Event> buffer = new ArrayDeque<>();
        private long bufferedBytes;
        private long dropped;
        private boolean ended;
        private final long limit;

        Follower(String taskArn, String container, String containerId, AwslogsOptions options) {
            this.taskArn = taskArn;
            this.container = container;
            this.containerId = containerId;
            this.options = options;
            this.limit = options.nonBlocking() ? options.maxBufferBytes() : BLOCKING_BUFFER;
        }

        void start() {
            Thread reader = Thread.ofVirtual()
                    .name("berth-logs-read-" + containerId.substring(0, 12))
                    .unstarted(this::read);
            Thread sender = Thread.ofVirtual()
                    .name("berth-logs-send-" + containerId.substring(0, 12))
                    .unstarted(this::send);
            threads.add(reader);
            threads.add(sender);
            reader.start();
            sender.start();
        }

        private void offer(LineGrouper.Event e) {
            synchronized (this) {
                int size = e.bytes();
                if (options.nonBlocking()) {
                    if (bufferedBytes + size > limit) {
                        dropped++;
                        return;
                    }
                } else {
                    while (bufferedBytes > 0 && bufferedBytes + size > limit && !closing) {
                        try {
                            wait(200);
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                buffer.add(e);
                bufferedBytes += size;
                notifyAll();
            }
        }

        private void read() {
            long cursor = loadCursor();
            LineGrouper grouper = new LineGrouper(options.multiline(), this::offer);
            Thread idle = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                    synchronized (grouper) {
                        grouper.idle(System.currentTimeMillis());
                    }
                }
            });
            try {
                Map<String, java.io.ByteArrayOutputStream> pending = new LinkedHashMap<>();
                long[] lastNanos = {cursor};
                var cmd = docker.logContainerCmd(containerId)
                        .withStdOut(true)
                        .withStdErr(true)
                        .withFollowStream(true)
                        .withTimestamps(true);
                if (cursor > 0) {
                    cmd.withSince((int) (cursor / 1_000_000_000L));
                }
                cmd.exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame frame) {
                                // Frames need not align with lines: collect each stream's bytes, cut at newlines.
                                var buf = pending.computeIfAbsent(
                                        frame.getStreamType().name(), k -> new java.io.ByteArrayOutputStream());
                                byte[] payload = frame.getPayload();
                                int from = 0;
                                for (int i = 0; i < payload.length; i++) {
                                    if (payload[i] == '\n') {
                                        buf.write(payload, from, i - from);
                                        line(buf.toString(StandardCharsets.UTF_8));
                                        buf.reset();
                                        from = i + 1;
                                    }
                                }
                                buf.write(payload, from, payload.length - from);
                            }

                            /** One line "timestamp text"; a line Docker split (over 16 KiB) keeps its inner timestamps. */
                            private void line(String text) {
                                int sp = text.indexOf(' ');
                                long nanos;
                                String body;
                                try {
                                    Instant at = Instant.parse(text.substring(0, Math.max(0, sp)));
                                    nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
                                    body = text.substring(sp + 1);
                                } catch (RuntimeException e) {
                                    nanos = lastNanos[0];
                                    body = text;
                                }
                                if (nanos <= cursor) {
                                    return;
                                }
                                lastNanos[0] = nanos;
                                if (body.endsWith("\r")) {
                                    body = body.substring(0, body.length() - 1);
                                }
                                synchronized (grouper) {
                                    grouper.line(body, nanos, System.currentTimeMillis());
                                }
                            }
                        })
                        .awaitCompletion();
            } catch (NotFoundException e) {
                LOG.debug("container {} is gone; its logs end here", containerId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("following the output of container {} failed: {}", containerId, e.toString());
            } finally {
                idle.interrupt();
                synchronized (grouper) {
                    grouper.finish();
                }
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
                threads.remove(Thread.currentThread());
            }
        }

        /** Takes the next batch: waits for a first event, then up to {@link #BATCH_WAIT_MILLIS} for more. */
        private List<LineGrouper.Event> nextBatch() throws InterruptedException {
            synchronized (this) {
                while (buffer.isEmpty() && !ended) {
                    wait(500);
                }
                if (buffer.isEmpty()) {
                    return List.of();
                }
                long deadline = System.currentTimeMillis() + BATCH_WAIT_MILLIS;
                while (!ended && bufferedBytes < MAX_BATCH_BYTES && buffer.size() < MAX_BATCH_EVENTS) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        break;
                    }
                    wait(left);
                }
                List<LineGrouper.Event> batch = new ArrayList<>();
                long bytes = 0;
                while (!buffer.isEmpty() && batch.size() < MAX_BATCH_EVENTS) {
                    LineGrouper.Event e = buffer.peek();
                    if (!batch.isEmpty()
                            && (bytes + e.bytes() + 26 > MAX_BATCH_BYTES
                                    || e.timestamp() - batch.getFirst().timestamp() > MAX_BATCH_SPAN
                                    || e.timestamp() < batch.getLast().timestamp())) {
                        break;
                    }
                    buffer.poll();
                    bufferedBytes -= e.bytes();
                    bytes += e.bytes() + 26;
                    batch.add(e);
                }
                notifyAll();
                return batch;
            }
        }

        private void send() {
            Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10), new Random());
            try {
                while (true) {
                    List<LineGrouper.Event> batch = nextBatch();
                    if (batch.isEmpty()) {
                        break;
                    }
                    ObjectNode body = mapper.createObjectNode()
                            .put("taskArn", taskArn)
                            .put("container", container)
                            .put("containerId", containerId);
                    ArrayNode events = body.putArray("events");
                    batch.forEach(e ->
                            events.addObject().put("timestamp", e.timestamp()).put("message", e.message()));
                    while (true) {
                        try {
                            JsonNode answer = client.shipLogs(identity, body);
                            if (answer.has("rejectedLogEventsInfo")) {
                                LOG.warn(
                                        "container {}: CloudWatch Logs rules rejected some lines: {}",
                                        containerId,
                                        answer.get("rejectedLogEventsInfo"));
                            }
                            saveCursor(batch.getLast().lastLineNanos());
                            backoff.reset();
                            break;
                        } catch (AgentClient.AgentHttpException e) {
                            if (e.status() / 100 == 4) {
                                LOG.warn(
                                        "container {}: {} log lines refused by the server, dropped: {}",
                                        containerId,
                                        batch.size(),
                                        e.getMessage());
                                saveCursor(batch.getLast().lastLineNanos());
                                break;
                            }
                            LOG.debug("shipping logs of {} failed: {}", containerId, e.getMessage());
                        } catch (IOException e) {
                            LOG.debug("shipping logs of {} failed: {}", containerId, e.toString());
                        }
                        if (closing) {
                            return;
                        }
                        Thread.sleep(backoff.next());
                    }
                }
                if (dropped > 0) {
                    LOG.warn(
                            "container {}: {} log events dropped because the non-blocking buffer ({} bytes) was full",
                            containerId,
                            dropped,
                            limit);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }

        private long loadCursor() {
            try {
                Path p = cursors.resolve(containerId);
                return Files.exists(p) ? Long.parseLong(Files.readString(p).strip()) : 0;
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
        }

        private void saveCursor(long nanos) {
            try {
                Files.createDirectories(cursors);
                Path tmp = cursors.resolve(containerId + ".tmp");
                Files.writeString(tmp, Long.toString(nanos));
                Files.move(
                        tmp,
                        cursors.resolve(containerId),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                LOG.debug("cannot save the log cursor of {}: {}", containerId, e.toString());
            }
        }
    }

    /** Containers being or having been followed (for tests). */
    Set<String> followed() {
        return new HashSet<>(followed);
    }
}
