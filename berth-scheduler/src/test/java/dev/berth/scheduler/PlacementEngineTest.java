package dev.berth.scheduler;

import static dev.berth.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.scheduler.PlacementResult.InstanceFailure;
import dev.berth.scheduler.PlacementStrategy.Resource;
import dev.berth.scheduler.TaskRequirements.RequiredAttribute;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Filters, strategies and failures of single placements, against ECS's documented behaviour. */
class PlacementEngineTest {

    static final TaskRequirements SMALL = TaskRequirements.of(256, 512);

    @Test
    void noInstancesGivesEcsSummaryReason() {
        PlacementResult r = PlacementEngine.place(cluster(), request(SMALL, 2, List.of()), seed(1));
        assertThat(r.placements()).isEmpty();
        assertThat(r.unplaced()).isEqualTo(2);
        assertThat(r.summaryReason()).isEqualTo("No Container Instances were found in your cluster.");
        assertThat(r.ecsFailures())
                .containsExactly(
                        new PlacementResult.EcsFailure(null, "No Container Instances were found in your cluster."));
    }

    @Test
    void aMissingAttributeFailureNamesTheAttributesTheInstanceLacks() {
        ClusterSnapshot c = cluster(instance("old", "a", "t", 1024, 4096).toBuilder()
                .attributes(
                        Map.of("ecs.availability-zone", "a", "com.amazonaws.ecs.capability.docker-remote-api.1.19", ""))
                .build());
        TaskRequirements task = SMALL.withRequiredAttributes(List.of(
                new RequiredAttribute("com.amazonaws.ecs.capability.logging-driver.awslogs", null),
                new RequiredAttribute("com.amazonaws.ecs.capability.docker-remote-api.1.19", null),
                new RequiredAttribute("ecs.availability-zone", "b")));
        PlacementResult r = PlacementEngine.place(c, request(task, 1, List.of()), seed(1));
        assertThat(r.placements()).isEmpty();
        InstanceFailure f = r.closestMatch().orElseThrow();
        assertThat(f.reason()).isEqualTo(Rejection.MISSING_ATTRIBUTE);
        assertThat(f.missingAttributes())
                .containsExactly("com.amazonaws.ecs.capability.logging-driver.awslogs", "ecs.availability-zone=b");
        assertThat(f.detail())
                .isEqualTo(": com.amazonaws.ecs.capability.logging-driver.awslogs, ecs.availability-zone=b");
        assertThat(r.ecsFailures())
                .extracting(PlacementResult.EcsFailure::reason)
                .containsExactly("ATTRIBUTE");

        PlacementResult cpu = PlacementEngine.place(
                cluster(instance("small", "a", "t", 100, 4096)), request(SMALL, 1, List.of()), seed(1));
        assertThat(cpu.closestMatch().orElseThrow().missingAttributes()).isEmpty();
        assertThat(cpu.closestMatch().orElseThrow().detail()).isEmpty();
    }

    @Test
    void everyInstanceReportsTheFirstFilterThatRejectedIt() {
        ClusterSnapshot c = cluster(
                instance("cpu", "a", "t", 100, 4096),
                instance("mem", "a", "t", 1024, 100),
                instance("ports", "a", "t", 1024, 4096).toBuilder()
                        .portsInUse(Set.of(80))
                        .build(),
                instance("drain", "a", "t", 1024, 4096).toBuilder()
                        .status(InstanceStatus.DRAINING)
                        .build(),
                instance("gone", "a", "t", 1024, 4096).toBuilder()
                        .status(InstanceStatus.INACTIVE)
                        .build(),
                instance("agent", "a", "t", 1024, 4096).toBuilder()
                        .agentConnected(false)
                        .build(),
                instance("docker", "a", "t", 1024, 4096).toBuilder()
                        .runtimeHealthy(false)
                        .build(),
                instance("attr", "a", "t", 1024, 4096).toBuilder()
                        .attributes(Map.of())
                        .build(),
                instance("member", "b", "t", 1024, 4096));
        TaskRequirements task = SMALL.withHostPorts(Set.of(Ports.tcp(80)))
                .withRequiredAttributes(List.of(new RequiredAttribute("ecs.availability-zone", null)));
        PlacementResult r = PlacementEngine.place(
                c,
                request(task, 1, List.of(PlacementConstraint.memberOf("attribute:ecs.availability-zone == a"))),
                seed(1));
        assertThat(r.placements()).isEmpty();
        assertThat(r.failures())
                .extracting(InstanceFailure::reason)
                .extracting(Rejection::ecsReason)
                .containsExactly(
                        "RESOURCE:CPU",
                        "RESOURCE:MEMORY",
                        "RESOURCE:PORTS",
                        "DRAINING",
                        "INACTIVE",
                        "AGENT",
                        "AGENT",
                        "ATTRIBUTE",
                        "MemberOf placement constraint unsatisfied.");
        assertThat(r.failures().get(0).arn()).isEqualTo(arn("cpu"));
        assertThat(r.ecsFailures().get(1)).isEqualTo(new PlacementResult.EcsFailure(arn("mem"), "RESOURCE:MEMORY"));
        assertThat(r.closestMatch()).hasValueSatisfying(f -> assertThat(f.arn()).isEqualTo(arn("member")));
    }

