package dev.berth.scheduler;

import dev.berth.scheduler.PlacementResult.InstanceFailure;
import dev.berth.scheduler.PlacementStrategy.Binpack;
import dev.berth.scheduler.PlacementStrategy.Spread;
import dev.berth.scheduler.StrategyPlan.TailKey;
import dev.berth.scheduler.TaskRequirements.RequiredAttribute;
import dev.berth.scheduler.cql.Expression;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Runs one placement request against a {@link ClusterState}, in ECS's documented order:
 * <ol>
 *   <li>filters, cheapest and most static first, each a {@link Rejection} when it fails:
 *       status (only ACTIVE), agent connected, required attributes, CPU, memory, ports,
 *       {@code distinctInstance}, {@code memberOf};</li>
 *   <li>strategies, as a lexicographic ranking of the instances that pass (see {@link StrategyPlan}).</li>
 * </ol>
 * Tasks are placed one at a time and deducted from the state as they are, so a batch never
 * overcommits and spread sees the batch's own tasks; at the end the deductions are given back
 * (the caller {@link ClusterState#commit commits}). Filters are split into static ones (answered
 * once per {@link CandidatePool}, and per attribute signature for attribute-only expressions) and
 * dynamic ones (resources, distinctInstance, expressions on {@code task:group} or
 * {@code runningTasksCount}), checked per candidate as the sorted index is walked.
 */
final class Placer {

    private final ClusterState state;
    private final PlacementRequest request;
    private final RandomGenerator random;
    private final TaskRequirements task;
    private final int gid;
    private final boolean distinct;
    private final List<Expression> allExpressions = new ArrayList<>();
    private final List<Expression> staticExpressions = new ArrayList<>();
    private final List<Expression> dynamicExpressions = new ArrayList<>();
    /** Per static attribute-only expression, per attribute class: 0 unknown, 1 true, 2 false. */
    private final byte[][] classCache;

    private final StrategyPlan plan;

    Placer(ClusterState state, PlacementRequest request, RandomGenerator random) {
        this.state = state;
        this.request = request;
        this.random = random;
        this.task = request.task();
        this.gid = state.groupId(request.group());
        boolean d = false;
        for (PlacementConstraint c : request.constraints()) {
            switch (c) {
                case PlacementConstraint.DistinctInstance x -> d = true;
                case PlacementConstraint.MemberOf m -> {
                    allExpressions.add(m.expression());
                    (m.expression().isDynamic() ? dynamicExpressions : staticExpressions).add(m.expression());
                }
            }
        }
        this.distinct = d;
        this.classCache = new byte[staticExpressions.size()][state.attributeClassCount()];
        this.plan = StrategyPlan.of(request.strategies());
    }

    PlacementResult run() {
        int count = request.count();
        if (state.size() == 0) {
            return new PlacementResult(
                    request, List.of(), count, List.of(), count > 0 ? PlacementResult.NO_INSTANCES : null);
        }
        CandidatePool pool = plan.indexed() && !state.scanOnly() ? state.pool(poolKey(), this::staticOk) : null;
        int[] placed = new int[count];
        int k = 0;
        for (; k < count; k++) {
            int i = pool != null ? chooseIndexed(pool) : chooseByScan();
            if (i < 0) {
                break;
            }
            state.apply(i, task, gid, 1);
            placed[k] = i;
        }
        List<InstanceFailure> failures = k < count ? failures() : List.of();
        List<String> arns = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            arns.add(state.instance(placed[j]).arn());
        }
        for (int j = k - 1; j >= 0; j--) {
            state.apply(placed[j], task, gid, -1);
        }
        return new PlacementResult(request, arns, count - k, failures, null);
    }

    /** DAEMON scheduling: every instance without a task of the group that can take one gets one. */
    PlacementResult daemon() {
        List<String> arns = new ArrayList<>();
        List<InstanceFailure> failures = new ArrayList<>();
        for (int i = 0; i < state.size(); i++) {
            if (state.groupCount(i, gid) > 0) {
                continue;
            }
            Rejection r = reject(i);
            if (r == null) {
                arns.add(state.instance(i).arn());
            } else {
                failures.add(failure(i, r));
            }
        }
        return new PlacementResult(
                request, arns, failures.size(), failures, state.size() == 0 ? PlacementResult.NO_INSTANCES : null);
    }

    // ---- filters ----

    /** Every filter in order; the first that fails, or {@code null} if the instance can take the task. */
    Rejection reject(int i) {
        ContainerInstance ci = state.instance(i);
        if (ci.status() != InstanceStatus.ACTIVE) {
            return ci.status() == InstanceStatus.DRAINING ? Rejection.DRAINING : Rejection.INACTIVE;
        }
        if (!ci.agentConnected()) {
            return Rejection.AGENT_DISCONNECTED;
        }
        if (!ci.runtimeHealthy()) {
            return Rejection.RUNTIME_IMPAIRED;
        }
        if (!attributesOk(ci)) {
            return Rejection.MISSING_ATTRIBUTE;
        }
        Rejection resources = state.rejectResources(i, task);
        if (resources != null) {
            return resources;
        }
        if (distinct && state.groupCount(i, gid) > 0) {
            return Rejection.DISTINCT_INSTANCE;
        }
        for (Expression e : allExpressions) {
            if (!e.matches(state.view(i))) {
                return Rejection.MEMBER_OF;
            }
        }
        return null;
    }

    private boolean attributesOk(ContainerInstance ci) {
        for (RequiredAttribute a : task.requiredAttributes()) {
            if (!a.satisfiedBy(ci.attributes().get(a.name()))) {
                return false;
            }
        }
        return true;
    }

    /** Filters whose answer does not change as tasks are placed. */
    boolean staticOk(int i) {
        ContainerInstance ci = state.instance(i);
        if (ci.status() != InstanceStatus.ACTIVE || !ci.agentConnected() || !ci.runtimeHealthy() || !attributesOk(ci)) {
            return false;
        }
        for (int e = 0; e < staticExpressions.size(); e++) {
            Expression ex = staticExpressions.get(e);
            if (ex.attributesOnly()) {
                byte[] cache = classCache[e];
                int c = state.attributeClass(i);
                if (cache[c] == 0) {
                    cache[c] = ex.matches(ci) ? (byte) 1 : (byte) 2;
                }
                if (cache[c] == 2) {
                    return false;
                }
            } else if (!ex.matches(ci)) {
                return false;
            }
        }
        return true;
    }

    /** Filters whose answer changes as tasks are placed. */
    boolean dynamicOk(int i) {
        if (state.rejectResources(i, task) != null) {
            return false;
        }
        if (distinct && state.groupCount(i, gid) > 0) {
            return false;
        }
        for (Expression e : dynamicExpressions) {
            if (!e.matches(state.view(i))) {
                return false;
            }
        }
        return true;
    }

    private List<InstanceFailure> failures() {
        List<InstanceFailure> out = new ArrayList<>(state.size());
        for (int i = 0; i < state.size(); i++) {
            Rejection r = reject(i);
            if (r != null) {
                out.add(failure(i, r));
            }
        }
        return out;
    }

    /** Instance {@code i}'s failure, naming the attributes it lacks when that is the reason. */
    private InstanceFailure failure(int i, Rejection r) {
        ContainerInstance ci = state.instance(i);
        List<String> missing = new ArrayList<>();
        if (r == Rejection.MISSING_ATTRIBUTE) {
            for (RequiredAttribute a : task.requiredAttributes()) {
                if (!a.satisfiedBy(ci.attributes().get(a.name()))) {
                    missing.add(a.value() == null ? a.name() : a.name() + "=" + a.value());
                }
            }
        }
        return new InstanceFailure(ci.arn(), r, missing);
    }

    // ---- indexed choice ----

    private CandidatePool.Key poolKey() {
        StringBuilder sig = new StringBuilder();
        staticExpressions.stream().map(Expression::toString).sorted().forEach(s -> sig.append(s)
                .append('\n'));
        sig.append(task.requiredAttributes());
        int keyGid = plan.tail().contains(TailKey.INSTANCE_SPREAD) ? gid : -1;
        return new CandidatePool.Key(sig.toString(), plan.leadingSpreads(), plan.tail(), plan.randomLast(), keyGid);
    }

    private int chooseIndexed(CandidatePool pool) {
        List<CandidatePool.Partition> parts = pool.partitions();
        int attributes = plan.leadingSpreads().size();
        if (attributes == 0 || parts.size() == 1) {
            return chooseAmong(pool, parts);
        }
        int[][] counts = new int[attributes][];
        for (int a = 0; a < attributes; a++) {
            counts[a] = state.spread().counts(gid, plan.leadingSpreads().get(a));
        }
        CandidatePool.Partition[] sorted = parts.toArray(new CandidatePool.Partition[0]);
        Arrays.sort(sorted, (p, q) -> compareCounts(counts, p, q));
        for (int from = 0; from < sorted.length; ) {
            int to = from + 1;
            while (to < sorted.length && compareCounts(counts, sorted[from], sorted[to]) == 0) {
                to++;
            }
            int chosen = chooseAmong(pool, Arrays.asList(sorted).subList(from, to));
            if (chosen >= 0) {
                return chosen;
            }
            from = to;
        }
        return -1;
    }

    private static int compareCounts(int[][] counts, CandidatePool.Partition p, CandidatePool.Partition q) {
        for (int a = 0; a < counts.length; a++) {
            int c = Integer.compare(counts[a][p.valueIds[a]], counts[a][q.valueIds[a]]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The best instance among partitions tied on the leading spreads. */
    private int chooseAmong(CandidatePool pool, List<CandidatePool.Partition> tied) {
        if (plan.randomLast()) {
            return chooseRandomly(tied);
        }
        int best = -1;
        for (CandidatePool.Partition p : tied) {
            int c = p.first(task.cpu(), task.memory(), this::dynamicOk);
            if (c >= 0 && (best < 0 || pool.compare(c, best) < 0)) {
                best = c;
            }
        }
        return best;
    }

    /** Uniform among the feasible members: a few random probes, then an exhaustive pass. */
    private int chooseRandomly(List<CandidatePool.Partition> tied) {
        int total = 0;
        for (CandidatePool.Partition p : tied) {
            total += p.size;
        }
        if (total == 0) {
            return -1;
        }
        for (int attempt = 0; attempt < 16; attempt++) {
            int r = random.nextInt(total);
            for (CandidatePool.Partition p : tied) {
                if (r < p.size) {
                    if (dynamicOk(p.members[r])) {
                        return p.members[r];
                    }
                    break;
                }
                r -= p.size;
            }
        }
        int[] feasible = new int[total];
        int m = 0;
        for (CandidatePool.Partition p : tied) {
            for (int j = 0; j < p.size; j++) {
                if (dynamicOk(p.members[j])) {
                    feasible[m++] = p.members[j];
                }
            }
        }
        return m == 0 ? -1 : feasible[random.nextInt(m)];
    }

    // ---- scan for chains the index does not cover ----

    private int chooseByScan() {
        int keys = plan.keys().size();
        long[] best = null;
        long[] current = new long[keys];
        int bestIndex = -1;
        for (int i = 0; i < state.size(); i++) {
            if (!staticOk(i) || !dynamicOk(i)) {
                continue;
            }
            fillKeys(i, current);
            if (best == null || Arrays.compare(current, best) < 0) {
                best = current.clone();
                bestIndex = i;
            }
        }
        if (!plan.randomLast() || bestIndex < 0) {
            return bestIndex;
        }
        int[] tied = new int[state.size()];
        int m = 0;
        for (int i = bestIndex; i < state.size(); i++) {
            if (staticOk(i) && dynamicOk(i)) {
                fillKeys(i, current);
                if (Arrays.equals(current, best)) {
                    tied[m++] = i;
                }
            }
        }
        return tied[random.nextInt(m)];
    }

    private void fillKeys(int i, long[] out) {
        for (int k = 0; k < out.length; k++) {
            out[k] = switch (plan.keys().get(k)) {
                case Spread s
                when s.attribute() != null ->
                    state.spread().counts(gid, s.attribute())[state.spread().values(s.attribute()).valueOf[i]];
                case Spread s -> state.groupCount(i, gid);
                case Binpack b ->
                    b.resource() == PlacementStrategy.Resource.CPU ? state.remainingCpu(i) : state.remainingMemory(i);
                default ->
                    throw new IllegalStateException(
                            "not a ranking strategy: " + plan.keys().get(k));
            };
        }
    }
}
