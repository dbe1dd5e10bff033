package dev.berth.scheduler;

import dev.berth.scheduler.cql.InstanceView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A cluster snapshot turned into indexes the scheduler can keep current as tasks come and go, so
 * that a placement costs about log(instances) instead of a pass over the cluster.
 *
 * <p>Why it exists: a {@link ClusterSnapshot} is immutable data; placing a million tasks by
 * rebuilding indexes from a fresh snapshot per RunTask call would spend all its time rebuilding. The
 * control plane keeps one {@code ClusterState} per cluster, asks it to {@link #place} (which leaves
 * it unchanged), records the tasks in the store, then {@link #commit}s the result; tasks started or
 * stopped by other paths are reported with {@link #addTask}/{@link #removeTask}. When instances
 * register, deregister, change status or attributes, it builds a new state from a fresh snapshot
 * ({@link #of}, one pass over the instances).
 *
 * <p>Layout: per-instance values live in parallel arrays indexed by the instance's position in the
 * snapshot (remaining CPU and memory, task count, ports, task counts per interned group id). Derived
 * indexes ({@link SpreadIndex}, {@link CandidatePool}s) are notified of every change through
 * {@link #apply}. Not thread-safe: one scheduler thread owns a cluster's state.
 */
public final class ClusterState {

    /** How many candidate pools (request shapes) stay indexed at once. */
    static final int MAX_POOLS = 16;

    private final List<ContainerInstance> instances;
    private final int n;
    private final int[] remainingCpu;
    private final int[] remainingMemory;
    private final int[] running;
    private final Set<Integer>[] ports;
    private final GroupCounts[] groups;
    private final int[] attributeClass;
    private final int attributeClassCount;
    private final Map<String, Integer> groupIds = new HashMap<>();
    private final List<String> groupNames = new ArrayList<>();
    private final Map<String, Integer> arnIndex = new HashMap<>();
    private final SpreadIndex spread = new SpreadIndex(this);
    /**
     * Pools by request shape, least recently used first. Every task change updates every pool that
     * holds the instance, so the number kept is bounded: the hot shapes (a few task definitions and
     * services) stay indexed, a rare shape rebuilds its pool in one pass when it comes back.
     */
    private final Map<CandidatePool.Key, CandidatePool> pools = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CandidatePool.Key, CandidatePool> eldest) {
            return size() > MAX_POOLS;
        }
    };
    /** When set, every request is answered by the scan (the benchmark's in-run baseline). */
    private boolean scanOnly;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private ClusterState(List<ContainerInstance> instances) {
        this.instances = instances;
        this.n = instances.size();
        remainingCpu = new int[n];
        remainingMemory = new int[n];
        running = new int[n];
        ports = new Set[n];
        groups = new GroupCounts[n];
        attributeClass = new int[n];
        Map<Map<String, String>, Integer> classes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ContainerInstance ci = instances.get(i);
            if (arnIndex.put(ci.arn(), i) != null) {
                throw new IllegalArgumentException("duplicate container instance " + ci.arn());
            }
            remainingCpu[i] = ci.remainingCpu();
            remainingMemory[i] = ci.remainingMemory();
            ports[i] = ci.portsInUse().isEmpty() ? null : new HashSet<>(ci.portsInUse());
            groups[i] = new GroupCounts();
            for (Map.Entry<String, Integer> e : ci.taskGroups().entrySet()) {
                groups[i].add(groupId(e.getKey()), e.getValue());
                running[i] += e.getValue();
            }
            attributeClass[i] = classes.computeIfAbsent(ci.attributes(), a -> classes.size());
        }
        attributeClassCount = classes.size();
    }

    /** Indexes a snapshot: one pass over its instances. */
    public static ClusterState of(ClusterSnapshot snapshot) {
        return new ClusterState(snapshot.instances());
    }

    /** Number of instances. */
    public int size() {
        return n;
    }

    /**
     * Decides where the request's tasks go. The state is unchanged afterwards (resources are deducted
     * task by task while deciding, then given back); apply the decision with {@link #commit}.
     */
    public PlacementResult place(PlacementRequest request, RandomGenerator random) {
        return new Placer(this, request, random).run();
    }

    /**
     * Records the tasks of a result as running where they were placed. Call it once the tasks are
     * stored, before the next {@link #place}.
     *
     * @throws IllegalStateException if a placement no longer fits (the state changed since)
     */
    public void commit(PlacementResult result) {
        TaskRequirements task = result.request().task();
        int gid = groupId(result.request().group());
        for (String arn : result.placements()) {
            int i = indexOf(arn);
            if (rejectResources(i, task) != null) {
                throw new IllegalStateException("placement on " + arn + " no longer fits: " + rejectResources(i, task));
            }
            apply(i, task, gid, 1);
        }
    }

    /** Records a task that runs on an instance (started by a path other than {@link #place}). */
    public void addTask(String instanceArn, TaskRequirements task, String group) {
        apply(indexOf(instanceArn), task, groupId(group), 1);
    }

    /** Gives back the resources of a task that stopped. */
    public void removeTask(String instanceArn, TaskRequirements task, String group) {
        int i = indexOf(instanceArn);
        int gid = groupId(group);
        if (groups[i].get(gid) <= 0) {
            throw new IllegalStateException("no task of group " + group + " on " + instanceArn);
        }
        apply(i, task, gid, -1);
    }

    /** The current state of every instance as snapshot records (remaining resources, ports, tasks). */
    public ClusterSnapshot snapshot() {
        List<ContainerInstance> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Integer> tg = new HashMap<>();
            for (int g = 0; g < groupNames.size(); g++) {
                int c = groups[i].get(g);
                if (c > 0) {
                    tg.put(groupNames.get(g), c);
                }
            }
            out.add(instances.get(i).toBuilder()
                    .remaining(remainingCpu[i], remainingMemory[i])
                    .portsInUse(ports[i] == null ? Set.of() : ports[i])
                    .taskGroups(tg)
                    .build());
        }
        return new ClusterSnapshot(out);
    }

    // ---- package-private access for the placer, pools and spread index ----

    /** Makes every placement scan all instances instead of using the indexes (for comparison). */
    void scanOnly(boolean value) {
        scanOnly = value;
    }

    boolean scanOnly() {
        return scanOnly;
    }

    ContainerInstance instance(int i) {
        return instances.get(i);
    }

    int indexOf(String arn) {
        Integer i = arnIndex.get(arn);
        if (i == null) {
            throw new IllegalArgumentException("unknown container instance " + arn);
        }
        return i;
    }

    int groupId(String group) {
        Integer id = groupIds.get(group);
        if (id == null) {
            id = groupNames.size();
            groupIds.put(group, id);
            groupNames.add(group);
        }
        return id;
    }

    int groupCount(int i, int gid) {
        return groups[i].get(gid);
    }

    int remainingCpu(int i) {
        return remainingCpu[i];
    }

    int remainingMemory(int i) {
        return remainingMemory[i];
    }

    int attributeClass(int i) {
        return attributeClass[i];
    }

    int attributeClassCount() {
        return attributeClassCount;
    }

    SpreadIndex spread() {
        return spread;
    }

    /** The pool for a key, built on first use and kept current afterwards. */
    CandidatePool pool(CandidatePool.Key key, Predicate<Integer> staticFilter) {
        CandidatePool p = pools.get(key);
        if (p == null) {
            p = new CandidatePool(this, key, staticFilter);
            pools.put(key, p);
        }
        return p;
    }

    /** The resource filter in ECS's order: CPU, then memory, then ports; {@code null} if the task fits. */
    Rejection rejectResources(int i, TaskRequirements t) {
        if (remainingCpu[i] < t.cpu()) {
            return Rejection.CPU;
        }
        if (remainingMemory[i] < t.memory()) {
            return Rejection.MEMORY;
        }
        if (ports[i] != null && !t.hostPorts().isEmpty()) {
            for (int p : t.hostPorts()) {
                if (ports[i].contains(p)) {
                    return Rejection.PORTS;
                }
            }
        }
        return null;
    }

    /** Adds (+1) or removes (-1) one task on instance i, keeping every index current. */
    void apply(int i, TaskRequirements t, int gid, int sign) {
        for (CandidatePool p : pools.values()) {
            p.beforeChange(i);
        }
        remainingCpu[i] -= sign * t.cpu();
        remainingMemory[i] -= sign * t.memory();
        running[i] += sign;
        if (!t.hostPorts().isEmpty()) {
            if (sign > 0) {
                if (ports[i] == null) {
                    ports[i] = new HashSet<>();
                }
                ports[i].addAll(t.hostPorts());
            } else if (ports[i] != null) {
                ports[i].removeAll(t.hostPorts());
            }
        }
        groups[i].add(gid, sign);
        spread.onChange(i, gid, sign);
        for (CandidatePool p : pools.values()) {
            p.afterChange(i);
        }
    }

    /** A reusable {@link InstanceView} of instance i's current state, for dynamic expressions. */
    InstanceView view(int i) {
        return new View(i);
    }

    /** The CQL view of one instance, reading live values so task:group sees tasks placed a moment ago. */
    private final class View implements InstanceView {
        private final int i;

        View(int i) {
            this.i = i;
        }

        @Override
        public String attribute(String name) {
            return instances.get(i).attributes().get(name);
        }

        @Override
        public String ec2InstanceId() {
            return instances.get(i).ec2InstanceId();
        }

        @Override
        public boolean agentConnected() {
            return instances.get(i).agentConnected();
        }

        @Override
        public String agentVersion() {
            return instances.get(i).agentVersion();
        }

        @Override
        public Instant registeredAt() {
            return instances.get(i).registeredAt();
        }

        @Override
        public int runningTasksCount() {
            return running[i];
        }

        @Override
        public boolean anyTaskGroup(Predicate<String> groupPredicate) {
            return groups[i].any(g -> groupPredicate.test(groupNames.get(g)));
        }

        @Override
        public boolean hasTaskGroup(String group) {
            Integer gid = groupIds.get(group);
            return gid != null && groups[i].get(gid) > 0;
        }
    }
}
