package dev.berth.ecs.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.EcsErrors;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.agent.Secrets;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.ecs.tags.TagRules;
import dev.berth.ecs.taskdef.StoredTaskDefinition;
import dev.berth.ecs.taskdef.TaskDefinitionApi;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.scheduler.ClusterSnapshot;
import dev.berth.scheduler.ContainerInstance;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.scheduler.PlacementConstraint;
import dev.berth.scheduler.PlacementEngine;
import dev.berth.scheduler.PlacementRequest;
import dev.berth.scheduler.PlacementResult;
import dev.berth.scheduler.PlacementStrategy;
import dev.berth.scheduler.PlacementValidation;
import dev.berth.scheduler.Ports;
import dev.berth.scheduler.TaskRequirements;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RunTask and StartTask: validate the call, then in one transaction lock the cluster's registered
 * instances, build the scheduler's snapshot from them and their live tasks, place (RunTask) or check
 * the named instances (StartTask), create the tasks, take their reservations and bump each chosen
 * instance's desired-state version; after commit, wake those instances' agents. The API records
 * what should run; the agents run it and report back.
 *
 * <p>Locking every registered instance of the cluster serialises launches per cluster, which is what
 * keeps two concurrent RunTasks from promising the same memory twice.
 */
public final class TaskLaunch {

    private static final int MAX_COUNT = 10;

    private final StateStore store;
    private final Tasks tasks;
    private final ContainerInstances instances;
    private final ClusterApi clusters;
    private final TaskDefinitionApi taskDefinitions;
    private final InstanceNotifier notifier;
    private final SecureRandom random = new SecureRandom();

    public TaskLaunch(
            StateStore store,
            Tasks tasks,
            ContainerInstances instances,
            ClusterApi clusters,
            TaskDefinitionApi taskDefinitions,
            InstanceNotifier notifier) {
        this.store = store;
        this.tasks = tasks;
        this.instances = instances;
        this.clusters = clusters;
        this.taskDefinitions = taskDefinitions;
        this.notifier = notifier;
    }

    /** The parts of RunTask and StartTask that describe the tasks themselves. */
    private record Common(
            String taskDefinition,
            JsonNode overrides,
            String group,
            String startedBy,
            List<Tag> tags,
            String propagateTags) {}

    private static Common common(ObjectNode in) {
        String startedBy = in.path("startedBy").asText(null);
        if (startedBy != null && !startedBy.matches("[A-Za-z0-9_-]{1,36}")) {
            throw EcsErrors.invalidParameter("startedBy must be up to 36 letters, numbers, hyphens and underscores.");
        }
        String group = in.path("group").asText(null);
        if (group != null && (group.isEmpty() || group.length() > 255)) {
            throw EcsErrors.invalidParameter("group must be 1 to 255 characters.");
        }
        String launchType = in.path("launchType").asText("EC2");
        if (!launchType.equals("EC2")) {
            throw EcsErrors.invalidParameter(
                    "Berth runs tasks with launch type EC2 only; " + launchType + " is not supported.");
        }
        if (in.has("capacityProviderStrategy")
                && !in.get("capacityProviderStrategy").isEmpty()) {
            throw EcsErrors.invalidParameter(
                    "Berth runs tasks with launch type EC2 only; capacityProviderStrategy is not supported.");
        }
        if (in.path("referenceId").asText("").length() > 1024) {
            throw EcsErrors.invalidParameter("referenceId can be at most 1024 characters.");
        }
        if (in.path("enableExecuteCommand").asBoolean(false)) {
            throw EcsErrors.invalidParameter("Berth does not support ECS Exec (enableExecuteCommand) yet.");
        }
        if (in.hasNonNull("networkConfiguration")) {
            throw EcsErrors.invalidParameter(
                    "Network Configuration is not valid for the given networkMode of this task definition.");
        }
        String propagate = in.path("propagateTags").asText("NONE");
        if (propagate.equals("SERVICE")) {
            throw EcsErrors.invalidParameter(
                    "The task is not part of a service; propagateTags SERVICE is not allowed.");
        }
        return new Common(
                in.path("taskDefinition").asText(),
                in.get("overrides"),
                group,
                startedBy,
                TagRules.parse(in.get("tags")),
                propagate);
    }

