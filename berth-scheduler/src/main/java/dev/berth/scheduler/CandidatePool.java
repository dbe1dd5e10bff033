package dev.berth.scheduler;

import dev.berth.scheduler.StrategyPlan.TailKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The instances that pass a request's static filters (status, agent, required attributes, and
 * memberOf expressions that do not depend on tasks), partitioned by the values of the leading
 * spread attributes and ordered within each partition by the rest of the strategy chain.
 *
 * <p>Why: it is the cached feasibility of Nomad's per-node-class cache and a score index in one.
 * Static filters are evaluated once per pool, not per placement; a placement then looks at a
 * handful of partitions (one per availability zone, say) and asks each for its first instance in
 * strategy order that has the CPU and memory the task needs and passes the dynamic checks.
 *
 * <p>Each partition is a treap (a randomized balanced binary search tree; priorities are a hash of
 * the instance index, so nothing random is consumed) ordered by the strategy keys and augmented with
 * the maximum remaining CPU and memory of every subtree. The search skips whole subtrees that cannot
 * fit the task, so instances exhausted in one resource but early in the order (CPU-starved instances
 * under {@code binpack(memory)}, full instances under first-fit) cost nothing instead of being walked
 * past on every placement. The owning {@link ClusterState} calls {@link #beforeChange}/{@link
 * #afterChange} around every change so the trees stay ordered and their aggregates exact. Instances
 * rejected by the checks the tree does not aggregate (ports, distinctInstance, task-dependent
 * expressions) are walked past; those are the cases whose cost grows with the number rejected.
 */
final class CandidatePool {

    /**
     * What a pool depends on: the static filter signature, the plan's partitioning and order, and
     * the group whose per-instance count is a key (or -1 when no key is per group).
     */
    record Key(String staticSignature, List<String> leadingSpreads, List<TailKey> tail, boolean random, int gid) {}

    private static final int NIL = -1;

    /** The instances of the pool sharing one tuple of leading-spread values. */
    final class Partition {
        final int[] valueIds;
        int root = NIL;
        int[] members = new int[8];
        int size;

        Partition(int[] valueIds) {
            this.valueIds = valueIds;
        }

        void addMember(int i) {
            if (size == members.length) {
                members = Arrays.copyOf(members, size * 2);
            }
            members[size++] = i;
        }

        /** The first instance in strategy order with the resources that passes {@code dynamicOk}, or -1. */
        int first(int cpu, int memory, IntPredicate dynamicOk) {
            return search(root, cpu, memory, dynamicOk);
        }
    }

    private final ClusterState state;
    private final Key key;
    private final boolean ordered;
    private final int[] partitionOf;
    private final int[] left;
    private final int[] right;
    private final int[] maxCpu;
    private final int[] maxMemory;
    private final List<Partition> partitions = new ArrayList<>();

    CandidatePool(ClusterState state, Key key, Predicate<Integer> staticFilter) {
        this.state = state;
        this.key = key;
        this.ordered = !key.random();
        int n = state.size();
        partitionOf = new int[n];
        left = new int[n];
        right = new int[n];
        maxCpu = new int[n];
        maxMemory = new int[n];
        int[][] spreadValues = new int[key.leadingSpreads().size()][];
        for (int a = 0; a < spreadValues.length; a++) {
            spreadValues[a] = state.spread().values(key.leadingSpreads().get(a)).valueOf;
        }
        Map<List<Integer>, Integer> byValues = new HashMap<>();
        for (int i = 0; i < n; i++) {
            partitionOf[i] = NIL;
            if (!staticFilter.test(i)) {
                continue;
            }
            int[] values = new int[spreadValues.length];
            Integer[] boxed = new Integer[values.length];
            for (int a = 0; a < values.length; a++) {
                values[a] = spreadValues[a][i];
                boxed[a] = values[a];
            }
            int p = byValues.computeIfAbsent(List.of(boxed), v -> {
                partitions.add(new Partition(values));
                return partitions.size() - 1;
            });
            partitionOf[i] = p;
            Partition part = partitions.get(p);
            part.addMember(i);
            if (ordered) {
                insert(part, i);
            }
        }
    }

    List<Partition> partitions() {
        return partitions;
    }

    /** Strategy order of the tail keys, then snapshot position. */
    int compare(int a, int b) {
        for (int k = 0; k < key.tail().size(); k++) {
            long x = tailKey(a, k);
            long y = tailKey(b, k);
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(a, b);
    }

    private long tailKey(int i, int k) {
        return switch (key.tail().get(k)) {
            case CPU -> state.remainingCpu(i);
            case MEMORY -> state.remainingMemory(i);
            case INSTANCE_SPREAD -> state.groupCount(i, key.gid());
        };
    }

    void beforeChange(int i) {
        int p = partitionOf[i];
        if (p != NIL && ordered) {
            remove(partitions.get(p), i);
        }
    }

    void afterChange(int i) {
        int p = partitionOf[i];
        if (p != NIL && ordered) {
            insert(partitions.get(p), i);
        }
    }

    // ---- the treap ----

    private int search(int t, int cpu, int memory, IntPredicate dynamicOk) {
        if (t == NIL || maxCpu[t] < cpu || maxMemory[t] < memory) {
            return NIL;
        }
        int found = search(left[t], cpu, memory, dynamicOk);
        if (found != NIL) {
            return found;
        }
        if (state.remainingCpu(t) >= cpu && state.remainingMemory(t) >= memory && dynamicOk.test(t)) {
            return t;
        }
        return search(right[t], cpu, memory, dynamicOk);
    }

    private void insert(Partition p, int x) {
        left[x] = NIL;
        right[x] = NIL;
        update(x);
        split(p.root, x);
        int l = splitLeft;
        int r = splitRight;
        p.root = merge(merge(l, x), r);
    }

    private void remove(Partition p, int x) {
        split(p.root, x);
        int l = splitLeft;
        int r = removeMin(splitRight); // x is the least element not below x
        p.root = merge(l, r);
    }

    private int splitLeft;
    private int splitRight;

    /** Splits t into the elements below x ({@link #splitLeft}) and the rest ({@link #splitRight}). */
    private void split(int t, int x) {
        if (t == NIL) {
            splitLeft = NIL;
            splitRight = NIL;
        } else if (compare(t, x) < 0) {
            split(right[t], x);
            right[t] = splitLeft;
            update(t);
            splitLeft = t;
        } else {
            split(left[t], x);
            left[t] = splitRight;
            update(t);
            splitRight = t;
        }
    }

    private int merge(int a, int b) {
        if (a == NIL) {
            return b;
        }
        if (b == NIL) {
            return a;
        }
        if (priority(a) > priority(b)) {
            right[a] = merge(right[a], b);
            update(a);
            return a;
        }
        left[b] = merge(a, left[b]);
        update(b);
        return b;
    }

    private int removeMin(int t) {
        if (left[t] == NIL) {
            return right[t];
        }
        left[t] = removeMin(left[t]);
        update(t);
        return t;
    }

    private void update(int t) {
        int cpu = state.remainingCpu(t);
        int memory = state.remainingMemory(t);
        if (left[t] != NIL) {
            cpu = Math.max(cpu, maxCpu[left[t]]);
            memory = Math.max(memory, maxMemory[left[t]]);
        }
        if (right[t] != NIL) {
            cpu = Math.max(cpu, maxCpu[right[t]]);
            memory = Math.max(memory, maxMemory[right[t]]);
        }
        maxCpu[t] = cpu;
        maxMemory[t] = memory;
    }

    private static int priority(int i) {
        int h = i * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
