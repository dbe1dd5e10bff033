package dev.berth.scheduler;

import static dev.berth.scheduler.SeededCases.between;
import static dev.berth.scheduler.SeededCases.check;
import static dev.berth.scheduler.SeededCases.listOf;
import static dev.berth.scheduler.SeededCases.oneOf;
import static dev.berth.scheduler.SeededCases.subsetOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.scheduler.PlacementStrategy.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Invariants of placement over generated clusters and requests. Each property runs over a fixed range of seeds
 * (see {@link SeededCases}); a failure names the seed and the generated input.
 */
class PlacementPropertiesTest {

    static final String[] ZONES = {"us-east-1a", "us-east-1b", "us-east-1c"};
    static final String[] TYPES = {"m5.large", "c5.xlarge", "t3.micro"};
    static final List<String> EXPRESSIONS = List.of(
            "attribute:ecs.instance-type =~ m5.* or attribute:ecs.instance-type == t3.micro",
            "attribute:ecs.availability-zone != us-east-1c",
            "attribute:rack in [r1, r2, r3] and not attribute:ecs.instance-type == c5.xlarge",
            "not(task:group == family:db)",
            "runningTasksCount < 4",
            "ec2InstanceId !in [i-1, i-3]",
            "attribute:ecs.availability-zone exists and task:group != family:web");

    static final List<List<PlacementStrategy>> DETERMINISTIC_CHAINS = List.of(
            List.of(),
            List.of(PlacementStrategy.binpack(Resource.MEMORY)),
            List.of(PlacementStrategy.binpack(Resource.CPU), PlacementStrategy.binpack(Resource.MEMORY)),
            List.of(
                    PlacementStrategy.spread("attribute:ecs.availability-zone"),
                    PlacementStrategy.binpack(Resource.MEMORY)),
            List.of(
                    PlacementStrategy.spread("attribute:ecs.availability-zone"),
                    PlacementStrategy.spread("instanceId")),
            List.of(PlacementStrategy.spread("instanceId")),
            List.of(
                    PlacementStrategy.spread("attribute:ecs.availability-zone"),
                    PlacementStrategy.spread("attribute:rack"),
                    PlacementStrategy.binpack(Resource.CPU)),
            List.of(
                    PlacementStrategy.binpack(Resource.MEMORY),
                    PlacementStrategy.spread("attribute:ecs.availability-zone")),
            List.of(PlacementStrategy.spread("instanceId"), PlacementStrategy.spread("attribute:rack")));

    static final List<List<PlacementStrategy>> RANDOM_CHAINS = List.of(
            List.of(PlacementStrategy.random()),
            List.of(PlacementStrategy.spread("attribute:ecs.availability-zone"), PlacementStrategy.random()),
            List.of(PlacementStrategy.binpack(Resource.MEMORY), PlacementStrategy.random()));

    static final List<List<PlacementStrategy>> ANY_CHAINS = concat(DETERMINISTIC_CHAINS, RANDOM_CHAINS);

    static final List<List<PlacementStrategy>> SPREAD_CHAINS = List.of(
            List.of(PlacementStrategy.spread("attribute:ecs.availability-zone")),
            List.of(
                    PlacementStrategy.spread("attribute:ecs.availability-zone"),
                    PlacementStrategy.binpack(Resource.MEMORY)),
            List.of(
                    PlacementStrategy.spread("attribute:ecs.availability-zone"),
                    PlacementStrategy.spread("instanceId")),
            List.of(PlacementStrategy.spread("attribute:ecs.availability-zone"), PlacementStrategy.random()));

    record ClusterAndRequest(ClusterSnapshot cluster, PlacementRequest request) {}

    record RequestSequence(ClusterSnapshot cluster, PlacementRequest a, PlacementRequest b, PlacementRequest c) {}

    record SeededPlacement(ClusterSnapshot cluster, PlacementRequest request, long seed) {}

    record ZonedSpread(List<Integer> perZone, List<PlacementStrategy> chain, int seed) {}

