package dev.berth.ecs.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.ecs.cluster.StoredClusterActivity;
import dev.berth.ecs.instance.ContainerInstanceApi;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.model.Platform;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.json.Jsons;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent protocol's server side against a real (H2) store and a clock the test moves. */
class AgentServiceTest {

    @TempDir
    Path dir;

    StateStore store;
    ManualClock clock = new ManualClock();
    ObjectMapper mapper = Jsons.newMapper();
    AgentService service;
    ContainerInstances instances;
    InstanceNotifier notifier = new InstanceNotifier();
    String token;

    @BeforeEach
    void setUp() {
        store = StateStores.open(null, dir, 2);
        Documents docs = new Documents(mapper);
        Platform platform = new Platform("000000000000", "eu-west-1");
        ClusterApi clusters = new ClusterApi(store, docs, platform, clock, new StoredClusterActivity());
        instances = new ContainerInstances(docs, platform, clock, Duration.ofSeconds(60));
        ContainerInstanceApi api = new ContainerInstanceApi(store, instances, clusters, notifier);
        JoinTokens tokens = new JoinTokens(store, dir);
        token = tokens.ensure();
        service = new AgentService(
                store, instances, api, clusters, tokens, notifier, new dev.berth.ecs.task.Tasks(docs, platform, clock));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    static Registration registration(String cluster, Map<String, String> attributes) {
        return new Registration(
                cluster,
                "127.0.0.11",
                new StoredContainerInstance.Resources(2048, 3840, null, null),
                attributes,
                new StoredContainerInstance.VersionInfo("1", "h", "unknown"));
    }

    long registered(String cluster) {
        return store.read(tx -> new StoredClusterActivity().counts(tx, cluster)).registeredContainerInstances();
    }

    static int status(Throwable e) {
        return ((AwsException) e).httpStatus();
    }

    @Test
    void joinTokenIsWrittenPrivatelyAndChecked() throws Exception {
        assertThat(Files.readString(dir.resolve("join-token")).strip()).isEqualTo(token);
        assertThat(Files.getPosixFilePermissions(dir.resolve("join-token")).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThatThrownBy(() -> service.register("nope", registration("default", Map.of())))
                .satisfies(e -> assertThat(status(e)).isEqualTo(403));
        assertThatThrownBy(() -> service.register(null, registration("default", Map.of())))
                .satisfies(e -> assertThat(status(e)).isEqualTo(403));
    }

    @Test
    void registrationCreatesDefaultClusterButNotOthers() {
        AgentService.Registered r = service.register(token, registration("default", Map.of("stack", "blue")));
        assertThat(r.arn()).matches("arn:aws:ecs:eu-west-1:000000000000:container-instance/default/[0-9a-f]{32}");
        assertThat(r.instance().agentAttributes())
                .containsEntry("ecs.availability-zone", "eu-west-1a")
                .containsEntry("stack", "blue");
        String stored =
                store.read(tx -> tx.get(Kinds.CONTAINER_INSTANCE, r.instance().key())
                        .orElseThrow()
                        .json());
        assertThat(stored).doesNotContain(r.secret()).contains(Secrets.sha256Hex(r.secret()));
        assertThat(registered("default")).isEqualTo(1);
        assertThatThrownBy(() -> service.register(token, registration("prod", Map.of())))
                .hasMessage("Cluster not found.");
    }

    @Test
    void agentConnectedFollowsHeartbeatsAndTheClock() {
        AgentService.Registered r = service.register(token, registration("default", Map.of()));
        String c = r.instance().cluster();
        String id = r.instance().id();
        assertThat(instances.connected(service.current(c, id))).isTrue();
        clock.advance(Duration.ofSeconds(60));
        assertThat(instances.connected(service.current(c, id))).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(instances.connected(service.current(c, id))).isFalse();
        long version = service.current(c, id).version();
        service.heartbeat(c, id, r.secret());
        assertThat(instances.connected(service.current(c, id))).isTrue();
        assertThat(service.current(c, id).version())
                .as("heartbeats are not changes")
                .isEqualTo(version);
        assertThatThrownBy(() -> service.heartbeat(c, id, "wrong"))
                .satisfies(e -> assertThat(status(e)).isEqualTo(403));
    }

    @Test
    void pollsRecordTheContainerRuntimeHealthAndImpairedInstancesAreNotPlacementCandidates() {
        AgentService.Registered r = service.register(token, registration("default", Map.of()));
        String c = r.instance().cluster();
        String id = r.instance().id();
        com.fasterxml.jackson.databind.JsonNode fresh =
                instances.render(service.current(c, id), false, true).get("healthStatus");
        assertThat(fresh.get("overallStatus").asText()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(fresh.get("details")).isEmpty();

        long t0 = clock.millis();
        StoredContainerInstance impaired = service.heartbeat(c, id, r.secret(), "IMPAIRED");
        assertThat(impaired.version())
                .as("a status change is visible")
                .isEqualTo(r.instance().version() + 1);
        assertThat(impaired.runtimeHealthy()).isFalse();
        assertThat(instances.view(impaired).runtimeHealthy()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        StoredContainerInstance again = service.heartbeat(c, id, r.secret(), "IMPAIRED");
        assertThat(again.version()).isEqualTo(impaired.version());
        assertThat(again.runtime()).isEqualTo(new StoredContainerInstance.RuntimeHealth("IMPAIRED", t0 + 5000, t0));
        com.fasterxml.jackson.databind.JsonNode h =
                instances.render(again, false, true).get("healthStatus");
        assertThat(h.get("overallStatus").asText()).isEqualTo("IMPAIRED");
        assertThat(h.get("details").get(0).get("type").asText()).isEqualTo("CONTAINER_RUNTIME");
        assertThat(h.get("details")
                        .get(0)
                        .get("lastStatusChange")
                        .decimalValue()
                        .movePointRight(3)
                        .longValue())
                .isEqualTo(t0);
        assertThat(instances.render(again, false, false).has("healthStatus")).isFalse();

        assertThat(service.heartbeat(c, id, r.secret(), null).runtime())
                .as("no report, no change")
                .isEqualTo(again.runtime());
        StoredContainerInstance ok = service.heartbeat(c, id, r.secret(), "OK");
        assertThat(ok.runtimeHealthy()).isTrue();
        assertThat(ok.version()).isEqualTo(again.version() + 1);
        clock.advance(Duration.ofSeconds(61));
        assertThat(instances
                        .render(service.current(c, id), false, true)
                        .get("healthStatus")
                        .get("overallStatus")
                        .asText())
                .as("a disconnected agent's report is stale")
                .isEqualTo("INSUFFICIENT_DATA");
        assertThatThrownBy(() -> service.heartbeat(c, id, r.secret(), "BROKEN"))
                .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    }

    @Test
    void reregistrationKeepsIdentityStatusAndCustomAttributes() {
        AgentService.Registered r = service.register(token, registration("default", Map.of("stack", "blue")));
        StoredContainerInstance ci = r.instance();
        store.transact(tx -> {
            StoredContainerInstance drained = instances
                    .lockRegistered(tx, ci.cluster(), ci.id())
                    .orElseThrow()
                    .withStatus(InstanceStatus.DRAINING, null)
                    .withCustomAttributes(Map.of("team", "x"));
            new Documents(mapper).put(tx, Kinds.CONTAINER_INSTANCE, drained.key(), drained);
            return null;
        });
        AgentService.Registered again = service.reregister(
                ci.cluster(), ci.id(), r.secret(), registration("default", Map.of("stack", "green")));
        assertThat(again.arn()).isEqualTo(r.arn());
        assertThat(again.secret()).isNull();
        assertThat(again.instance().status()).isEqualTo(InstanceStatus.DRAINING);
        assertThat(again.instance().attributes())
                .containsEntry("stack", "green")
                .containsEntry("team", "x");
        assertThat(again.instance().ec2InstanceId()).isEqualTo(ci.ec2InstanceId());
        assertThatThrownBy(() -> service.reregister(ci.cluster(), ci.id(), r.secret(), registration("other", Map.of())))
                .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    }

    @Test
    void reportsAreIdempotentBySequenceNumber() throws Exception {
        AgentService.Registered r = service.register(token, registration("default", Map.of()));
        String c = r.instance().cluster();
        String id = r.instance().id();
        var batch = mapper.readTree(
                "{\"events\":[{\"seq\":1,\"type\":\"versionInfo\",\"versionInfo\":{\"dockerVersion\":\"25\"}}]}");
        assertThat(service.report(c, id, r.secret(), batch).accepted()).containsExactly(1L);
        AgentService.Reported again = service.report(c, id, r.secret(), batch);
        assertThat(again.accepted()).isEmpty();
        assertThat(again.duplicates()).containsExactly(1L);
        assertThat(again.highestSeq()).isEqualTo(1);
        assertThat(service.current(c, id).versionInfo().dockerVersion()).isEqualTo("25");
        assertThatThrownBy(() -> service.report(
                        c, id, r.secret(), mapper.readTree("{\"events\":[{\"seq\":0,\"type\":\"versionInfo\"}]}")))
                .satisfies(e -> assertThat(status(e)).isEqualTo(400));
        assertThatThrownBy(() -> service.report(c, id, r.secret(), mapper.readTree("{}")))
                .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    }

    @Test
    void deregistrationWakesTheAgentAndRefusesItsNextCall() {
        AgentService.Registered r = service.register(token, registration("default", Map.of()));
        String c = r.instance().cluster();
        String id = r.instance().id();
        CompletableFuture<Void> poll = notifier.await(r.instance().key());
        service.deregister(c, id, r.secret());
        assertThat(poll).isCompleted();
        assertThatThrownBy(() -> service.heartbeat(c, id, r.secret()))
                .satisfies(e -> assertThat(status(e)).isEqualTo(410));
        assertThatThrownBy(() -> service.heartbeat(c, id, "wrong"))
                .satisfies(e -> assertThat(status(e)).isEqualTo(403));
        assertThatThrownBy(() -> service.current(c, id))
                .satisfies(e -> assertThat(status(e)).isEqualTo(410));
        assertThat(registered("default")).isZero();
        assertThat(service.pollWaitSeconds()).isEqualTo(20);
    }
}