    public JsonNode runTask(CallContext call, ObjectNode in) {
        int count = in.has("count") ? in.get("count").asInt() : 1;
        if (count < 1 || count > MAX_COUNT) {
            throw EcsErrors.invalidParameter("count must be between 1 and " + MAX_COUNT + ".");
        }
        Common c = common(in);
        List<PlacementConstraint> callConstraints = new ArrayList<>();
        in.path("placementConstraints")
                .forEach(n -> callConstraints.add(PlacementConstraint.of(
                        n.path("type").asText(null), n.path("expression").asText(null))));
        List<PlacementStrategy> strategies = new ArrayList<>();
        in.path("placementStrategy")
                .forEach(n -> strategies.add(PlacementStrategy.of(
                        n.path("type").asText(null), n.path("field").asText(null))));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Set<String> woken = store.transact(tx -> {
            out.removeAll();
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            StoredTaskDefinition td = definition(tx, c);
            List<PlacementConstraint> tdConstraints = new ArrayList<>();
            td.body()
                    .path("placementConstraints")
                    .forEach(n -> tdConstraints.add(PlacementConstraint.of(
                            n.path("type").asText(null), n.path("expression").asText(null))));
            PlacementValidation.validate(tdConstraints, callConstraints, strategies);
            TaskSpecs.Built probe = TaskSpecs.build(
                    tasks.arnOf(cluster, "0".repeat(32)),
                    cluster,
                    td.family(),
                    td.revision(),
                    td.body(),
                    c.overrides());
            Map<String, StoredContainerInstance> locked = lockRegistered(tx, cluster);
            List<PlacementConstraint> all = new ArrayList<>(tdConstraints);
            all.addAll(callConstraints);
            PlacementRequest request = new PlacementRequest(
                    requirements(probe.reservation(), td),
                    group(c, td),
                    all,
                    strategies.isEmpty() ? PlacementStrategy.RUN_TASK_DEFAULT : strategies,
                    count);
            PlacementResult result = PlacementEngine.place(snapshot(tx, cluster, locked), request, random);
            if (result.summaryReason() != null) {
                throw EcsErrors.invalidParameter(result.summaryReason());
            }
            ArrayNode created = out.putArray("tasks");
            Set<String> changed = new LinkedHashSet<>();
            for (String instanceArn : result.placements()) {
                String instanceId = instanceArn.substring(instanceArn.lastIndexOf('/') + 1);
                StoredTask t = launch(tx, cluster, td, c, locked, instanceId);
                created.add(tasks.render(t, true));
                changed.add(cluster + "/" + instanceId);
            }
            ArrayNode failures = out.putArray("failures");
            result.ecsFailures().forEach(f -> {
                ObjectNode fn = failures.addObject();
                if (f.arn() != null) {
                    fn.put("arn", f.arn());
                }
                fn.put("reason", f.reason());
            });
            return changed;
        });
        woken.forEach(notifier::changed);
        return out;
    }