    @Test
    void batchDeductsResourcesAsItPlaces() {
        ClusterSnapshot c = cluster(instance("a", "z", "t", 1024, 1024), instance("b", "z", "t", 1024, 1024));
        PlacementResult r = PlacementEngine.place(c, request(TaskRequirements.of(0, 400), 10, List.of()), seed(1));
        assertThat(r.placements()).hasSize(4);
        assertThat(histogram(r.placements())).containsEntry(arn("a"), 2).containsEntry(arn("b"), 2);
        assertThat(r.unplaced()).isEqualTo(6);
        assertThat(r.failures()).extracting(InstanceFailure::reason).containsOnly(Rejection.MEMORY);
    }

    @Test
    void staticHostPortsAreExclusivePerInstanceAndProtocol() {
        ClusterSnapshot c = cluster(instance("a", "z", "t", 4096, 4096), instance("b", "z", "t", 4096, 4096));
        TaskRequirements web = SMALL.withHostPorts(Set.of(Ports.tcp(8080), Ports.udp(8080)));
        PlacementResult r = PlacementEngine.place(c, request(web, 3, List.of()), seed(1));
        assertThat(r.placements()).containsExactly(arn("a"), arn("b"));
        assertThat(r.failures()).extracting(InstanceFailure::reason).containsOnly(Rejection.PORTS);
        // tcp 53 does not clash with udp 53
        ClusterSnapshot dns = cluster(instance("a", "z", "t", 4096, 4096).toBuilder()
                .portsInUse(Set.of(Ports.udp(53)))
                .build());
        assertThat(PlacementEngine.place(
                                dns, request(SMALL.withHostPorts(Set.of(Ports.tcp(53))), 1, List.of()), seed(1))
                        .placements())
                .containsExactly(arn("a"));
    }

    @Test
    void binpackMemoryPicksLeastRemainingMemoryThatFits() {
        // ECS example: binpack on memory places on the instance with the least available memory
        ClusterSnapshot c = cluster(
                instance("big", "z", "t", 4096, 8192),
                instance("small", "z", "t", 4096, 2048),
                instance("tiny", "z", "t", 4096, 256));
        PlacementResult r = PlacementEngine.place(
                c, request(SMALL, 5, List.of(), PlacementStrategy.binpack(Resource.MEMORY)), seed(1));
        assertThat(r.placements()).containsExactly(arn("small"), arn("small"), arn("small"), arn("small"), arn("big"));
    }

    @Test
    void binpackCpuPicksLeastRemainingCpu() {
        ClusterSnapshot c = cluster(instance("a", "z", "t", 2048, 100_000), instance("b", "z", "t", 1024, 100_000));
        PlacementResult r = PlacementEngine.place(
                c, request(SMALL, 5, List.of(), PlacementStrategy.binpack(Resource.CPU)), seed(1));
        assertThat(r.placements()).containsExactly(arn("b"), arn("b"), arn("b"), arn("b"), arn("a"));
    }

