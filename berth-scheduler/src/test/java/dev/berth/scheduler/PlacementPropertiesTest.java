package dev.berth.scheduler;

import dev.berth.scheduler.PlacementStrategy.Resource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Invariants of placement over generated clusters and requests. */
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
            List.of(PlacementStrategy.spread("attribute:ecs.availability-zone"), PlacementStrategy.binpack(Resource.MEMORY)),
            List.of(PlacementStrategy.spread("attribute:ecs.availability-zone"), PlacementStrategy.spread("instanceId")),
            List.of(PlacementStrategy.spread("instanceId")),
            List.of(PlacementStrategy.spread("attribute:ecs.availability-zone"), PlacementStrategy.spread("attribute:rack"),
                    PlacementStrategy.binpack(Resource.CPU)),
            List.of(PlacementStrategy.binpack(Resource.MEMORY), PlacementStrategy.spread("attribute:ecs.availability-zone")),
            List.of(PlacementStrategy.spread("instanceId"), PlacementStrategy.spread("attribute:rack")));

    static final List<List<PlacementStrategy>> RANDOM_CHAINS = List.of(
            List.of(PlacementStrategy.random()),
            List.of(PlacementStrategy.spread("attribute:ecs.availability-zone"), PlacementStrategy.random()),
            List.of(PlacementStrategy.binpack(Resource.MEMORY), PlacementStrategy.random()));

    @Provide
    Arbitrary<ClusterSnapshot> clusters() {
        Arbitrary<ContainerInstance.Builder> one = Combinators.combine(
                Arbitraries.integers().between(-1, 2), Arbitraries.integers().between(0, 2),
                Arbitraries.of(0, 256, 1024, 2048), Arbitraries.of(0, 512, 1024, 4096),
                Arbitraries.of(InstanceStatus.ACTIVE, InstanceStatus.ACTIVE, InstanceStatus.ACTIVE, InstanceStatus.DRAINING),
                Arbitraries.integers().between(0, 9), Arbitraries.subsetOf(80, 443),
                Arbitraries.integers().between(0, 3)).as((zone, type, cpu, mem, status, flags, ports, web) -> {
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
                    return ContainerInstance.builder("x").status(status).agentConnected(flags != 9)
                            .resources(cpu, mem).portsInUse(ports).attributes(attributes).taskGroups(groups);
                });
        return one.list().ofMinSize(1).ofMaxSize(30).map(builders -> {
            List<ContainerInstance> list = new ArrayList<>();
            for (int i = 0; i < builders.size(); i++) {
                ContainerInstance proto = builders.get(i).build();
                list.add(new ContainerInstance(Fixtures.arn("ci-" + i), "i-" + i, proto.status(), proto.agentConnected(),
                        "1.70.0", null, proto.registeredCpu(), proto.registeredMemory(), proto.remainingCpu(),
                        proto.remainingMemory(), proto.portsInUse(), proto.attributes(), proto.taskGroups()));
            }
            return new ClusterSnapshot(list);
        });
    }

    Arbitrary<PlacementRequest> requests(List<List<PlacementStrategy>> chains) {
        return Combinators.combine(Arbitraries.of(0, 128, 256, 512), Arbitraries.of(64, 256, 512),
                Arbitraries.subsetOf(80, 8080), Arbitraries.of(false, true), Arbitraries.integers().between(-1, EXPRESSIONS.size() - 1),
                Arbitraries.of(chains), Arbitraries.integers().between(1, 25), Arbitraries.of("family:web", "family:db"))
                .as((cpu, mem, ports, distinct, expr, chain, count, group) -> {
                    List<PlacementConstraint> constraints = new ArrayList<>();
                    if (distinct) {
                        constraints.add(PlacementConstraint.distinctInstance());
                    }
                    if (expr >= 0) {
                        constraints.add(PlacementConstraint.memberOf(EXPRESSIONS.get(expr)));
                    }
                    return new PlacementRequest(new TaskRequirements(cpu, mem, ports, List.of()), group, constraints, chain, count);
                });
    }

    @Provide
    Arbitrary<PlacementRequest> deterministicRequests() {
        return requests(DETERMINISTIC_CHAINS);
    }

    @Provide
    Arbitrary<PlacementRequest> anyRequests() {
        List<List<PlacementStrategy>> all = new ArrayList<>(DETERMINISTIC_CHAINS);
        all.addAll(RANDOM_CHAINS);
        return requests(all);
    }

    @Property(tries = 400)
    void engineAgreesWithBruteForceReference(@ForAll("clusters") ClusterSnapshot cluster,
                                             @ForAll("deterministicRequests") PlacementRequest request) {
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
    }

    @Property(tries = 150)
    void incrementalStateAgreesWithReferenceOverASequenceOfCalls(@ForAll("clusters") ClusterSnapshot cluster,
                                                                @ForAll("deterministicRequests") PlacementRequest a,
                                                                @ForAll("deterministicRequests") PlacementRequest b,
                                                                @ForAll("deterministicRequests") PlacementRequest c) {
        ClusterState state = ClusterState.of(cluster);
        ReferencePlacer reference = new ReferencePlacer(cluster);
        for (PlacementRequest r : List.of(a, b, c, a, b)) {
            PlacementResult result = state.place(r, new SplittableRandom(1));
            assertThat(result.placements()).isEqualTo(reference.placeAndCommit(r));
            state.commit(result);
        }
        assertThat(state.snapshot()).isEqualTo(reference.snapshot());
    }

    @Property(tries = 400)
    void neverOvercommitsCpuMemoryOrPorts(@ForAll("clusters") ClusterSnapshot cluster,
                                          @ForAll("anyRequests") PlacementRequest request) {
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
                if (c instanceof PlacementConstraint.MemberOf m && !m.expression().isDynamic()) {
                    assertThat(m.expression().matches(ci)).as(m.expressionText()).isTrue();
                }
            }
        }
    }

    @Property(tries = 300)
    void distinctInstanceNeverColocates(@ForAll("clusters") ClusterSnapshot cluster, @ForAll("anyRequests") PlacementRequest r) {
        List<PlacementConstraint> constraints = new ArrayList<>(r.constraints());
        if (constraints.stream().noneMatch(c -> c instanceof PlacementConstraint.DistinctInstance)) {
            constraints.add(PlacementConstraint.distinctInstance());
        }
        PlacementRequest request = new PlacementRequest(r.task(), r.group(), constraints, r.strategies(), r.count());
        PlacementResult result = PlacementEngine.place(cluster, request, new SplittableRandom(3));
        assertThat(result.placements()).doesNotHaveDuplicates();
        for (ContainerInstance ci : cluster.instances()) {
            if (ci.taskGroups().getOrDefault(request.group(), 0) > 0) {
                assertThat(result.placements()).doesNotContain(ci.arn());
            }
        }
    }

    @Property(tries = 300)
    void sameSeedSamePlacement(@ForAll("clusters") ClusterSnapshot cluster, @ForAll("anyRequests") PlacementRequest request,
                               @ForAll long seed) {
        assertThat(PlacementEngine.place(cluster, request, new SplittableRandom(seed)))
                .isEqualTo(ClusterState.of(cluster).place(request, new SplittableRandom(seed)));
    }

    @Property(tries = 200)
    void spreadStaysBalancedWithinOneAcrossValues(@ForAll("zoneCounts") List<Integer> perZone,
                                                  @ForAll("spreadChains") List<PlacementStrategy> chain,
                                                  @ForAll int seed) {
        List<ContainerInstance> list = new ArrayList<>();
        for (int z = 0; z < perZone.size(); z++) {
            for (int k = 0; k < perZone.get(z); k++) {
                list.add(Fixtures.instance("z" + z + "-" + k, ZONES[z], TYPES[k % 3], 1 << 20, 1 << 20));
            }
        }
        ClusterState state = ClusterState.of(new ClusterSnapshot(list));
        SplittableRandom random = new SplittableRandom(seed);
        int total = 0;
        for (int batch = 0; batch < 6; batch++) {
            PlacementResult r = state.place(new PlacementRequest(TaskRequirements.of(10, 10), "service:api", List.of(),
                    chain, 1 + random.nextInt(10)), random);
            state.commit(r);
            total += r.placements().size();
            Map<String, Integer> byZone = new HashMap<>();
            for (ContainerInstance ci : state.snapshot().instances()) {
                byZone.merge(ci.attributes().get("ecs.availability-zone"), ci.taskGroups().getOrDefault("service:api", 0), Integer::sum);
            }
            int max = byZone.values().stream().max(Integer::compare).orElseThrow();
            int min = byZone.values().stream().min(Integer::compare).orElseThrow();
            assertThat(max - min).as("zones %s after %d tasks", byZone, total).isLessThanOrEqualTo(1);
        }
    }

    @Provide
    Arbitrary<List<Integer>> zoneCounts() {
        return Arbitraries.integers().between(1, 6).list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<PlacementStrategy>> spreadChains() {
        PlacementStrategy az = PlacementStrategy.spread("attribute:ecs.availability-zone");
        return Arbitraries.of(List.of(az), List.of(az, PlacementStrategy.binpack(Resource.MEMORY)),
                List.of(az, PlacementStrategy.spread("instanceId")), List.of(az, PlacementStrategy.random()));
    }
}