    public JsonNode startTask(CallContext call, ObjectNode in) {
        Common c = common(in);
        List<String> refs = new ArrayList<>();
        in.path("containerInstances").forEach(n -> refs.add(n.asText()));
        if (refs.isEmpty() || refs.size() > MAX_COUNT) {
            throw EcsErrors.invalidParameter(
                    "containerInstances must list 1 to " + MAX_COUNT + " container instances.");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Set<String> woken = store.transact(tx -> {
            out.removeAll();
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            StoredTaskDefinition td = definition(tx, c);
            TaskSpecs.Built probe = TaskSpecs.build(
                    tasks.arnOf(cluster, "0".repeat(32)),
                    cluster,
                    td.family(),
                    td.revision(),
                    td.body(),
                    c.overrides());
            Map<String, StoredContainerInstance> locked = lockRegistered(tx, cluster);
            ArrayNode created = out.putArray("tasks");
            ArrayNode failures = out.putArray("failures");
            Set<String> changed = new LinkedHashSet<>();
            for (String ref : refs) {
                String id = instances.resolve(cluster, ref).orElse(null);
                StoredContainerInstance ci = id == null ? null : locked.get(id);
                if (ci == null) {
                    failures.addObject().put("arn", ref).put("reason", "MISSING");
                    continue;
                }
                PlacementRequest one = new PlacementRequest(
                        requirements(probe.reservation(), td), group(c, td), List.of(), List.of(), 1);
                PlacementResult r = PlacementEngine.place(snapshot(tx, cluster, Map.of(id, ci)), one, random);
                if (!r.complete()) {
                    r.ecsFailures().forEach(f -> failures.addObject()
                            .put("arn", instances.arnOf(cluster, id))
                            .put("reason", f.reason()));
                    continue;
                }
                created.add(tasks.render(launch(tx, cluster, td, c, locked, id), true));
                changed.add(cluster + "/" + id);
            }
            return changed;
        });
        woken.forEach(notifier::changed);
        return out;
    }

    /** What a service launch created: the new tasks, the instances to wake after commit, and the placement outcome. */
    public record ServiceLaunch(List<StoredTask> tasks, Set<String> changed, PlacementResult placement) {}

    /**
     * Starts tasks for the service scheduler inside the caller's transaction: {@code count} tasks placed
     * by the engine (REPLICA), or one task on each of {@code instanceArns} that can still take it
     * (DAEMON, when {@code instanceArns} is not null). Tasks get group {@code group} and startedBy
     * {@code startedBy} (the deployment id), as ECS gives service tasks.
     */
    public ServiceLaunch launchForService(
            Transaction tx,
            String cluster,
            String taskDefinitionArn,
            String group,
            String startedBy,
            List<Tag> tags,
            String propagateTags,
            List<PlacementConstraint> constraints,
            List<PlacementStrategy> strategies,
            int count,
            List<String> instanceArns,
            Map<String, Integer> ownLive) {
        Common c = new Common(
                taskDefinitionArn,
                null,
                group,
                startedBy,
                tags,
                "SERVICE".equals(propagateTags) || propagateTags == null ? "NONE" : propagateTags);
        StoredTaskDefinition td = taskDefinitions
                .find(tx, taskDefinitionArn)
                .orElseThrow(() -> EcsErrors.client("TaskDefinition not found."));
        TaskSpecs.Built probe = TaskSpecs.build(
                tasks.arnOf(cluster, "0".repeat(32)), cluster, td.family(), td.revision(), td.body(), null);
        Map<String, StoredContainerInstance> locked = lockRegistered(tx, cluster);
        List<PlacementConstraint> all = new ArrayList<>();
        td.body()
                .path("placementConstraints")
                .forEach(n -> all.add(PlacementConstraint.of(
                        n.path("type").asText(null), n.path("expression").asText(null))));
        all.addAll(constraints);
        // Only the service's own tasks matter to spread, distinctInstance and DAEMON placement; a
        // task:group expression may name any group, and then every live task is read.
        boolean anyGroup = ownLive == null
                || all.stream()
                        .anyMatch(pc -> pc instanceof PlacementConstraint.MemberOf m
                                && m.expressionText().contains("task:group"));
        ClusterSnapshot snapshot = anyGroup ? snapshot(tx, cluster, locked) : light(locked, group, ownLive);
        PlacementResult result;
        if (instanceArns == null) {
            PlacementRequest request = new PlacementRequest(
                    requirements(probe.reservation(), td),
                    group,
                    all,
                    strategies.isEmpty() ? PlacementStrategy.SERVICE_DEFAULT : strategies,
                    count);
            result = PlacementEngine.place(snapshot, request, random);
        } else {
            PlacementResult daemon =
                    PlacementEngine.placeDaemon(snapshot, requirements(probe.reservation(), td), group, all);
            List<String> wanted =
                    daemon.placements().stream().filter(instanceArns::contains).toList();
            result = new PlacementResult(daemon.request(), wanted, 0, List.of(), null);
        }
        List<StoredTask> created = new ArrayList<>();
        Set<String> changed = new LinkedHashSet<>();
        for (String instanceArn : result.placements()) {
            String instanceId = instanceArn.substring(instanceArn.lastIndexOf('/') + 1);
            created.add(launch(tx, cluster, td, c, locked, instanceId));
            changed.add(cluster + "/" + instanceId);
        }
        return new ServiceLaunch(created, changed, result);
    }

    /** {@link #readInstances}' view of already locked instances. */
    private ClusterSnapshot light(
            Map<String, StoredContainerInstance> locked, String group, Map<String, Integer> ownLive) {
        List<ContainerInstance> views = new ArrayList<>();
        for (StoredContainerInstance ci : locked.values()) {
            views.add(lightView(ci, group, ownLive));
        }
        return new ClusterSnapshot(views.stream()
                .filter(v -> v.status() != InstanceStatus.INACTIVE)
                .toList());
    }

    private ContainerInstance lightView(StoredContainerInstance ci, String group, Map<String, Integer> ownLive) {
        Set<Integer> ports = new HashSet<>();
        ci.remaining().ports().forEach(p -> ports.add(Ports.tcp(Integer.parseInt(p))));
        ci.remaining().portsUdp().forEach(p -> ports.add(Ports.udp(Integer.parseInt(p))));
        Map<String, Integer> groups = new HashMap<>();
        int own = ownLive.getOrDefault(ci.id(), 0);
        if (own > 0) {
            groups.put(group, own);
        }
        int others = ci.runningTasksCount() + ci.pendingTasksCount() - own;
        if (others > 0) {
            groups.put(OTHER_TASKS, others);
        }
        return instances.view(ci).toBuilder()
                .portsInUse(ports)
                .taskGroups(groups)
                .build();
    }

    /** The scheduler's view of a cluster's registered instances and their live tasks, without locking (a read). */
    public ClusterSnapshot readSnapshot(Transaction tx, String cluster) {
        Map<String, StoredContainerInstance> all = new LinkedHashMap<>();
        StorePages.forEach(tx, Kinds.CONTAINER_INSTANCE, cluster + "/", e -> {
            StoredContainerInstance ci = instances.docs().read(e, StoredContainerInstance.class);
            all.put(ci.id(), ci);
        });
        return snapshot(tx, cluster, all);
    }

    /**
     * A light view of a cluster for a service's reconcile, without reading every live task of the
     * cluster: each registered instance with its remaining resources, ports in use and attributes, and
     * as task groups only {@code group} (counted from {@code ownLive}, instance id to the service's live
     * tasks there) and a synthetic {@link #OTHER_TASKS} group for every other task on the instance (from
     * the instance's running and pending counts). Enough for scale-in choices, DAEMON placement (which
     * only asks whether the service has a task on an instance) and "is anything else still running
     * here"; RunTask-style placement with spread or task:group expressions reads the full snapshot.
     */
    public ClusterSnapshot readInstances(Transaction tx, String cluster, String group, Map<String, Integer> ownLive) {
        List<ContainerInstance> views = new ArrayList<>();
        StorePages.forEach(tx, Kinds.CONTAINER_INSTANCE, cluster + "/", e -> {
            StoredContainerInstance ci = instances.docs().read(e, StoredContainerInstance.class);
            if (ci.status() != InstanceStatus.INACTIVE) {
                views.add(lightView(ci, group, ownLive));
            }
        });
        return new ClusterSnapshot(views);
    }

    /** The task group {@link #readInstances} counts every task of other groups under. */
    public static final String OTHER_TASKS = "\u0000other";

    /** What a task of this definition needs from an instance (reservation, ports, requiresAttributes). */
    public TaskRequirements requirementsOf(String cluster, StoredTaskDefinition td) {
        TaskSpecs.Built probe = TaskSpecs.build(
                tasks.arnOf(cluster, "0".repeat(32)), cluster, td.family(), td.revision(), td.body(), null);
        return requirements(probe.reservation(), td);
    }

    private StoredTaskDefinition definition(Transaction tx, Common c) {
        StoredTaskDefinition td = taskDefinitions
                .find(tx, c.taskDefinition())
                .filter(d -> !d.status().equals(StoredTaskDefinition.DELETE_IN_PROGRESS))
                .orElseThrow(() -> EcsErrors.client("TaskDefinition not found."));
        String compat = td.body().path("networkMode").asText("bridge");
        if (compat.equals("awsvpc")) {
            throw EcsErrors.invalidParameter("Berth does not support network mode awsvpc for tasks yet.");
        }
        TaskSpecs.checkOverrides(td.body(), c.overrides());
        return td;
    }

    private static String group(Common c, StoredTaskDefinition td) {
        return c.group() != null ? c.group() : "family:" + td.family();
    }

    /** Creates one task on {@code instanceId} (already locked) and updates {@code locked} with the instance's new state. */
    private StoredTask launch(
            Transaction tx,
            String cluster,
            StoredTaskDefinition td,
            Common c,
            Map<String, StoredContainerInstance> locked,
            String instanceId) {
        String id = Secrets.hex(32);
        String arn = tasks.arnOf(cluster, id);
        TaskSpecs.Built built = TaskSpecs.build(arn, cluster, td.family(), td.revision(), td.body(), c.overrides());
        List<Tag> tags = new ArrayList<>(c.tags());
        if (c.propagateTags().equals("TASK_DEFINITION")) {
            tags = TagRules.merge(td.tags(), c.tags());
        }
        ObjectNode overrides = JsonNodeFactory.instance.objectNode();
        overrides.putArray("containerOverrides");
        overrides.putArray("inferenceAcceleratorOverrides");
        if (c.overrides() != null && c.overrides().isObject()) {
            overrides.setAll((ObjectNode) c.overrides().deepCopy());
        }
        long now = tasks.clock().millis();
        StoredTask t = new StoredTask(
                cluster,
                id,
                taskDefinitions.refs().arn(td.family(), td.revision()),
                instanceId,
                group(c, td),
                c.startedBy(),
                TaskLifecycle.PROVISIONING,
                TaskLifecycle.RUNNING,
                built.cpu(),
                built.memory(),
                built.reservation(),
                overrides,
                built.spec(),
                built.containers(),
                tags,
                1,
                null,
                null,
                "UNKNOWN",
                new StoredTask.Times(now, null, null, null, null, null, null, null),
                false,
                new StoredTask.Host(
                        locked.get(instanceId).attributes().get("ecs.availability-zone"),
                        locked.get(instanceId).attributes().get("ecs.cpu-architecture")),
                null);
        StoredContainerInstance ci = tasks.create(tx, locked.get(instanceId), t);
        instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, ci.key(), ci);
        locked.put(instanceId, ci);
        return t;
    }

