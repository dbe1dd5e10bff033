package dev.berth.scheduler;

import dev.berth.scheduler.StrategyPlan.TailKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The instances that pass a request's static filters (status, agent, required attributes, and
 * memberOf expressions that do not depend on tasks), partitioned by the values of the leading
 * spread attributes and ordered within each partition by the rest of the strategy chain.
 *
 * <p>Why: it is the cached feasibility of Nomad's per-node-class cache and the score index of a
 * sorted-set scheduler in one. Static filters are evaluated once per pool, not per placement; a
 * placement then looks at a handful of partitions (one per availability zone, say) and walks each
 * partition's sorted set from the first instance whose key could fit ({@code ceiling} on remaining
 * memory for binpack) until one passes the dynamic checks. The owning {@link ClusterState} calls
 * {@link #beforeChange}/{@link #afterChange} around every change so the sorted sets stay correct.
 */
final class CandidatePool {

    /**
     * What a pool depends on: the static filter signature, the plan's partitioning and order, and
     * the group whose per-instance count is a key (or -1 when no key is per group).
     */
    record Key(String staticSignature, List<String> leadingSpreads, List<TailKey> tail, boolean random, int gid) {
    }

    /** The instances of the pool sharing one tuple of leading-spread values. */
    final class Partition {
        final int[] valueIds;
        final NavigableSet<Integer> ordered;
        int[] members = new int[8];
        int size;

        Partition(int[] valueIds) {
            this.valueIds = valueIds;
            this.ordered = key.random() ? null : new TreeSet<>(order);
        }

        void add(int i) {
            if (ordered != null) {
                ordered.add(i);
            } else {
                if (size == members.length) {
                    members = Arrays.copyOf(members, size * 2);
                }
                members[size++] = i;
            }
        }

        /** The first instance in strategy order that passes {@code dynamicOk}, or -1. */
        int first(IntPredicate dynamicOk, int requiredCpu, int requiredMemory) {
            Iterable<Integer> from = ordered;
            if (!key.tail().isEmpty() && key.tail().get(0) != TailKey.INSTANCE_SPREAD) {
                probe[0] = key.tail().get(0) == TailKey.CPU ? requiredCpu : requiredMemory;
                from = ordered.tailSet(PROBE, true);
            }
            for (int i : from) {
                if (dynamicOk.test(i)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Index used as the search probe in the sorted sets; its keys are {@link #probe}. */
    private static final Integer PROBE = -1;

    private final ClusterState state;
    private final Key key;
    private final long[] probe;
    private final Comparator<Integer> order;
    private final int[] partitionOf;
    private final List<Partition> partitions = new ArrayList<>();
    private final int[][] spreadValues;

    CandidatePool(ClusterState state, Key key, Predicate<Integer> staticFilter) {
        this.state = state;
        this.key = key;
        this.probe = new long[key.tail().size()];
        Arrays.fill(probe, Long.MIN_VALUE);
        this.order = this::compare;
        int n = state.size();
        partitionOf = new int[n];
        spreadValues = new int[key.leadingSpreads().size()][];
        for (int a = 0; a < spreadValues.length; a++) {
            spreadValues[a] = state.spread().values(key.leadingSpreads().get(a)).valueOf;
        }
        Map<List<Integer>, Integer> byValues = new HashMap<>();
        for (int i = 0; i < n; i++) {
            partitionOf[i] = -1;
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
            partitions.get(p).add(i);
        }
    }

    List<Partition> partitions() {
        return partitions;
    }

    Key key() {
        return key;
    }

    /** Strategy order of the tail keys, then snapshot position; the probe sorts before equal keys. */
    int compare(Integer a, Integer b) {
        for (int k = 0; k < probe.length; k++) {
            long x = a < 0 ? probe[k] : tailKey(a, k);
            long y = b < 0 ? probe[k] : tailKey(b, k);
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        if (a < 0 || b < 0) {
            return a < 0 ? (b < 0 ? 0 : -1) : 1;
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
        if (p >= 0 && !key.random() && !key.tail().isEmpty()) {
            partitions.get(p).ordered.remove(i);
        }
    }

    void afterChange(int i) {
        int p = partitionOf[i];
        if (p >= 0 && !key.random() && !key.tail().isEmpty()) {
            partitions.get(p).ordered.add(i);
        }
    }
}