    /** 1 to 30 instances; about a quarter DRAINING, some disconnected, some without a zone, with ports and task groups. */
    static ClusterSnapshot cluster(SplittableRandom random) {
        List<ContainerInstance> list = new ArrayList<>();
        int size = between(random, 1, 30);
        for (int i = 0; i < size; i++) {
            int zone = between(random, -1, 2);
            int type = between(random, 0, 2);
            int cpu = oneOf(random, 0, 256, 1024, 2048);
            int mem = oneOf(random, 0, 512, 1024, 4096);
            InstanceStatus status = oneOf(
                    random,
                    InstanceStatus.ACTIVE,
                    InstanceStatus.ACTIVE,
                    InstanceStatus.ACTIVE,
                    InstanceStatus.DRAINING);
            int flags = between(random, 0, 9);
            Set<Integer> ports = subsetOf(random, 80, 443);
            int web = between(random, 0, 3);
            Map<String, String> attributes = new HashMap<>();
            if (zone >= 0) {
                attributes.put("ecs.availability-zone", ZONES[zone]);
            }
            attributes.put("ecs.instance-type", TYPES[type]);
            attributes.put("rack", "r" + flags % 4);
            Map<String, Integer> groups = new HashMap<>();
            if (web > 0) {
                groups.put("family:web", web);
            }
            if (flags % 3 == 0) {
                groups.put("family:db", 1);
            }
            list.add(ContainerInstance.builder(Fixtures.arn("ci-" + i))
                    .ec2InstanceId("i-" + i)
                    .agentVersion("1.70.0")
                    .status(status)
                    .agentConnected(flags != 9)
                    .resources(cpu, mem)
                    .portsInUse(ports)
                    .attributes(attributes)
                    .taskGroups(groups)
                    .build());
        }
        return new ClusterSnapshot(list);
    }

    /** A request with an optional distinctInstance, an optional memberOf from {@link #EXPRESSIONS}, and one of the chains. */
    static PlacementRequest request(SplittableRandom random, List<List<PlacementStrategy>> chains) {
        int cpu = oneOf(random, 0, 128, 256, 512);
        int mem = oneOf(random, 64, 256, 512);
        Set<Integer> ports = subsetOf(random, 80, 8080);
        boolean distinct = random.nextBoolean();
        int expr = between(random, -1, EXPRESSIONS.size() - 1);
        List<PlacementStrategy> chain = oneOf(random, chains);
        int count = between(random, 1, 25);
        String group = oneOf(random, "family:web", "family:db");
        List<PlacementConstraint> constraints = new ArrayList<>();
        if (distinct) {
            constraints.add(PlacementConstraint.distinctInstance());
        }
        if (expr >= 0) {
            constraints.add(PlacementConstraint.memberOf(EXPRESSIONS.get(expr)));
        }
        return new PlacementRequest(new TaskRequirements(cpu, mem, ports, List.of()), group, constraints, chain, count);
    }

    static PlacementRequest deterministicRequest(SplittableRandom random) {
        return request(random, DETERMINISTIC_CHAINS);
    }

    static PlacementRequest anyRequest(SplittableRandom random) {
        return request(random, ANY_CHAINS);
    }

    /** Checks a property of a generated cluster and a request whose strategy chain is one of {@code chains}. */
    static void checkClusterAndRequest(
            long firstSeed,
            int cases,
            List<List<PlacementStrategy>> chains,
            BiConsumer<ClusterSnapshot, PlacementRequest> property) {
        check(
                firstSeed,
                cases,
                random -> new ClusterAndRequest(cluster(random), request(random, chains)),
                in -> property.accept(in.cluster(), in.request()));
    }

    @Test
    void engineAgreesWithBruteForceReference() {
        checkClusterAndRequest(1_000_000, 500, DETERMINISTIC_CHAINS, (cluster, request) -> {
            PlacementResult result = PlacementEngine.place(cluster, request, new SplittableRandom(1));
            List<String> expected = new ReferencePlacer(cluster).placeAndCommit(request);
            assertThat(result.placements()).isEqualTo(expected);
            assertThat(result.unplaced()).isEqualTo(request.count() - expected.size());
            ClusterState scanning = ClusterState.of(cluster);
            scanning.scanOnly(true);
            assertThat(scanning.place(request, new SplittableRandom(1))).isEqualTo(result);
            if (result.unplaced() > 0) {
                assertThat(result.failures()).hasSize(cluster.instances().size());
            }
        });
    }

    @Test
    void incrementalStateAgreesWithReferenceOverASequenceOfCalls() {
        check(
                2_000_000,
                200,
                random -> new RequestSequence(
                        cluster(random),
                        deterministicRequest(random),
                        deterministicRequest(random),
                        deterministicRequest(random)),
                in -> {
                    ClusterState state = ClusterState.of(in.cluster());
                    ReferencePlacer reference = new ReferencePlacer(in.cluster());
                    for (PlacementRequest r : List.of(in.a(), in.b(), in.c(), in.a(), in.b())) {
                        PlacementResult result = state.place(r, new SplittableRandom(1));
                        assertThat(result.placements()).isEqualTo(reference.placeAndCommit(r));
                        state.commit(result);
                    }
                    assertThat(state.snapshot()).isEqualTo(reference.snapshot());
                });
    }

