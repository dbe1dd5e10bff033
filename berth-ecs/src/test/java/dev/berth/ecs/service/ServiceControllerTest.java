package dev.berth.ecs.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.agent.AgentService;
import dev.berth.ecs.agent.JoinTokens;
import dev.berth.ecs.agent.Registration;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.ecs.cluster.StoredClusterActivity;
import dev.berth.ecs.instance.ContainerInstanceApi;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.ecs.task.LostInstances;
import dev.berth.ecs.task.StoredTask;
import dev.berth.ecs.task.TaskApi;
import dev.berth.ecs.task.TaskLaunch;
import dev.berth.ecs.task.TaskLifecycle;
import dev.berth.ecs.task.Tasks;
import dev.berth.ecs.taskdef.TaskDefinitionApi;
import dev.berth.model.Platform;
import dev.berth.model.error.AwsException;
import dev.berth.model.lb.LoadBalancerTargets;
import dev.berth.model.lb.LoadBalancerTargets.Target;
import dev.berth.model.lb.LoadBalancerTargets.TargetHealth;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.Jsons;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service controller against a real (H2) store, the real task and agent code, hand-played agent
 * reports and a fake {@link LoadBalancerTargets}, reconciling synchronously: load balancer
 * registration when tasks run, target health gating completion, deregistration before a stop,
 * replacement of UNHEALTHY targets, a controller that resumes from the store, and tasks of a lost
 * instance replaced on another one.
 */
class ServiceControllerTest {

    static final String TG = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef";

    @TempDir
    Path dir;

    StateStore store;
    ManualClock clock = new ManualClock();
    ObjectMapper mapper = Jsons.newMapper();
    Documents docs;
    AgentService agents;
    Tasks tasks;
    TaskApi taskApi;
    TaskLaunch launch;
    TaskDefinitionApi taskDefinitions;
    InstanceNotifier notifier = new InstanceNotifier();
    ServiceApi services;
    ServiceController controller;
    ClusterApi clusters;
    ContainerInstances instances;
    String token;
    FakeTargets lb = new FakeTargets();
    final CallContext call = new CallContext("req", "AKID", "000000000000", "us-east-1");
    final Map<String, Long> seq = new HashMap<>();

    /** Records every call; health is what the test sets (INITIAL for a new target). */
    static final class FakeTargets implements LoadBalancerTargets {
        final List<String> calls = new ArrayList<>();
        final Map<Target, TargetHealth> health = new HashMap<>();
        /** Seconds a deregistered target stays DRAINING (0: UNUSED at once); the test ends a drain by hand. */
        int delay;

        @Override
        public void validate(String targetGroupArn, String containerName, int containerPort) {
            if (!targetGroupArn.equals(TG)) {
                throw new AwsException(
                        "InvalidParameterException",
                        400,
                        "The target group with targetGroupArn " + targetGroupArn + " does not exist.");
            }
        }

        @Override
        public void register(String targetGroupArn, List<Target> targets) {
            targets.forEach(t -> {
                calls.add("register " + t);
                health.putIfAbsent(t, TargetHealth.INITIAL);
            });
        }

        @Override
        public void deregister(String targetGroupArn, List<Target> targets) {
            targets.forEach(t -> {
                calls.add("deregister " + t);
                if (delay > 0) {
                    health.put(t, TargetHealth.DRAINING);
                } else {
                    health.remove(t);
                }
            });
        }

        @Override
        public Map<Target, TargetHealth> health(String targetGroupArn, List<Target> targets) {
            Map<Target, TargetHealth> out = new HashMap<>();
            targets.forEach(t -> out.put(t, health.getOrDefault(t, TargetHealth.UNUSED)));
            return out;
        }

        @Override
        public int deregistrationDelaySeconds(String targetGroupArn) {
            return delay;
        }
    }

