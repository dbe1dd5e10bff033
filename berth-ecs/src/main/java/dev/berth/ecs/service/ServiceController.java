package dev.berth.ecs.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.service.ServiceView.TaskView;
import dev.berth.ecs.task.StoredTask;
import dev.berth.ecs.task.TaskApi;
import dev.berth.ecs.task.TaskLaunch;
import dev.berth.ecs.task.TaskLifecycle;
import dev.berth.ecs.task.Tasks;
import dev.berth.ecs.taskdef.StoredTaskDefinition;
import dev.berth.ecs.taskdef.TaskDefinitionApi;
import dev.berth.model.lb.LoadBalancerTargets;
import dev.berth.model.lb.LoadBalancerTargets.Target;
import dev.berth.model.lb.LoadBalancerTargets.TargetHealth;
import dev.berth.model.tag.Tag;
import dev.berth.scheduler.ClusterSnapshot;
import dev.berth.scheduler.ContainerInstance;
import dev.berth.scheduler.PlacementConstraint;
import dev.berth.scheduler.PlacementStrategy;
import dev.berth.scheduler.TaskRequirements;
import dev.berth.store.Documents;
import dev.berth.store.Entry;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the service scheduler: a reconcile per service, woken by changes (task state reports, instance
 * registration and state changes, service API calls) and by a periodic resync, so a lost wake-up only
 * delays a reconcile. A reconcile reads the service's view ({@link ServiceView}, one read transaction),
 * asks {@link ServicePlanner} for a {@link Plan}, calls the load balancers, then applies the plan in one
 * write transaction that re-checks the service's store version (a concurrent API call wins; the
 * reconcile starts over).
 *
 * <p>Threading: {@link #WORKERS} worker threads take service keys from one queue; a key is never
 * reconciled by two workers at once (a wake during a reconcile re-queues it afterwards). The state is
 * all in the store, so a restarted server resumes every service from {@link #start}.
 */
public final class ServiceController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceController.class);
    static final int WORKERS = 2;
    /** How often every service is reconciled even without a wake-up. */
    public static final long RESYNC_MILLIS = 30_000;

    private final StateStore store;
    private final Documents docs;
    private final Tasks tasks;
    private final TaskApi taskApi;
    private final TaskLaunch launch;
    private final TaskDefinitionApi taskDefinitions;
    private final InstanceNotifier notifier;
    private final LoadBalancerTargets lbs;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Set<String> again = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("berth-services-timer").factory());
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;
    /**
     * Services with tasks held while their targets drain, by target group ARN: when the load balancer
     * reports a group's drain done ({@link LoadBalancerTargets#onDeregistered}), those services are
     * woken so the held task stops at once rather than at its {@code drainUntil}.
     */
    private final Map<String, Set<String>> drainWatch = new ConcurrentHashMap<>();
    /** Reconciles done (for tests and the benchmark). */
    private final java.util.concurrent.atomic.AtomicLong reconciles = new java.util.concurrent.atomic.AtomicLong();

    public ServiceController(
            StateStore store,
            Documents docs,
            Tasks tasks,
            TaskApi taskApi,
            TaskLaunch launch,
            TaskDefinitionApi taskDefinitions,
            InstanceNotifier notifier,
            LoadBalancerTargets lbs,
            Clock clock) {
        this.store = store;
        this.docs = docs;
        this.tasks = tasks;
        this.taskApi = taskApi;
        this.launch = launch;
        this.taskDefinitions = taskDefinitions;
        this.notifier = notifier;
        this.lbs = lbs;
        this.clock = clock;
        lbs.onDeregistered(this::targetsDeregistered);
    }

    /** Targets of {@code targetGroupArn} finished draining: wake the services holding tasks for it. */
    void targetsDeregistered(String targetGroupArn) {
        Set<String> keys = drainWatch.get(targetGroupArn);
        if (keys != null) {
            keys.forEach(this::wake);
        }
    }

    /** Watches the service's groups while it has tasks draining (or about to), forgets them otherwise. */
    private void watchDrains(String key, StoredService s, ServiceView view, Plan plan) {
        if (s.loadBalancers() == null || s.loadBalancers().isEmpty()) {
            return;
        }
        boolean draining = !plan.deregister().isEmpty()
                || view.tasks().stream()
                        .anyMatch(t -> t.draining() && !plan.release().contains(t.id()));
        for (JsonNode lb : s.loadBalancers()) {
            String tg = lb.path("targetGroupArn").asText();
            if (draining) {
                drainWatch
                        .computeIfAbsent(tg, k -> ConcurrentHashMap.newKeySet())
                        .add(key);
            } else {
                drainWatch.computeIfPresent(tg, (k, v) -> {
                    v.remove(key);
                    return v.isEmpty() ? null : v;
                });
            }
        }
    }

    /** Starts the workers and the resync, and wakes every service in the store. */
    public ServiceController start() {
        for (int i = 0; i < WORKERS; i++) {
            Thread t = Thread.ofPlatform().daemon().name("berth-services-" + i).start(this::work);
            workers.add(t);
        }
        timer.scheduleWithFixedDelay(this::resync, 0, RESYNC_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    public long reconciles() {
        return reconciles.get();
    }

    /** Wakes every service (the periodic resync). */
    public void resync() {
        try {
            List<String> keys = new ArrayList<>();
            store.read(tx -> {
                StorePages.forEach(tx, Kinds.SERVICE, "", e -> keys.add(e.key()));
                return null;
            });
            keys.forEach(this::wake);
        } catch (RuntimeException e) {
            LOG.warn("service resync failed: {}", e.toString());
        }
    }

    /** Queues a reconcile of one service ({@code <cluster>/<name>}). */
    public void wake(String serviceKey) {
        if (closed) {
            return;
        }
        if (busy.contains(serviceKey)) {
            again.add(serviceKey);
        }
        if (queued.add(serviceKey)) {
            queue.add(serviceKey);
        }
    }

    /** A task of {@code group} in {@code cluster} changed: wake its service, if it belongs to one. */
    public void taskChanged(String cluster, String group) {
        if (group != null && group.startsWith("service:")) {
            wake(cluster + "/" + group.substring("service:".length()));
        }
    }

    /** Instances of a cluster joined, left or changed state: wake every service of the cluster. */
    public void instancesChanged(String cluster) {
        try {
            List<String> keys = new ArrayList<>();
            store.read(tx -> {
                StorePages.forEach(tx, Kinds.SERVICE, Kinds.inCluster(cluster), e -> keys.add(e.key()));
                return null;
            });
            keys.forEach(this::wake);
        } catch (RuntimeException e) {
            LOG.warn("waking the services of {} failed: {}", cluster, e.toString());
        }
    }

    private void work() {
        while (!closed) {
            String key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (!busy.add(key)) {
                again.add(key);
                queued.remove(key);
                continue;
            }
            queued.remove(key);
            try {
                long wakeAt = reconcile(key);
                if (wakeAt > 0) {
                    long delay = Math.max(50, wakeAt - clock.millis());
                    timer.schedule(() -> wake(key), delay, TimeUnit.MILLISECONDS);
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("reconcile of service {} failed: {}", key, e.toString(), e);
                    timer.schedule(() -> wake(key), 2, TimeUnit.SECONDS);
                }
            } finally {
                busy.remove(key);
                if (again.remove(key)) {
                    wake(key);
                }
            }
        }
    }

    /** What one read of a service found. */
    private record Read(
            Entry entry,
            StoredService service,
            ServiceView view,
            List<String> orphans,
            Map<String, TaskView> byId,
            Map<String, StoredTask> stored,
            Map<String, Integer> ownLive) {}

    /** Reconciles one service now; returns when it wants to be looked at again (0: resync only). */
    public long reconcile(String key) {
        for (int attempt = 0; attempt < 5; attempt++) {
            reconciles.incrementAndGet();
            Read read = store.read(tx -> read(tx, key));
            if (read == null) {
                return 0;
            }
            ServiceView view = read.view();
            if (read.service().loadBalancers() != null
                    && !read.service().loadBalancers().isEmpty()) {
                Map<String, List<ServiceView.ElbFailure>> failures = new HashMap<>();
                view = view.withLoadBalancers(
                        targetHealth(read.service(), read.stored(), view.snapshot(), view.tasks(), failures),
                        drainMillis(read.service()),
                        drained(read, view.tasks()),
                        failures);
            }
            Plan plan = ServicePlanner.plan(view);
            watchDrains(key, read.service(), view, plan);
            boolean changed =
                    !plan.service().equals(read.service()) || !read.orphans().isEmpty();
            if (!plan.hasActions() && !changed) {
                return plan.wakeAtMillis();
            }
            List<StoredService.Event> lbEvents = new ArrayList<>();
            Set<String> registered = new HashSet<>(balance(read, plan, lbEvents));
            Optional<Set<String>> woken = store.transact(tx -> apply(tx, key, read, plan, registered, lbEvents));
            if (woken.isPresent()) {
                woken.get().forEach(notifier::changed);
                return plan.start() > 0 || !plan.startOn().isEmpty() ? clock.millis() + 1_000 : plan.wakeAtMillis();
            }
        }
        return clock.millis() + 1_000;
    }

    private Read read(Transaction tx, String key) {
        Optional<Entry> entry = tx.get(Kinds.SERVICE, key);
        if (entry.isEmpty()) {
            return null;
        }
        StoredService s = docs.read(entry.get(), StoredService.class);
        List<TaskView> views = new ArrayList<>();
        List<String> orphans = new ArrayList<>();
        Map<String, TaskView> byId = new HashMap<>();
        Map<String, StoredTask> stored = new HashMap<>();
        StorePages.forEach(tx, ServiceTasks.KIND, key + "/", e -> {
            ServiceTasks st = docs.read(e, ServiceTasks.class);
            Optional<StoredTask> t = tasks.find(tx, s.cluster(), st.taskId());
            if (t.isEmpty()) {
                orphans.add(e.key());
                return;
            }
            StoredTask task = t.get();
            TaskView v = new TaskView(
                    task.id(),
                    tasks.instanceArnOf(s.cluster(), task.containerInstanceId()),
                    task.startedBy(),
                    task.taskDefinitionArn(),
                    task.lastStatus(),
                    task.desiredStatus() == TaskLifecycle.RUNNING,
                    task.healthStatus(),
                    task.times().startedAt(),
                    task.stopCode(),
                    task.reservation().cpu(),
                    task.reservation().memory(),
                    st.registered(),
                    task.drainUntil());
            views.add(v);
            byId.put(v.id(), v);
            stored.put(v.id(), task);
        });
        Map<String, Integer> ownLive = new HashMap<>();
        for (StoredTask t : stored.values()) {
            if (t.lastStatus() != TaskLifecycle.STOPPED) {
                ownLive.merge(t.containerInstanceId(), 1, Integer::sum);
            }
        }
        ClusterSnapshot snapshot = launch.readInstances(tx, s.cluster(), s.group(), ownLive);
        Set<String> checked = new HashSet<>();
        Set<String> arns = new LinkedHashSet<>();
        views.forEach(v -> arns.add(v.taskDefinitionArn()));
        TaskRequirements req = TaskRequirements.of(0, 0);
        StoredService.Deployment primary = s.primary();
        if (primary != null) {
            arns.add(primary.taskDefinitionArn());
        }
        for (String arn : arns) {
            Optional<StoredTaskDefinition> td = taskDefinitions.find(tx, arn);
            if (td.isEmpty()) {
                continue;
            }
            for (JsonNode c : td.get().body().path("containerDefinitions")) {
                if (c.hasNonNull("healthCheck")) {
                    checked.add(arn);
                }
            }
            if (primary != null && arn.equals(primary.taskDefinitionArn())) {
                req = launch.requirementsOf(s.cluster(), td.get());
            }
        }
        ServiceView view = new ServiceView(
                s, views, snapshot, req, constraints(s), strategies(s), checked, Map.of(), clock.millis(), random);
        return new Read(entry.get(), s, view, orphans, byId, stored, ownLive);
    }

    static List<PlacementConstraint> constraints(StoredService s) {
        List<PlacementConstraint> out = new ArrayList<>();
        if (s.placementConstraints() != null) {
            s.placementConstraints()
                    .forEach(n -> out.add(PlacementConstraint.of(
                            n.path("type").asText(null), n.path("expression").asText(null))));
        }
        return out;
    }

    static List<PlacementStrategy> strategies(StoredService s) {
        List<PlacementStrategy> out = new ArrayList<>();
        if (s.placementStrategy() != null) {
            s.placementStrategy()
                    .forEach(n -> out.add(PlacementStrategy.of(
                            n.path("type").asText(null), n.path("field").asText(null))));
        }
        return out;
    }

    /**
     * The load balancer half of a plan, before its transaction: deregisters targets of tasks that stop or
     * stopped, registers RUNNING tasks; returns the ids of tasks now registered. Target health feeds the
     * next reconcile through {@link #targetHealth}.
     */
    private List<String> balance(Read read, Plan plan, List<StoredService.Event> events) {
        StoredService s = read.service();
        if (s.loadBalancers() == null || s.loadBalancers().isEmpty()) {
            return List.of();
        }
        List<String> done = new ArrayList<>();
        for (JsonNode lb : s.loadBalancers()) {
            String tg = lb.path("targetGroupArn").asText();
            List<Target> off = targets(read, plan.deregister(), lb);
            if (!off.isEmpty()) {
                lbs.deregister(tg, off);
                events.add(event(ServiceEvents.deregistered(s.name(), off.size(), tg)));
            }
            List<Target> on = targets(read, plan.register(), lb);
            if (!on.isEmpty()) {
                lbs.register(tg, on);
                events.add(event(ServiceEvents.registered(s.name(), on.size(), tg)));
            }
        }
        done.addAll(plan.register());
        return done;
    }

    private List<Target> targets(Read read, List<String> ids, JsonNode lb) {
        List<Target> out = new ArrayList<>();
        for (String id : ids) {
            Target t = target(read.stored().get(id), lb, read.view().snapshot());
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** The target of a task's container port: the instance's EC2 id, host IP and the bound host port. */
    private Target target(StoredTask t, JsonNode lb, ClusterSnapshot snapshot) {
        if (t == null) {
            return null;
        }
        String name = lb.path("containerName").asText();
        int port = lb.path("containerPort").asInt();
        String instanceArn = tasks.instanceArnOf(t.cluster(), t.containerInstanceId());
        for (StoredTask.TaskContainer c : t.containers()) {
            if (!c.name().equals(name)) {
                continue;
            }
            for (StoredTask.Binding b : c.networkBindings()) {
                if (b.containerPort() == port) {
                    String ec2 = snapshot.instances().stream()
                            .filter(i -> i.arn().equals(instanceArn))
                            .map(ContainerInstance::ec2InstanceId)
                            .findFirst()
                            .orElse(t.containerInstanceId());
                    return new Target(ec2, b.bindIP(), b.hostPort());
                }
            }
        }
        return null;
    }

    /**
     * The worst health over the service's target groups of each registered task; where a task is
     * {@code unhealthy}, ELB's description of why goes to {@code failures} (one entry per group, in the
     * service's order).
     */
    Map<String, TargetHealth> targetHealth(
            StoredService s,
            Map<String, StoredTask> stored,
            ClusterSnapshot snapshot,
            List<TaskView> views,
            Map<String, List<ServiceView.ElbFailure>> failures) {
        Map<String, TargetHealth> out = new HashMap<>();
        if (s.loadBalancers() == null || s.loadBalancers().isEmpty()) {
            return out;
        }
        for (JsonNode lb : s.loadBalancers()) {
            Map<Target, String> byTarget = new HashMap<>();
            for (TaskView v : views) {
                Target t = v.registered() ? target(stored.get(v.id()), lb, snapshot) : null;
                if (t != null) {
                    byTarget.put(t, v.id());
                }
            }
            if (byTarget.isEmpty()) {
                continue;
            }
            String tg = lb.path("targetGroupArn").asText();
            lbs.states(tg, new ArrayList<>(byTarget.keySet())).forEach((t, state) -> {
                String id = byTarget.get(t);
                if (id == null) {
                    return;
                }
                TargetHealth h = state.health();
                TargetHealth prev = out.get(id);
                if (prev == null || worse(h, prev)) {
                    out.put(id, h);
                }
                if (h == TargetHealth.UNHEALTHY) {
                    failures.computeIfAbsent(id, k -> new ArrayList<>())
                            .add(new ServiceView.ElbFailure(tg, t.id(), t.port(), state.description()));
                }
            });
        }
        return out;
    }

    /** The longest deregistration delay over the service's target groups, in milliseconds. */
    long drainMillis(StoredService s) {
        long max = 0;
        if (s.loadBalancers() != null) {
            for (JsonNode lb : s.loadBalancers()) {
                max = Math.max(
                        max,
                        lbs.deregistrationDelaySeconds(lb.path("targetGroupArn").asText()) * 1000L);
            }
        }
        return max;
    }

    /**
     * Tasks held for draining, already deregistered, whose targets no group reports draining any more
     * (the load balancer finished early, or forgot them in a restart: nothing can be in flight).
     */
    private Set<String> drained(Read read, List<TaskView> views) {
        Set<String> out = new HashSet<>();
        for (TaskView v : views) {
            if (!v.draining() || v.registered()) {
                continue;
            }
            boolean done = true;
            for (JsonNode lb : read.service().loadBalancers()) {
                Target t = target(read.stored().get(v.id()), lb, read.view().snapshot());
                if (t != null
                        && lbs.health(lb.path("targetGroupArn").asText(), List.of(t))
                                        .get(t)
                                == TargetHealth.DRAINING) {
                    done = false;
                }
            }
            if (done) {
                out.add(v.id());
            }
        }
        return out;
    }

    /**
     * The {@link TaskApi.DrainPolicy} for StopTask: a RUNNING task of a service, registered in the
     * service's target groups, is held for the longest deregistration delay of those groups (its targets
     * are deregistered by the reconcile the stop wakes).
     */
    public Long drainUntil(Transaction tx, StoredTask task, long now) {
        if (task.group() == null || !task.group().startsWith("service:")) {
            return null;
        }
        String key = task.cluster() + "/" + task.group().substring("service:".length());
        boolean registered = docs.get(tx, ServiceTasks.KIND, ServiceTasks.key(key, task.id()), ServiceTasks.class)
                .map(ServiceTasks::registered)
                .orElse(false);
        if (!registered) {
            return null;
        }
        Optional<StoredService> s = docs.get(tx, Kinds.SERVICE, key, StoredService.class);
        long delay = s.map(this::drainMillis).orElse(0L);
        return delay > 0 ? now + delay : null;
    }

    private static boolean worse(TargetHealth a, TargetHealth b) {
        return a != TargetHealth.HEALTHY && b == TargetHealth.HEALTHY || a == TargetHealth.UNHEALTHY;
    }

    private StoredService.Event event(String message) {
        return new StoredService.Event(ServicePlanner.uuid(random), clock.millis(), message);
    }

    /** Applies a plan; empty if the service changed since it was read (the caller starts over). */
    private Optional<Set<String>> apply(
            Transaction tx,
            String key,
            Read read,
            Plan plan,
            Set<String> registered,
            List<StoredService.Event> lbEvents) {
        Optional<Entry> now = tx.getForUpdate(Kinds.SERVICE, key);
        if (now.isEmpty() || now.get().version() != read.entry().version()) {
            return Optional.empty();
        }
        StoredService s = plan.service();
        Set<String> woken = new LinkedHashSet<>();
        for (Plan.Stop stop : plan.stops()) {
            StoredTask t = taskApi.stopTask(
                    tx, s.cluster(), stop.taskId(), "ServiceSchedulerInitiated", stop.reason(), stop.drainUntil());
            woken.add(t.cluster() + "/" + t.containerInstanceId());
        }
        for (String id : plan.release()) {
            taskApi.releaseDrain(tx, s.cluster(), id)
                    .ifPresent(t -> woken.add(t.cluster() + "/" + t.containerInstanceId()));
        }
        List<StoredService.Event> events = new ArrayList<>(lbEvents);
        if (plan.start() > 0 || !plan.startOn().isEmpty()) {
            TaskLaunch.ServiceLaunch l = launch.launchForService(
                    tx,
                    s.cluster(),
                    plan.startTaskDefinitionArn(),
                    s.group(),
                    plan.startDeploymentId(),
                    taskTags(s),
                    s.propagateTags(),
                    constraints(s),
                    strategies(s),
                    plan.start(),
                    plan.startOn().isEmpty() ? null : plan.startOn(),
                    read.ownLive());
            woken.addAll(l.changed());
            for (StoredTask t : l.tasks()) {
                docs.put(tx, ServiceTasks.KIND, ServiceTasks.key(key, t.id()), new ServiceTasks(t.id(), false));
            }
            if (!l.tasks().isEmpty()) {
                events.add(event(ServiceEvents.started(
                        s.name(), l.tasks().stream().map(StoredTask::id).toList())));
            }
            if (l.placement().unplaced() > 0) {
                String m = ServiceEvents.unplaced(s.name(), l.placement());
                boolean repeat =
                        !s.events().isEmpty() && s.events().getFirst().message().equals(m);
                if (!repeat) {
                    events.add(event(m));
                }
            }
        }
        for (String id : registered) {
            docs.put(tx, ServiceTasks.KIND, ServiceTasks.key(key, id), new ServiceTasks(id, true));
        }
        for (String id : plan.deregister()) {
            if (read.byId().containsKey(id)) {
                docs.put(tx, ServiceTasks.KIND, ServiceTasks.key(key, id), new ServiceTasks(id, false));
            }
        }
        read.orphans().forEach(k -> tx.delete(ServiceTasks.KIND, k));
        if (!events.isEmpty()) {
            java.util.Collections.reverse(events);
            s = s.reconciled(
                    s.status(),
                    s.taskDefinitionArn(),
                    s.deployments(),
                    events,
                    s.lastCompleted(),
                    s.handledStopped(),
                    s.throttle(),
                    s.steady());
        }
        if (StoredService.INACTIVE.equals(s.status())) {
            tx.delete(Kinds.SERVICE, key);
            StorePages.forEach(tx, ServiceTasks.KIND, key + "/", e -> tx.delete(ServiceTasks.KIND, e.key()));
            docs.put(tx, StoredService.INACTIVE_KIND, key, s);
        } else {
            docs.put(tx, Kinds.SERVICE, key, s);
        }
        return Optional.of(woken);
    }

    /** The tags a service gives its tasks: the service's own (propagateTags SERVICE) and ECS's managed tags. */
    static List<Tag> taskTags(StoredService s) {
        List<Tag> out = new ArrayList<>();
        if ("SERVICE".equals(s.propagateTags())) {
            out.addAll(s.tags());
        }
        if (s.enableECSManagedTags()) {
            out.add(new Tag("aws:ecs:serviceName", s.name()));
            out.add(new Tag("aws:ecs:clusterName", s.cluster()));
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.forEach(Thread::interrupt);
    }
}