    @Test
    void neverOvercommitsCpuMemoryOrPorts() {
        checkClusterAndRequest(3_000_000, 500, ANY_CHAINS, (cluster, request) -> {
            PlacementResult result = PlacementEngine.place(cluster, request, new SplittableRandom(7));
            Map<String, ContainerInstance> byArn = new HashMap<>();
            cluster.instances().forEach(i -> byArn.put(i.arn(), i));
            Map<String, Integer> placed = Fixtures.histogram(result.placements());
            for (Map.Entry<String, Integer> e : placed.entrySet()) {
                ContainerInstance ci = byArn.get(e.getKey());
                assertThat(ci.status()).isEqualTo(InstanceStatus.ACTIVE);
                assertThat((long) e.getValue() * request.task().cpu()).isLessThanOrEqualTo(ci.remainingCpu());
                assertThat((long) e.getValue() * request.task().memory()).isLessThanOrEqualTo(ci.remainingMemory());
                if (!request.task().hostPorts().isEmpty()) {
                    assertThat(e.getValue()).isEqualTo(1);
                    Set<Integer> clash = new HashSet<>(request.task().hostPorts());
                    clash.retainAll(ci.portsInUse());
                    assertThat(clash).isEmpty();
                }
                for (PlacementConstraint c : request.constraints()) {
                    if (c instanceof PlacementConstraint.MemberOf m
                            && !m.expression().isDynamic()) {
                        assertThat(m.expression().matches(ci))
                                .as(m.expressionText())
                                .isTrue();
                    }
                }
            }
        });
    }

    @Test
    void distinctInstanceNeverColocates() {
        checkClusterAndRequest(4_000_000, 400, ANY_CHAINS, (cluster, r) -> {
            List<PlacementConstraint> constraints = new ArrayList<>(r.constraints());
            if (constraints.stream().noneMatch(c -> c instanceof PlacementConstraint.DistinctInstance)) {
                constraints.add(PlacementConstraint.distinctInstance());
            }
            PlacementRequest request =
                    new PlacementRequest(r.task(), r.group(), constraints, r.strategies(), r.count());
            PlacementResult result = PlacementEngine.place(cluster, request, new SplittableRandom(3));
            assertThat(result.placements()).doesNotHaveDuplicates();
            for (ContainerInstance ci : cluster.instances()) {
                if (ci.taskGroups().getOrDefault(request.group(), 0) > 0) {
                    assertThat(result.placements()).doesNotContain(ci.arn());
                }
            }
        });
    }

    @Test
    void sameSeedSamePlacement() {
        check(
                5_000_000,
                400,
                random -> new SeededPlacement(cluster(random), anyRequest(random), random.nextLong()),
                in -> assertThat(PlacementEngine.place(in.cluster(), in.request(), new SplittableRandom(in.seed())))
                        .isEqualTo(ClusterState.of(in.cluster()).place(in.request(), new SplittableRandom(in.seed()))));
    }

    @Test
    void spreadStaysBalancedWithinOneAcrossValues() {
        check(
                6_000_000,
                250,
                random -> new ZonedSpread(
                        listOf(random, 1, 3, r -> between(r, 1, 6)), oneOf(random, SPREAD_CHAINS), random.nextInt()),
                in -> {
                    List<Integer> perZone = in.perZone();
                    List<ContainerInstance> list = new ArrayList<>();
                    for (int z = 0; z < perZone.size(); z++) {
                        for (int k = 0; k < perZone.get(z); k++) {
                            list.add(Fixtures.instance("z" + z + "-" + k, ZONES[z], TYPES[k % 3], 1 << 20, 1 << 20));
                        }
                    }
                    ClusterState state = ClusterState.of(new ClusterSnapshot(list));
                    SplittableRandom random = new SplittableRandom(in.seed());
                    int total = 0;
                    for (int batch = 0; batch < 6; batch++) {
                        PlacementResult r = state.place(
                                new PlacementRequest(
                                        TaskRequirements.of(10, 10),
                                        "service:api",
                                        List.of(),
                                        in.chain(),
                                        1 + random.nextInt(10)),
                                random);
                        state.commit(r);
                        total += r.placements().size();
                        Map<String, Integer> byZone = new HashMap<>();
                        for (ContainerInstance ci : state.snapshot().instances()) {
                            byZone.merge(
                                    ci.attributes().get("ecs.availability-zone"),
                                    ci.taskGroups().getOrDefault("service:api", 0),
                                    Integer::sum);
                        }
                        int max = byZone.values().stream().max(Integer::compare).orElseThrow();
                        int min = byZone.values().stream().min(Integer::compare).orElseThrow();
                        assertThat(max - min)
                                .as("zones %s after %d tasks", byZone, total)
                                .isLessThanOrEqualTo(1);
                    }
                });
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