    private Map<String, StoredContainerInstance> lockRegistered(Transaction tx, String cluster) {
        List<String> ids = new ArrayList<>();
        StorePages.forEach(
                tx,
                Kinds.CONTAINER_INSTANCE,
                cluster + "/",
                e -> ids.add(e.key().substring(cluster.length() + 1)));
        Map<String, StoredContainerInstance> out = new LinkedHashMap<>();
        for (String id : ids) {
            instances.lockRegistered(tx, cluster, id).ifPresent(ci -> out.put(id, ci));
        }
        return out;
    }

    /** The scheduler's snapshot: each instance with its ports in use and its live tasks counted by group. */
    private ClusterSnapshot snapshot(Transaction tx, String cluster, Map<String, StoredContainerInstance> locked) {
        Map<String, Map<String, Integer>> groups = new HashMap<>();
        StorePages.forEach(tx, Tasks.LIVE, cluster + "/", e -> {
            String instanceId = e.key().substring(cluster.length() + 1, e.key().lastIndexOf('/'));
            Tasks.LiveTask lt = tasks.docs().read(e, Tasks.LiveTask.class);
            groups.computeIfAbsent(instanceId, k -> new HashMap<>()).merge(lt.group(), 1, Integer::sum);
        });
        List<ContainerInstance> views = new ArrayList<>();
        for (StoredContainerInstance ci : locked.values()) {
            Set<Integer> ports = new HashSet<>();
            ci.remaining().ports().forEach(p -> ports.add(Ports.tcp(Integer.parseInt(p))));
            ci.remaining().portsUdp().forEach(p -> ports.add(Ports.udp(Integer.parseInt(p))));
            views.add(instances.view(ci).toBuilder()
                    .portsInUse(ports)
                    .taskGroups(groups.getOrDefault(ci.id(), Map.of()))
                    .build());
        }
        return new ClusterSnapshot(views.stream()
                .filter(v -> v.status() != InstanceStatus.INACTIVE)
                .toList());
    }

    /** What the scheduler must find on an instance: the reservation and the definition's requiresAttributes. */
    private static TaskRequirements requirements(StoredTask.Reservation r, StoredTaskDefinition td) {
        Set<Integer> ports = new HashSet<>();
        r.tcpPorts().forEach(p -> ports.add(Ports.tcp(p)));
        r.udpPorts().forEach(p -> ports.add(Ports.udp(p)));
        List<TaskRequirements.RequiredAttribute> attributes = new ArrayList<>();
        td.body()
                .path("requiresAttributes")
                .forEach(a -> attributes.add(new TaskRequirements.RequiredAttribute(
                        a.path("name").asText(),
                        a.hasNonNull("value") ? a.get("value").asText() : null)));
        return TaskRequirements.of(r.cpu(), r.memory()).withHostPorts(ports).withRequiredAttributes(attributes);
    }
}