    @BeforeEach
    void setUp() {
        store = StateStores.open(null, dir, 2);
        docs = new Documents(mapper);
        Platform platform = new Platform("000000000000", "us-east-1");
        clusters = new ClusterApi(store, docs, platform, clock, new StoredClusterActivity());
        taskDefinitions = new TaskDefinitionApi(store, docs, platform, clock);
        instances = new ContainerInstances(docs, platform, clock, Duration.ofSeconds(60));
        ContainerInstanceApi instanceApi = new ContainerInstanceApi(store, instances, clusters, notifier);
        tasks = new Tasks(docs, platform, clock);
        launch = new TaskLaunch(store, tasks, instances, clusters, taskDefinitions, notifier);
        taskApi = new TaskApi(store, tasks, instances, clusters, notifier, launch);
        JoinTokens tokens = new JoinTokens(store, dir);
        token = tokens.ensure();
        agents = new AgentService(store, instances, instanceApi, clusters, tokens, notifier, tasks);
        services = new ServiceApi(store, docs, platform, clock, clusters, taskDefinitions, lb);
        controller = new ServiceController(store, docs, tasks, taskApi, launch, taskDefinitions, notifier, lb, clock);
        op(clusters.operations().get("CreateCluster"), "{\"clusterName\":\"c\"}");
        op(taskDefinitions.operations().get("RegisterTaskDefinition"), """
                {"family":"web","containerDefinitions":[{"name":"web","image":"busybox","memory":32,
                 "portMappings":[{"containerPort":80}]}]}""");
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    JsonNode op(dev.berth.protocol.json.JsonOperation op, String json) {
        try {
            return op.handle(call, (ObjectNode) mapper.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    AgentService.Registered register(String ip) {
        return agents.register(
                token,
                new Registration(
                        "c",
                        ip,
                        new StoredContainerInstance.Resources(1024, 2048, null, null),
                        Map.of(),
                        new StoredContainerInstance.VersionInfo("1", "h", "unknown")));
    }

    /** Reports a task RUNNING with container port 80 bound to {@code hostPort} on the instance's IP. */
    void reportRunning(AgentService.Registered r, StoredTask t, int hostPort) throws Exception {
        long n = seq.merge(r.instance().id(), 1L, Long::sum);
        String body = """
                {"events":[{"seq":%d,"type":"task","task":{"taskArn":"%s","lastStatus":"RUNNING","startedAt":%d,
                 "containers":[{"name":"web","lastStatus":"RUNNING","networkBindings":[{"bindIP":"%s","containerPort":80,
                 "hostPort":%d,"protocol":"tcp"}]}]}}]}""".formatted(
                n, tasks.arnOf("c", t.id()), clock.millis(), r.instance().hostIp(), hostPort);
        agents.report("c", r.instance().id(), r.secret(), mapper.readTree(body));
    }

    void reportStopped(AgentService.Registered r, StoredTask t) throws Exception {
        long n = seq.merge(r.instance().id(), 1L, Long::sum);
        String body = """
                {"events":[{"seq":%d,"type":"task","task":{"taskArn":"%s","lastStatus":"STOPPED","stoppedAt":%d}}]}""".formatted(n, tasks.arnOf("c", t.id()), clock.millis());
        agents.report("c", r.instance().id(), r.secret(), mapper.readTree(body));
    }

    List<StoredTask> serviceTasks(String name, boolean liveOnly) {
        return store.read(tx -> {
            List<StoredTask> out = new ArrayList<>();
            dev.berth.store.StorePages.forEach(tx, dev.berth.ecs.Kinds.TASK, "c/", e -> {
                StoredTask t = docs.read(e, StoredTask.class);
                if (("service:" + name).equals(t.group())
                        && (!liveOnly || t.desiredStatus() == TaskLifecycle.RUNNING)) {
                    out.add(t);
                }
            });
            return out;
        });
    }

    StoredService service(String name) {
        return store.read(tx -> docs.get(tx, dev.berth.ecs.Kinds.SERVICE, "c/" + name, StoredService.class)
                .or(() -> docs.get(tx, StoredService.INACTIVE_KIND, "c/" + name, StoredService.class))
                .orElseThrow());
    }

    @Test
    void loadBalancedServiceRegistersTargetsAndWaitsForHealth() throws Exception {
        AgentService.Registered inst = register("127.0.1.21");
        assertThatThrownBy(() -> op(services.operations().get("CreateService"), """
                {"cluster":"c","serviceName":"web","taskDefinition":"web","desiredCount":1,
                 "loadBalancers":[{"targetGroupArn":"arn:nope","containerName":"web","containerPort":80}]}"""))
                .hasMessageContaining("does not exist");
        op(services.operations().get("CreateService"), """
                {"cluster":"c","serviceName":"web","taskDefinition":"web","desiredCount":1,"healthCheckGracePeriodSeconds":30,
                 "loadBalancers":[{"targetGroupArn":"%s","containerName":"web","containerPort":80}]}""".formatted(TG));
        controller.reconcile("c/web");
        List<StoredTask> started = serviceTasks("web", true);
        assertThat(started).singleElement().satisfies(t -> {
            assertThat(t.startedBy()).isEqualTo(service("web").primary().id());
            assertThat(t.containerInstanceId()).isEqualTo(inst.instance().id());
        });
        assertThat(lb.calls).isEmpty();
        reportRunning(inst, started.getFirst(), 32768);
        controller.reconcile("c/web");
        Target target = new Target(inst.instance().ec2InstanceId(), "127.0.1.21", 32768);
        assertThat(lb.calls).containsExactly("register " + target);
        assertThat(service("web").events().getFirst().message())
                .isEqualTo("(service web) registered 1 targets in (target-group " + TG + ")");
        // INITIAL: running but not healthy, so the deployment is not complete
        controller.reconcile("c/web");
        assertThat(service("web").primary().rolloutState()).isEqualTo("IN_PROGRESS");
        lb.health.put(target, TargetHealth.HEALTHY);
        controller.reconcile("c/web");
        assertThat(service("web").primary().rolloutState()).isEqualTo("COMPLETED");
        assertThat(service("web").steady()).isTrue();
        // UNHEALTHY inside the grace period is ignored, after it the task is deregistered and replaced
        lb.health.put(target, TargetHealth.UNHEALTHY);
        controller.reconcile("c/web");
        assertThat(serviceTasks("web", true)).hasSize(1);
        clock.advance(Duration.ofSeconds(31));
        controller.reconcile("c/web");
        assertThat(lb.calls).containsExactly("register " + target, "deregister " + target);
        StoredTask stopped =
                store.read(tx -> tasks.find(tx, "c", started.getFirst().id())).orElseThrow();
        assertThat(stopped.desiredStatus()).isEqualTo(TaskLifecycle.STOPPED);
        assertThat(stopped.stopCode()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(stopped.stoppedReason()).isEqualTo("Task failed ELB health checks in (target-group " + TG + ")");
        assertThat(serviceTasks("web", true)).hasSize(1).noneMatch(t -> t.id().equals(stopped.id()));
        assertThat(service("web").events())
                .extracting(StoredService.Event::message)
                .containsOnlyOnce("(service web) (task " + stopped.id() + ") (instance " + target.id()
                        + ") (port 32768) is unhealthy in (target-group " + TG
                        + ") due to (reason Health checks failed).");
    }

    @Test
    void scaleInDeregistersBeforeStopping() throws Exception {
        AgentService.Registered inst = register("127.0.1.22");
        op(services.operations().get("CreateService"), """
                {"cluster":"c","serviceName":"web","taskDefinition":"web","desiredCount":1,
                 "loadBalancers":[{"targetGroupArn":"%s","containerName":"web","containerPort":80}]}""".formatted(TG));
        controller.reconcile("c/web");
        StoredTask t = serviceTasks("web", true).getFirst();
        reportRunning(inst, t, 32770);
        controller.reconcile("c/web");
        op(services.operations().get("UpdateService"), "{\"cluster\":\"c\",\"service\":\"web\",\"desiredCount\":0}");
        controller.reconcile("c/web");
        assertThat(lb.calls).last().asString().startsWith("deregister ");
        assertThat(serviceTasks("web", true)).isEmpty();
        assertThat(service("web").events())
                .extracting(StoredService.Event::message)
                .contains("(service web) has begun draining connections on 1 tasks.");
    }

    /** The desired status the instance's agent is told for a task (the long-poll's view). */
    String agentDesired(AgentService.Registered r, StoredTask t) {
        return store.read(tx -> {
            for (JsonNode n : tasks.desiredFor(tx, "c", r.instance().id())) {
                if (n.path("taskArn").asText().equals(tasks.arnOf("c", t.id()))) {
                    return n.path("desiredStatus").asText();
                }
            }
            return "absent";
        });
    }

    StoredTask task(String id) {
        return store.read(tx -> tasks.find(tx, "c", id)).orElseThrow();
    }

    long desiredVersion(AgentService.Registered r) {
        return store.read(tx -> instances.find(tx, "c", r.instance().id()))
                .orElseThrow()
                .desiredVersion();
    }

    @Test
    void scaleInHoldsTheStopForTheDeregistrationDelayEvenAcrossARestart() throws Exception {
        lb.delay = 5;
        AgentService.Registered inst = register("127.0.1.26");
        op(services.operations().get("CreateService"), """
                {"cluster":"c","serviceName":"web","taskDefinition":"web","desiredCount":1,
                 "loadBalancers":[{"targetGroupArn":"%s","containerName":"web","containerPort":80}]}""".formatted(TG));
        controller.reconcile("c/web");
        StoredTask t = serviceTasks("web", true).getFirst();
        reportRunning(inst, t, 32771);
        controller.reconcile("c/web");
        Target target = new Target(inst.instance().ec2InstanceId(), "127.0.1.26", 32771);
        lb.health.put(target, TargetHealth.HEALTHY);
        op(services.operations().get("UpdateService"), "{\"cluster\":\"c\",\"service\":\"web\",\"desiredCount\":0}");
        long decided = clock.millis();
        controller.reconcile("c/web");
        // deregistered at once, the task DEACTIVATING with its stop decided, the container left running
        assertThat(lb.calls).last().isEqualTo("deregister " + target);
        StoredTask held = task(t.id());
        assertThat(held.lastStatus()).isEqualTo(TaskLifecycle.DEACTIVATING);
        assertThat(held.desiredStatus()).isEqualTo(TaskLifecycle.STOPPED);
        assertThat(held.stopCode()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(held.drainUntil()).isEqualTo(decided + 5_000);
        assertThat(agentDesired(inst, t)).isEqualTo("RUNNING");
        assertThat(service("web").events())
                .extracting(StoredService.Event::message)
                .contains("(service web) has begun draining connections on 1 tasks.")
                .noneMatch(m -> m.startsWith("(service web) has stopped"));
        assertThat(service("web").steady()).isFalse();
        // still draining: nothing changes
        clock.advance(Duration.ofSeconds(3));
        controller.reconcile("c/web");
        assertThat(agentDesired(inst, t)).isEqualTo("RUNNING");
        // a restarted server (a fresh controller on the same store) ends the hold when the delay is over
        clock.advance(Duration.ofSeconds(2));
        long before = desiredVersion(inst);
        ServiceController fresh =
                new ServiceController(store, docs, tasks, taskApi, launch, taskDefinitions, notifier, lb, clock);
        fresh.reconcile("c/web");
        assertThat(agentDesired(inst, t)).isEqualTo("STOPPED");
        assertThat(desiredVersion(inst)).isGreaterThan(before);
        assertThat(task(t.id()).drainUntil()).isNull();
        assertThat(service("web").events().getFirst().message())
                .isEqualTo("(service web) has stopped 1 running tasks: (task " + t.id() + ").");
        reportStopped(inst, t);
        fresh.reconcile("c/web");
        assertThat(service("web").steady()).isTrue();
    }

    @Test
    void aDrainEndsEarlyWhenTheTargetsAreNoLongerDrainingAndUserStopsDrainToo() throws Exception {
        lb.delay = 300;
        AgentService.Registered inst = register("127.0.1.27");
        op(services.operations().get("CreateService"), """
                {"cluster":"c","serviceName":"web","taskDefinition":"web","desiredCount":1,
                 "loadBalancers":[{"targetGroupArn":"%s","containerName":"web","containerPort":80}]}""".formatted(TG));
        taskApi.drainPolicy(controller::drainUntil);
        taskApi.onTaskChanged((cl, g) -> {});
        controller.reconcile("c/web");
        StoredTask t = serviceTasks("web", true).getFirst();
        reportRunning(inst, t, 32772);
        controller.reconcile("c/web");
        Target target = new Target(inst.instance().ec2InstanceId(), "127.0.1.27", 32772);
        lb.health.put(target, TargetHealth.HEALTHY);
        // StopTask by a user: held as well, and deregistered by the reconcile it wakes
        op(taskApi.operations().get("StopTask"), "{\"cluster\":\"c\",\"task\":\"%s\"}".formatted(t.id()));
        StoredTask held = task(t.id());
        assertThat(held.lastStatus()).isEqualTo(TaskLifecycle.DEACTIVATING);
        assertThat(held.stopCode()).isEqualTo("UserInitiated");
        assertThat(held.drainUntil()).isEqualTo(clock.millis() + 300_000);
        assertThat(agentDesired(inst, t)).isEqualTo("RUNNING");
        controller.reconcile("c/web");
        assertThat(lb.calls).last().isEqualTo("deregister " + target);
        assertThat(agentDesired(inst, t)).isEqualTo("RUNNING");
        // the replacement starts while the old task drains
        assertThat(serviceTasks("web", true)).hasSize(1).noneMatch(x -> x.id().equals(t.id()));
        // the load balancer reports the drain complete (unused) long before the delay: the stop goes on
        lb.health.remove(target);
        controller.reconcile("c/web");
        assertThat(agentDesired(inst, t)).isEqualTo("STOPPED");
        // a user stop is not the scheduler's: no "has stopped" event for it
        assertThat(service("web").events())
                .extracting(StoredService.Event::message)
                .noneMatch(m -> m.contains("has stopped 1 running tasks: (task " + t.id()));
    }

    @Test
    void aNewControllerResumesFromTheStoreAndLostInstanceTasksAreReplaced() throws Exception {
        AgentService.Registered a = register("127.0.1.23");
        op(
                services.operations().get("CreateService"),
                "{\"cluster\":\"c\",\"serviceName\":\"app\",\"taskDefinition\":\"web\",\"desiredCount\":2}");
        controller.reconcile("c/app");
        for (StoredTask t : serviceTasks("app", true)) {
            reportRunning(a, t, 0);
        }
        // a fresh controller (a restarted server) continues from what is stored
        ServiceController fresh =
                new ServiceController(store, docs, tasks, taskApi, launch, taskDefinitions, notifier, lb, clock);
        fresh.reconcile("c/app");
        assertThat(service("app").primary().rolloutState()).isEqualTo("COMPLETED");
        assertThat(service("app").primary().runningCount()).isEqualTo(2);
        // the agent goes away for good; another instance joins
        clock.advance(Duration.ofMinutes(2));
        AgentService.Registered b = register("127.0.1.24");
        LostInstances lost = new LostInstances(store, tasks, instances, notifier, Duration.ofSeconds(30));
        assertThat(lost.sweep()).isEqualTo(2);
        fresh.reconcile("c/app");
        List<StoredTask> live = serviceTasks("app", true);
        assertThat(live).hasSize(2).allSatisfy(t -> assertThat(t.containerInstanceId())
                .isEqualTo(b.instance().id()));
        assertThat(service("app").primary().failedTasks()).isZero();
    }

    @Test
    void userStoppedTaskIsReplaced() throws Exception {
        AgentService.Registered a = register("127.0.1.25");
        op(
                services.operations().get("CreateService"),
                "{\"cluster\":\"c\",\"serviceName\":\"one\",\"taskDefinition\":\"web\",\"desiredCount\":1}");
        controller.reconcile("c/one");
        StoredTask t = serviceTasks("one", true).getFirst();
        reportRunning(a, t, 0);
        op(taskApi.operations().get("StopTask"), "{\"cluster\":\"c\",\"task\":\"" + t.id() + "\"}");
        reportStopped(a, t);
        controller.reconcile("c/one");
        assertThat(serviceTasks("one", true)).hasSize(1).noneMatch(x -> x.id().equals(t.id()));
    }
}
