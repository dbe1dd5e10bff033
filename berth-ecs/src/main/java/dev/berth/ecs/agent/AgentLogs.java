package dev.berth.ecs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.ecs.task.StoredTask;
import dev.berth.ecs.task.Tasks;
import dev.berth.model.error.AwsException;
import dev.berth.model.logs.AwslogsOptions;
import dev.berth.model.logs.LogSink;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.store.StateStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's half of the awslogs driver: stores the log lines an agent ships for one container of
 * one of its tasks ({@code POST .../instances/{id}/logs}, docs/agent-protocol.md).
 *
 * <p>The agent says which task and container the lines are from; the server decides where they go.
 * The log group, stream prefix and {@code awslogs-create-group} come from the task's own spec in the
 * store, and the task must be placed on the calling instance, so an agent's credential can only
 * write its own tasks' logs, into the groups their task definitions name. Authentication is a read
 * (no lock on the instance row), so shipping logs never contends with heartbeats and reports.
 */
public final class AgentLogs {

    private static final int MAX_EVENTS = 10_000;

    private final StateStore store;
    private final ContainerInstances instances;
    private final Tasks tasks;
    private final LogSink events;

    public AgentLogs(StateStore store, ContainerInstances instances, Tasks tasks, LogSink events) {
        this.store = store;
        this.instances = instances;
        this.tasks = tasks;
        this.events = events;
    }

    /**
     * Stores {@code {"taskArn", "container", "containerId", "events": [{"timestamp", "message"}]}} and
     * answers like PutLogEvents (plus {@code logGroupName}/{@code logStreamName}).
     */
    public ObjectNode ship(String cluster, String instanceId, String secret, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw AgentErrors.invalid("The body must be a JSON object.");
        }
        JsonNode list = body.path("events");
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_EVENTS) {
            throw AgentErrors.invalid("events must be an array of 1 to " + MAX_EVENTS + " events.");
        }
        List<LogSink.Event> batch = new ArrayList<>(list.size());
        for (JsonNode e : list) {
            if (!e.path("timestamp").isIntegralNumber() || !e.path("message").isTextual()) {
                throw AgentErrors.invalid("Every event needs an integer timestamp and a string message.");
            }
            batch.add(new LogSink.Event(
                    e.get("timestamp").asLong(), e.get("message").asText()));
        }
        Target t = target(cluster, instanceId, secret, body);
        LogSink.Accepted accepted = events.put(t.group(), t.stream(), batch, t.createGroup());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (accepted.nextSequenceToken() != null) {
            out.put("nextSequenceToken", accepted.nextSequenceToken());
        }
        if (accepted.tooNewLogEventStartIndex() != null
                || accepted.tooOldLogEventEndIndex() != null
                || accepted.expiredLogEventEndIndex() != null) {
            ObjectNode info = out.putObject("rejectedLogEventsInfo");
            putIndex(info, "tooNewLogEventStartIndex", accepted.tooNewLogEventStartIndex());
            putIndex(info, "tooOldLogEventEndIndex", accepted.tooOldLogEventEndIndex());
            putIndex(info, "expiredLogEventEndIndex", accepted.expiredLogEventEndIndex());
        }
        return out.put("logGroupName", t.group()).put("logStreamName", t.stream());
    }

    /**
     * The awslogs driver's initialisation when a container starts ({@code POST .../logs/streams},
     * {@code {"taskArn", "container", "containerId"}}): creates the group when the task definition
     * says {@code awslogs-create-group: true}, then the container's stream (both idempotent, as
     * Docker's driver ignores "already exists"). Without the option a missing group is
     * {@code ResourceNotFoundException: The specified log group does not exist.}, and the agent
     * refuses to start the container, as Docker does.
     */
    public ObjectNode openStream(String cluster, String instanceId, String secret, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw AgentErrors.invalid("The body must be a JSON object.");
        }
        Target t = target(cluster, instanceId, secret, body);
        events.openStream(t.group(), t.stream(), t.createGroup());
        return JsonNodeFactory.instance
                .objectNode()
                .put("logGroupName", t.group())
                .put("logStreamName", t.stream());
    }

    private static void putIndex(ObjectNode info, String field, Integer index) {
        if (index != null) {
            info.put(field, index);
        }
    }

    /** Where one container's logs go, decided from the task's spec in the store. */
    private record Target(String group, String stream, boolean createGroup) {}

    private Target target(String cluster, String instanceId, String secret, JsonNode body) {
        String taskArn = body.path("taskArn").asText("");
        String container = body.path("container").asText("");
        String containerId = body.path("containerId").asText("");
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        if (!taskArn.startsWith("arn:") || !taskArn.contains(":task/" + cluster + "/") || taskId.isEmpty()) {
            throw AgentErrors.invalid("taskArn must name a task of cluster " + cluster + ".");
        }
        StoredTask task = store.read(tx -> {
            if (!ContainerInstances.isId(instanceId)) {
                throw AgentErrors.badInstanceCredential();
            }
            StoredContainerInstance ci =
                    instances.find(tx, cluster, instanceId).orElseThrow(AgentErrors::badInstanceCredential);
            if (!Secrets.matchesHash(secret, ci.secretHash())) {
                throw AgentErrors.badInstanceCredential();
            }
            if (ci.status() == InstanceStatus.INACTIVE) {
                throw AgentErrors.inactive(instances.arnOf(cluster, instanceId));
            }
            return tasks.find(tx, cluster, taskId)
                    .filter(t -> instanceId.equals(t.containerInstanceId()))
                    .orElseThrow(() -> new AwsException(
                            "NotFoundException",
                            404,
                            "Task " + taskArn + " is not placed on this container instance."));
        });
        JsonNode def = null;
        for (JsonNode c : task.spec().path("containers")) {
            if (c.path("name").asText().equals(container)) {
                def = c;
            }
        }
        JsonNode log = def == null ? null : def.path("logConfiguration");
        if (log == null || !"awslogs".equals(log.path("logDriver").asText())) {
            throw AgentErrors.invalid(
                    "Container " + container + " of task " + taskArn + " does not use the awslogs log driver.");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        log.path("options")
                .fields()
                .forEachRemaining(f -> opts.put(f.getKey(), f.getValue().asText()));
        AwslogsOptions options;
        try {
            options = AwslogsOptions.parse(opts);
        } catch (IllegalArgumentException e) {
            throw AgentErrors.invalid(e.getMessage());
        }
        if (options.streamPrefix() == null && !containerId.matches("[0-9a-f]{12,64}")) {
            throw AgentErrors.invalid(
                    "containerId (the Docker container id) names the stream when there is no awslogs-stream-prefix.");
        }
        return new Target(options.group(), options.streamName(container, taskId, containerId), options.createGroup());
    }
}