    @Test
    void spreadOverAvailabilityZonesCountsTasksAlreadyThere() {
        ClusterSnapshot c = cluster(
                instance("a1", "us-east-1a", "t", 8192, 8192).toBuilder()
                        .taskGroups(Map.of("family:web", 2))
                        .build(),
                instance("b1", "us-east-1b", "t", 8192, 8192),
                instance("c1", "us-east-1c", "t", 8192, 8192).toBuilder()
                        .taskGroups(Map.of("family:other", 5))
                        .build());
        PlacementResult r = PlacementEngine.place(
                c, request(SMALL, 4, List.of(), PlacementStrategy.spread("attribute:ecs.availability-zone")), seed(1));
        // b and c have 0 of the group, then 1 each, then a ties at 2 with b and c: index order breaks it
        assertThat(r.placements()).containsExactly(arn("b1"), arn("c1"), arn("b1"), arn("c1"));
    }

    @Test
    void spreadAzThenBinpackMemoryAsInTheEcsGuide() {
        ClusterSnapshot c = cluster(
                instance("a-big", "us-east-1a", "t", 8192, 8192), instance("a-small", "us-east-1a", "t", 8192, 2048),
                instance("b-big", "us-east-1b", "t", 8192, 8192), instance("b-small", "us-east-1b", "t", 8192, 1024));
        PlacementResult r = PlacementEngine.place(
                c,
                request(
                        SMALL,
                        4,
                        List.of(),
                        PlacementStrategy.spread("attribute:ecs.availability-zone"),
                        PlacementStrategy.binpack(Resource.MEMORY)),
                seed(1));
        // zones tie at 0: binpack decides across both (b-small has least memory); then zone a is behind
        assertThat(r.placements()).containsExactly(arn("b-small"), arn("a-small"), arn("b-small"), arn("a-small"));
    }

    @Test
    void spreadInstanceIdPutsOneEverywhereFirst() {
        ClusterSnapshot c = grid(4, new String[] {"a"}, new String[] {"t"}, 4096, 4096);
        PlacementResult r =
                PlacementEngine.place(c, request(SMALL, 6, List.of(), PlacementStrategy.spread("instanceId")), seed(1));
        assertThat(histogram(r.placements()).values()).containsExactlyInAnyOrder(2, 2, 1, 1);
    }

    @Test
    void distinctInstanceNeverColocatesWithTheGroupAndLeavesTheRestUnplaced() {
        ClusterSnapshot c = cluster(
                instance("a", "z", "t", 4096, 4096),
                instance("b", "z", "t", 4096, 4096).toBuilder()
                        .taskGroups(Map.of("family:web", 1))
                        .build(),
                instance("c", "z", "t", 4096, 4096));
        PlacementResult r = PlacementEngine.place(
                c,
                request(
                        SMALL,
                        3,
                        List.of(PlacementConstraint.distinctInstance()),
                        PlacementStrategy.binpack(Resource.MEMORY)),
                seed(1));
        assertThat(r.placements()).containsExactly(arn("a"), arn("c"));
        assertThat(r.unplaced()).isEqualTo(1);
        assertThat(r.failures()).extracting(InstanceFailure::reason).containsOnly(Rejection.DISTINCT_INSTANCE);
    }

    @Test
    void memberOfOnTaskGroupSeesTasksPlacedEarlierInTheBatch() {
        ClusterSnapshot c = grid(3, new String[] {"a"}, new String[] {"t"}, 4096, 4096);
        PlacementResult r = PlacementEngine.place(
                c, request(SMALL, 3, List.of(PlacementConstraint.memberOf("not(task:group == family:web)"))), seed(1));
        assertThat(histogram(r.placements())).hasSize(3);
    }

    @Test
    void memberOfInstanceTypeRestrictsAndRandomIsDeterministicPerSeed() {
        ClusterSnapshot c = grid(30, new String[] {"a", "b", "c"}, new String[] {"m5.large", "t2.micro"}, 4096, 4096);
        PlacementRequest req = request(
                SMALL,
                10,
                List.of(PlacementConstraint.memberOf("attribute:ecs.instance-type =~ m5.*")),
                PlacementStrategy.random());
        PlacementResult r1 = PlacementEngine.place(c, req, seed(42));
        PlacementResult r2 = PlacementEngine.place(c, req, seed(42));
        assertThat(r1.placements()).hasSize(10).isEqualTo(r2.placements());
        for (String arn : r1.placements()) {
            int i = Integer.parseInt(arn.substring(arn.lastIndexOf('-') + 1));
            assertThat(i % 2).as("m5.large instances have even index").isZero();
        }
        assertThat(histogram(r1.placements())).hasSizeGreaterThan(3); // random spreads, not first-fit
    }

    @Test
    void strategiesAreBestEffortNeverMakingATaskUnplaceable() {
        ClusterSnapshot c =
                cluster(instance("a", "us-east-1a", "t", 4096, 4096), instance("b", "us-east-1b", "t", 0, 0));
        PlacementResult r = PlacementEngine.place(
                c, request(SMALL, 3, List.of(), PlacementStrategy.spread("attribute:ecs.availability-zone")), seed(1));
        assertThat(r.placements()).containsExactly(arn("a"), arn("a"), arn("a"));
    }

    @Test
    void stateCommitsAndReleasesAndRefusesAStaleCommit() {
        ClusterState state = ClusterState.of(cluster(instance("a", "z", "t", 1024, 1024)));
        PlacementRequest req = request(TaskRequirements.of(512, 512), 2, List.of());
        PlacementResult r = state.place(req, seed(1));
        assertThat(state.place(req, seed(1))).isEqualTo(r); // place leaves the state unchanged
        state.commit(r);
        assertThat(state.place(req, seed(1)).unplaced()).isEqualTo(2);
        assertThatThrownBy(() -> state.commit(r)).isInstanceOf(IllegalStateException.class);
        state.removeTask(arn("a"), req.task(), "family:web");
        assertThat(state.place(req, seed(1)).placements()).containsExactly(arn("a"));
        ContainerInstance now = state.snapshot().instances().get(0);
        assertThat(now.remainingMemory()).isEqualTo(512);
        assertThat(now.taskGroups()).containsEntry("family:web", 1);
    }

    @Test
    void unusualChainsAreScannedWithTheSameSemantics() {
        // binpack then spread AZ is not indexable; it still means: least memory first, ties by zone count
        ClusterSnapshot c = cluster(
                instance("a", "us-east-1a", "t", 4096, 2048).toBuilder()
                        .taskGroups(Map.of("family:web", 1))
                        .build(),
                instance("b", "us-east-1b", "t", 4096, 2048),
                instance("c", "us-east-1c", "t", 4096, 1024));
        PlacementResult r = PlacementEngine.place(
                c,
                request(
                        SMALL,
                        3,
                        List.of(),
                        PlacementStrategy.binpack(Resource.MEMORY),
                        PlacementStrategy.spread("attribute:ecs.availability-zone")),
                seed(1));
        assertThat(r.placements()).containsExactly(arn("c"), arn("c"), arn("b"));
    }

    @Test
    void manyRequestShapesEvictPoolsWithoutChangingDecisions() {
        ClusterSnapshot c = grid(40, new String[] {"a", "b", "c"}, new String[] {"m5.large", "t3.micro"}, 4096, 4096);
        ClusterState state = ClusterState.of(c);
        ReferencePlacer reference = new ReferencePlacer(c);
        for (int round = 0; round < 3; round++) {
            for (int service = 0; service < ClusterState.MAX_POOLS + 5; service++) {
                PlacementRequest r = new PlacementRequest(
                        TaskRequirements.of(64, 32 + service),
                        "service:s" + service,
                        List.of(),
                        PlacementStrategy.SERVICE_DEFAULT,
                        3);
                PlacementResult result = state.place(r, seed(1));
                assertThat(result.placements()).isEqualTo(reference.placeAndCommit(r));
                state.commit(result);
            }
        }
        assertThat(state.snapshot()).isEqualTo(reference.snapshot());
    }

    @Test
    void daemonPlacesOnEveryEligibleInstanceWithoutTheTask() {
        ClusterSnapshot c = cluster(
                instance("a", "z", "t", 4096, 4096),
                instance("b", "z", "t", 4096, 4096).toBuilder()
                        .taskGroups(Map.of("service:agent", 1))
                        .build(),
                instance("c", "z", "t", 4096, 4096).toBuilder()
                        .status(InstanceStatus.DRAINING)
                        .build(),
                instance("d", "z", "t", 10, 4096));
        PlacementResult r = PlacementEngine.placeDaemon(c, SMALL, "service:agent", List.of());
        assertThat(r.placements()).containsExactly(arn("a"));
        assertThat(r.failures())
                .containsExactly(
                        new InstanceFailure(arn("c"), Rejection.DRAINING),
                        new InstanceFailure(arn("d"), Rejection.CPU));
    }
}
