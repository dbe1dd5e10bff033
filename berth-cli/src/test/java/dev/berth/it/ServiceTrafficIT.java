package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.agent.engine.ImagePullBehavior;
import dev.berth.cli.agent.Agent;
import dev.berth.cli.agent.AgentConfig;
import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * ECS services behind Berth's application load balancer under real traffic, end to end: a Berth
 * server (restartable: its own data directory and port) whose load balancers take addresses of the
 * test range ({@code berth.it.lb-addresses}), two Docker agents at {@link TestAddresses#SERVICE_TRAFFIC} running busybox
 * httpd tasks with dynamic host ports, the AWS SDK v2 as the user, and {@link LoadLoop} as a steady
 * client. Proves what issue 7 asks of the ECS integration: a killed task is replaced with 5xx only in
 * the documented window; a rolling deployment under load returns no error at all (targets drain
 * before containers stop); path and host rules reach two services; draining keeps a stopping task's
 * container up while a request is in flight and stops it as soon as the target is idle, well before
 * the deregistration delay; the health check grace period and ELB health as task health, with ECS's
 * "is unhealthy in (target-group …)" event and a stoppedReason naming the group that fails; five
 * target groups per service; and a listener that serves again after a server restart. Health checks use ELB's minimums (interval 5 s, thresholds 2).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceTrafficIT {

    static final String CLUSTER = "traffic";
    /** Documented in docs/load-balancers.md: 5xx after a task dies only until UnhealthyThresholdCount × interval. */
    static final Duration KILL_WINDOW = Duration.ofSeconds(2 * 5);

    static Path dir;
    static int port;
    static BerthServer server;
    static EcsClient ecs;
    static ElasticLoadBalancingV2Client elb;
    static final List<Agent> agents = new ArrayList<>();
    static final List<String> instanceIds = new ArrayList<>();
    static final Map<String, String> ec2Of = new HashMap<>();
    static LoadBalancer alb;
    static int nextPort = 20000 + new java.util.Random().nextInt(20000);

    /** This suite's load balancers run on native epoll (--lb-io-uring false); LoadBalancerTrafficIT's on io_uring where the kernel has it. */
    static ServerConfig config(int p) {
        return new ServerConfig(
                "127.0.0.1",
                p,
                dir,
                null,
                false,
                "000000000000",
                "us-east-1",
                null,
                null,
                ServerConfig.DEFAULT_HEARTBEAT_TIMEOUT,
                ImagePullBehavior.PREFER_CACHED,
                ServerConfig.DEFAULT_LOST_INSTANCE_TIMEOUT,
                TestServer.LB_ADDRESSES,
                null,
                0,
                false);
    }

    static void clients() {
        var creds = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(server.accessKeyId(), server.secretAccessKey()));
        ecs = EcsClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(creds)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        elb = ElasticLoadBalancingV2Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(creds)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @BeforeAll
    static void start() throws Exception {
        String image = TestImages.busybox();
        dir = Files.createTempDirectory("berth-it");
        server = BerthServer.start(config(0));
        port = server.port();
        clients();
        ecs.createCluster(r -> r.clusterName(CLUSTER));
        for (String ip : TestAddresses.SERVICE_TRAFFIC.ips(2)) {
            AgentConfig c = new AgentConfig(
                    server.endpoint(),
                    CLUSTER,
                    ip,
                    TestAgents.newDataDir(),
                    null,
                    server.joinTokenFile(),
                    null,
                    null,
                    256,
                    null,
                    "t3.small",
                    null,
                    Map.of(),
                    false,
                    Duration.ofSeconds(1),
                    ImagePullBehavior.PREFER_CACHED,
                    null);
            Agent a = Agent.start(c, () -> TestAgents.DOCKER_HOST);
            agents.add(a);
            String arn = a.awaitRegistered(Duration.ofSeconds(20));
            instanceIds.add(arn.substring(arn.lastIndexOf('/') + 1));
        }
        ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(instanceIds))
                .containerInstances()
                .forEach(ci -> ec2Of.put(ci.containerInstanceArn(), ci.ec2InstanceId()));
        registerWeb("web", "v1", "");
        alb = elb.createLoadBalancer(b -> b.name("traffic-alb")).loadBalancers().getFirst();
        String first = TestServer.LB_ADDRESSES.split("[-,]")[0].trim();
        assertThat(alb.dnsName()).startsWith(first.substring(0, first.lastIndexOf('.') + 1));
    }

    /**
     * Registers a revision of {@code family}: busybox httpd on port 80 serving {@code body} at /, a
     * health file at /health, {@code extra} shell set-up before it starts, and /cgi-bin/slow (answers
     * "slow-done" after 3 s, or as many seconds as its query string says, having written /started.txt; CRLF header lines, which Berth's ALB requires
     * of a target as Netty parses strictly, where busybox's CGI passes the script's bare LFs through).
     */
    static void registerWeb(String family, String body, String extra) {
        String script = "mkdir -p /www/cgi-bin && echo " + body + " > /www/index.html && echo ok > /www/health"
                + " && printf '#!/bin/sh\\necho yes > /www/started.txt\\nsleep ${QUERY_STRING:-3}\\n"
                + "printf \"Content-Type: text/plain\\\\r\\\\nContent-Length: 10\\\\r\\\\n\\\\r\\\\nslow-done\\\\n\"\\n' > /www/cgi-bin/slow && chmod +x /www/cgi-bin/slow"
                + extra
                + " && exec httpd -f -p 80 -h /www";
        ecs.registerTaskDefinition(r -> r.family(family).containerDefinitions(c -> c.name("web")
                .image(TestImages.BUSYBOX)
                .memory(32)
                .essential(true)
                .stopTimeout(1)
                .command("sh", "-c", script)
                .portMappings(p -> p.containerPort(80).hostPort(0))));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            agents.forEach(Agent::close);
            ecs.close();
            elb.close();
            server.close();
        } finally {
            for (String id : instanceIds) {
                TestImages.removeContainersOf(id);
            }
        }
    }

    /** A target group with ELB's minimum health check cadence and the given deregistration delay. */
    static String targetGroup(String name, int delaySeconds) {
        return targetGroup(name, delaySeconds, "/health");
    }

    static String targetGroup(String name, int delaySeconds, String healthPath) {
        String arn = elb.createTargetGroup(b -> b.name(name)
                        .protocol("HTTP")
                        .port(80)
                        .targetType("instance")
                        .healthCheckPath(healthPath)
                        .healthCheckIntervalSeconds(5)
                        .healthCheckTimeoutSeconds(2)
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(2))
                .targetGroups()
                .getFirst()
                .targetGroupArn();
        elb.modifyTargetGroupAttributes(b -> b.targetGroupArn(arn)
                .attributes(a -> a.key("deregistration_delay.timeout_seconds").value(String.valueOf(delaySeconds))));
        return arn;
    }

    /** A listener on the test ALB forwarding to {@code tg}; returns its port. */
    static int listener(String tg) {
        int p = nextPort++;
        elb.createListener(b -> b.loadBalancerArn(alb.loadBalancerArn())
                .protocol("HTTP")
                .port(p)
                .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(tg)));
        return p;
    }

    static void createService(String name, String taskDefinition, int count, String tg, Integer grace) {
        ecs.createService(r -> r.cluster(CLUSTER)
                .serviceName(name)
                .taskDefinition(taskDefinition)
                .desiredCount(count)
                .healthCheckGracePeriodSeconds(grace)
                .loadBalancers(l -> l.targetGroupArn(tg).containerName("web").containerPort(80)));
    }

    static Service describe(String name) {
        return ecs.describeServices(r -> r.cluster(CLUSTER).services(name))
                .services()
                .getFirst();
    }

    static boolean stable(String name) {
        Service s = describe(name);
        return s.deployments().size() == 1
                && s.runningCount().equals(s.desiredCount())
                && s.deployments().getFirst().rolloutStateAsString().equals("COMPLETED");
    }

    static void awaitStable(String name, int seconds) {
        await().atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> stable(name));
    }

    static List<Task> tasks(String service, DesiredStatus status) {
        List<String> arns = ecs.listTasks(
                        r -> r.cluster(CLUSTER).serviceName(service).desiredStatus(status))
                .taskArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arns)).tasks();
    }

    static Task task(String arn) {
        return ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arn)).tasks().getFirst();
    }

    static String target(Task t) {
        int p = t.containers().getFirst().networkBindings().stream()
                .filter(b -> b.containerPort() == 80)
                .findFirst()
                .orElseThrow()
                .hostPort();
        return ec2Of.get(t.containerInstanceArn()) + ":" + p;
    }

    static String target(TargetHealthDescription d) {
        return ServiceLoadBalancerIT.target(d);
    }

    static List<TargetHealthDescription> health(String tg) {
        return elb.describeTargetHealth(b -> b.targetGroupArn(tg)).targetHealthDescriptions();
    }

    static boolean allHealthy(String tg, int count) {
        List<TargetHealthDescription> h = health(tg);
        return h.size() == count
                && h.stream().allMatch(d -> d.targetHealth().stateAsString().equals("healthy"));
    }

    static List<String> events(String service) {
        List<String> out = new ArrayList<>(
                describe(service).events().stream().map(ServiceEvent::message).toList());
        java.util.Collections.reverse(out); // oldest first
        return out;
    }

    static int docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    static String dockerOut(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    @Test
    @Order(1)
    void aKilledTaskIsReplacedAndTheClientSees5xxOnlyInTheDocumentedWindow() throws Exception {
        String tg = targetGroup("kill-tg", 2);
        int p = listener(tg);
        createService("kill", "web", 3, tg, null);
        awaitStable("kill", 90);
        await().atMost(Duration.ofSeconds(30)).until(() -> allHealthy(tg, 3));
        Task victim = tasks("kill", DesiredStatus.RUNNING).getFirst();
        String victimTarget = target(victim);
        long killedAt;
        List<LoadLoop.Result> results;
        Set<String> victimStates = new HashSet<>();
        try (LoadLoop load = new LoadLoop(alb.dnsName(), p, "/", Map.of(), 10)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> load.successes() >= 20);
            killedAt = System.nanoTime();
            assertThat(docker("kill", victim.containers().getFirst().runtimeId()))
                    .isZero();
            // the target leaves the routable set, the task stops, a replacement takes its place
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        health(tg).stream()
                                .filter(d -> target(d).equals(victimTarget))
                                .forEach(d -> victimStates.add(d.targetHealth().stateAsString()));
                        return task(victim.taskArn()).lastStatus().equals("STOPPED")
                                && stable("kill")
                                && allHealthy(tg, 3)
                                && health(tg).stream().noneMatch(d -> target(d).equals(victimTarget));
                    });
            // and the client carries on past the window
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> load.results().stream()
                                    .filter(r -> r.sentNanos() > killedAt + KILL_WINDOW.toNanos())
                                    .count()
                            >= 20);
            results = load.results();
        }
        Task stopped = task(victim.taskArn());
        assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(victimStates).as("states of the killed task's target").containsAnyOf("draining", "unhealthy");
        List<LoadLoop.Result> errors = results.stream().filter(r -> !r.ok()).toList();
        long lastError =
                errors.stream().mapToLong(LoadLoop.Result::sentNanos).max().orElse(killedAt);
        System.out.printf(
                "kill: %d requests, %d errors %s, last error %.2f s after the kill (window %d s)%n",
                results.size(),
                errors.size(),
                errors.stream().map(LoadLoop.Result::status).distinct().toList(),
                seconds(lastError - killedAt),
                KILL_WINDOW.toSeconds());
        assertThat(errors).allSatisfy(e -> {
            assertThat(e.status())
                    .as("an error is a 5xx from the load balancer: %s", e)
                    .isBetween(500, 599);
            assertThat(e.sentNanos()).isBetween(killedAt, killedAt + KILL_WINDOW.toNanos());
        });
        // after the window, every request succeeded
        assertThat(results.stream().filter(r -> r.sentNanos() > killedAt + KILL_WINDOW.toNanos()))
                .isNotEmpty()
                .allMatch(LoadLoop.Result::ok);
        Set<String> bodies = new HashSet<>();
        results.stream().filter(r -> r.sentNanos() > lastError).forEach(r -> bodies.add(r.body()));
        assertThat(bodies).containsExactly("v1");
        ecs.deleteService(r -> r.cluster(CLUSTER).service("kill").force(true));
    }

    @Test
    @Order(2)
    void aRollingDeploymentUnderConstantLoadReturnsNoErrors() throws Exception {
        String tg = targetGroup("roll-tg", 3);
        int p = listener(tg);
        registerWeb("roll", "v1", "");
        registerWeb("roll", "v2", "");
        createService("roll", "roll:1", 2, tg, null);
        awaitStable("roll", 90);
        await().atMost(Duration.ofSeconds(30)).until(() -> allHealthy(tg, 2));
        Set<String> oldTasks = new HashSet<>();
        tasks("roll", DesiredStatus.RUNNING).forEach(t -> oldTasks.add(t.taskArn()));
        List<LoadLoop.Result> results;
        try (LoadLoop load = new LoadLoop(alb.dnsName(), p, "/", Map.of(), 5)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> load.successes() >= 20);
            ecs.updateService(r -> r.cluster(CLUSTER).service("roll").taskDefinition("roll:2"));
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> stable("roll")
                            && describe("roll").taskDefinition().endsWith("roll:2")
                            && allHealthy(tg, 2)
                            && oldTasks.stream()
                                    .allMatch(a -> task(a).lastStatus().equals("STOPPED")));
            long after = load.successes();
            await().atMost(Duration.ofSeconds(20)).until(() -> load.successes() >= after + 20);
            results = load.results();
        }
        System.out.printf(
                "rolling deployment: %d requests, %d errors%n",
                results.size(), results.stream().filter(r -> !r.ok()).count());
        assertThat(results.stream().filter(r -> !r.ok()).toList())
                .as("errors during the deployment")
                .isEmpty();
        assertThat(results.stream().map(LoadLoop.Result::body).distinct()).contains("v1", "v2");
        assertThat(results.subList(results.size() - 10, results.size()))
                .allMatch(r -> r.body().equals("v2"));
        // each old task drained before it stopped, with ECS's reasons and events in ECS's order
        for (String arn : oldTasks) {
            Task t = task(arn);
            assertThat(t.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
            assertThat(t.stoppedReason()).startsWith("Scaling activity initiated by (deployment ecs-svc/");
        }
        List<String> ev = events("roll");
        int draining = ev.indexOf(ev.stream()
                .filter(m -> m.startsWith("(service roll) has begun draining connections on"))
                .findFirst()
                .orElseThrow());
        int stoppedEvent = ev.indexOf(ev.stream()
                .filter(m -> m.startsWith("(service roll) has stopped"))
                .findFirst()
                .orElseThrow());
        assertThat(draining).isLessThan(stoppedEvent);
        ecs.deleteService(r -> r.cluster(CLUSTER).service("roll").force(true));
    }

    @Test
    @Order(3)
    void pathAndHostRulesRouteToTwoServices() throws Exception {
        registerWeb("api", "api-root", " && mkdir -p /www/api && echo api > /www/api/index.html");
        registerWeb("site", "site", "");
        String apiTg = targetGroup("api-tg", 2);
        String siteTg = targetGroup("site-tg", 2);
        int p = nextPort++;
        String listener = elb.createListener(b -> b.loadBalancerArn(alb.loadBalancerArn())
                        .protocol("HTTP")
                        .port(p)
                        .defaultActions(
                                a -> a.type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(f -> f.statusCode("404")
                                        .contentType("text/plain")
                                        .messageBody("no route"))))
                .listeners()
                .getFirst()
                .listenerArn();
        elb.createRule(b -> b.listenerArn(listener)
                .priority(10)
                .conditions(c -> c.field("path-pattern").values("/api/*"))
                .actions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(apiTg)));
        elb.createRule(b -> b.listenerArn(listener)
                .priority(20)
                .conditions(c -> c.field("host-header").values("site.example"))
                .actions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(siteTg)));
        createService("api", "api", 1, apiTg, null);
        createService("site", "site", 1, siteTg, null);
        awaitStable("api", 90);
        awaitStable("site", 90);
        await().atMost(Duration.ofSeconds(30)).until(() -> allHealthy(apiTg, 1) && allHealthy(siteTg, 1));
        for (int i = 0; i < 5; i++) {
            LbBackends.Response api = LbBackends.get(alb.dnsName(), p, "/api/");
            assertThat(api.status()).isEqualTo(200);
            assertThat(api.body().trim()).isEqualTo("api");
            LbBackends.Response site = LbBackends.request(alb.dnsName(), p, "GET", "/", Map.of("Host", "site.example"));
            assertThat(site.status()).isEqualTo(200);
            assertThat(site.body().trim()).isEqualTo("site");
            LbBackends.Response none = LbBackends.get(alb.dnsName(), p, "/");
            assertThat(none.status()).isEqualTo(404);
            assertThat(none.body()).isEqualTo("no route");
        }
        ecs.deleteService(r -> r.cluster(CLUSTER).service("api").force(true));
        ecs.deleteService(r -> r.cluster(CLUSTER).service("site").force(true));
    }

    /** When the container of {@code t} stopped, as Docker recorded it. */
    static Instant finishedAt(Task t) throws Exception {
        return Instant.parse(dockerOut(
                "inspect",
                "-f",
                "{{.State.FinishedAt}}",
                t.containers().getFirst().runtimeId()));
    }

    static String id(Task t) {
        return t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1);
    }

    /** A deregistration delay far longer than a drain of an idle target takes. */
    static final int LONG_DELAY = 60;

    /** Service {@code name} of {@code count} "web" tasks behind {@code tg}, stable and healthy; returns its listener port. */
    static int drainingService(String name, String tg, int count) {
        int p = listener(tg);
        createService(name, "web", count, tg, null);
        awaitStable(name, 90);
        await().atMost(Duration.ofSeconds(30)).until(() -> allHealthy(tg, count));
        return p;
    }

    /**
     * Waits for {@code done}, meanwhile recording the description DescribeTargetHealth gives for
     * {@code target} in {@code tg} while it is unhealthy; returns the last one seen (null: never unhealthy).
     */
    static String unhealthyUntil(String tg, String target, java.util.concurrent.Callable<Boolean> done) {
        java.util.concurrent.atomic.AtomicReference<String> why = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    health(tg).stream()
                            .filter(d -> target(d).equals(target)
                                    && d.targetHealth().stateAsString().equals("unhealthy"))
                            .forEach(d -> why.set(d.targetHealth().description()));
                    return done.call();
                });
        return why.get();
    }

    @Test
    @Order(4)
    void drainingKeepsTheContainerWhileARequestIsInFlightThenStopsItWithoutWaitingOutTheDelay() throws Exception {
        int delay = LONG_DELAY;
        String tg = targetGroup("drain-tg", delay);
        int p = drainingService("drain", tg, 1);
        Task t = tasks("drain", DesiredStatus.RUNNING).getFirst();
        LbBackends.Response warm = LbBackends.get(alb.dnsName(), p, "/cgi-bin/slow?1");
        assertThat(warm.status()).as("slow request without draining: %s", warm).isEqualTo(200);
        CompletableFuture<Instant> slow = CompletableFuture.supplyAsync(() -> {
            LbBackends.Response r = LbBackends.get(alb.dnsName(), p, "/cgi-bin/slow?8");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().trim()).isEqualTo("slow-done");
            return Instant.now();
        });
        // the slow request is at the task (its CGI wrote the marker) before the scale-in
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> LbBackends.get(alb.dnsName(), p, "/started.txt").status() == 200);
        Instant decided = Instant.now();
        ecs.updateService(r -> r.cluster(CLUSTER).service("drain").desiredCount(0));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> task(t.taskArn()).desiredStatus().equals("STOPPED"));
        // 3 s in (past the 1 s an idle target needs): the request in flight holds the drain
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Duration.between(decided, Instant.now()).toMillis() > 3_000);
        assertThat(slow).isNotDone();
        Task held = task(t.taskArn());
        assertThat(held.lastStatus()).isEqualTo("DEACTIVATING");
        assertThat(held.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(health(tg)).singleElement().satisfies(d -> {
            assertThat(d.targetHealth().stateAsString()).isEqualTo("draining");
            assertThat(d.targetHealth().reasonAsString()).isEqualTo("Target.DeregistrationInProgress");
        });
        assertThat(LbBackends.get(alb.dnsName(), p, "/").status()).isEqualTo(503);
        assertThat(dockerOut(
                        "inspect",
                        "-f",
                        "{{.State.Running}}",
                        t.containers().getFirst().runtimeId()))
                .isEqualTo("true");
        Instant answered = slow.get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> task(t.taskArn()).lastStatus().equals("STOPPED"));
        Instant finished = finishedAt(t);
        System.out.printf(
                "drain with a request in flight: container stopped %.2f s after the scale-in, %.2f s after the"
                        + " request ended (delay %d s)%n",
                Duration.between(decided, finished).toMillis() / 1e3,
                Duration.between(answered, finished).toMillis() / 1e3,
                delay);
        assertThat(finished).isAfter(answered.minusMillis(500)); // clock of the Docker daemon vs ours: same machine
        assertThat(Duration.between(answered, finished)).isLessThan(Duration.ofSeconds(10));
        assertThat(health(tg)).isEmpty();
        assertThat(events("drain"))
                .containsSubsequence(
                        "(service drain) has begun draining connections on 1 tasks.",
                        "(service drain) has stopped 1 running tasks: (task " + id(t) + ").");
        ecs.deleteService(r2 -> r2.cluster(CLUSTER).service("drain"));
    }

    @Test
    @Order(4)
    void anIdleTaskIsStoppedAtOnceDespiteALongDeregistrationDelay() throws Exception {
        String tg = targetGroup("idle-tg", LONG_DELAY);
        int p = drainingService("idle", tg, 2);
        for (int i = 0; i < 6; i++) {
            assertThat(LbBackends.get(alb.dnsName(), p, "/").status()).isEqualTo(200);
        }
        Set<String> before = new HashSet<>();
        tasks("idle", DesiredStatus.RUNNING).forEach(t -> before.add(t.taskArn()));
        Instant decided = Instant.now();
        ecs.updateService(r -> r.cluster(CLUSTER).service("idle").desiredCount(1));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> tasks("idle", DesiredStatus.STOPPED).size() == 1
                        && tasks("idle", DesiredStatus.STOPPED)
                                .getFirst()
                                .lastStatus()
                                .equals("STOPPED"));
        Task stopped = tasks("idle", DesiredStatus.STOPPED).getFirst();
        Duration held = Duration.between(decided, finishedAt(stopped));
        System.out.printf(
                "drain of an idle task: container stopped %.2f s after the scale-in (delay %d s)%n",
                held.toMillis() / 1e3, LONG_DELAY);
        assertThat(held).isLessThan(Duration.ofSeconds(15));
        assertThat(before).contains(stopped.taskArn());
        assertThat(stopped.stoppedReason()).startsWith("Scaling activity initiated by (deployment ecs-svc/");
        String gone = target(stopped);
        assertThat(health(tg)).singleElement().satisfies(d -> assertThat(target(d))
                .isNotEqualTo(gone));
        awaitStable("idle", 30);
        assertThat(events("idle"))
                .containsSubsequence(
                        "(service idle) has begun draining connections on 1 tasks.",
                        "(service idle) deregistered 1 targets in (target-group " + tg + ")",
                        "(service idle) has stopped 1 running tasks: (task " + id(stopped) + ").");
        ecs.deleteService(r -> r.cluster(CLUSTER).service("idle").force(true));
    }

    @Test
    @Order(5)
    void gracePeriodThenElbHealthReplacesTheTask() throws Exception {
        // the health file appears 12 s after start: unhealthy first, but within the grace period
        registerWeb("late", "late", " && rm /www/health && { (sleep 12; echo ok > /www/health) & }");
        String tg = targetGroup("late-tg", 2);
        listener(tg);
        createService("late", "late", 1, tg, 30);
        Set<String> seen = new HashSet<>();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    health(tg).forEach(d -> seen.add(d.targetHealth().stateAsString()));
                    return stable("late") && allHealthy(tg, 1);
                });
        assertThat(seen).as("target states seen").contains("unhealthy");
        assertThat(tasks("late", DesiredStatus.STOPPED))
                .as("no task replaced within the grace period")
                .isEmpty();
        Task first = tasks("late", DesiredStatus.RUNNING).getFirst();
        // grace over: a failing ELB health check makes the service replace the task
        await().atMost(Duration.ofSeconds(40))
                .until(() -> System.currentTimeMillis() > first.startedAt().toEpochMilli() + 30_000);
        assertThat(docker("exec", first.containers().getFirst().runtimeId(), "rm", "/www/health"))
                .isZero();
        String firstTarget = target(first);
        String why = unhealthyUntil(
                tg, firstTarget, () -> task(first.taskArn()).lastStatus().equals("STOPPED") && stable("late"));
        Task replaced = task(first.taskArn());
        assertThat(replaced.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(replaced.stoppedReason()).isEqualTo("Task failed ELB health checks in (target-group " + tg + ")");
        assertThat(tasks("late", DesiredStatus.RUNNING)).singleElement().satisfies(t -> assertThat(t.taskArn())
                .isNotEqualTo(first.taskArn()));
        // ECS's event, once, with the description DescribeTargetHealth gave while the target was unhealthy
        assertThat(why).as("description seen while unhealthy").isNotNull();
        String[] hostPort = firstTarget.split(":");
        assertThat(events("late"))
                .containsOnlyOnce("(service late) (task " + id(first) + ") (instance " + hostPort[0] + ") (port "
                        + hostPort[1] + ") is unhealthy in (target-group " + tg + ") due to (reason " + why + ").");
        ecs.deleteService(r -> r.cluster(CLUSTER).service("late").force(true));
    }

    @Test
    @Order(5)
    void aTaskUnhealthyInItsSecondTargetGroupIsReplacedNamingThatGroup() throws Exception {
        registerWeb("twohc", "two", " && echo ok > /www/health2");
        String a = targetGroup("two-a", 60);
        String b = targetGroup("two-b", 60, "/health2");
        listener(a);
        listener(b);
        ecs.createService(r -> r.cluster(CLUSTER)
                .serviceName("two")
                .taskDefinition("twohc")
                .desiredCount(1)
                .loadBalancers(
                        l -> l.targetGroupArn(a).containerName("web").containerPort(80),
                        l -> l.targetGroupArn(b).containerName("web").containerPort(80)));
        awaitStable("two", 90);
        await().atMost(Duration.ofSeconds(30)).until(() -> allHealthy(a, 1) && allHealthy(b, 1));
        Task first = tasks("two", DesiredStatus.RUNNING).getFirst();
        assertThat(docker("exec", first.containers().getFirst().runtimeId(), "rm", "/www/health2"))
                .isZero();
        String firstTarget = target(first);
        String why = unhealthyUntil(
                b,
                firstTarget,
                () -> task(first.taskArn()).lastStatus().equals("STOPPED") && stable("two") && allHealthy(b, 1));
        Task replaced = task(first.taskArn());
        assertThat(replaced.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(replaced.stoppedReason()).isEqualTo("Task failed ELB health checks in (target-group " + b + ")");
        assertThat(why).as("description seen while unhealthy").isNotNull();
        String[] hostPort = firstTarget.split(":");
        List<String> ev = events("two");
        assertThat(ev)
                .containsOnlyOnce("(service two) (task " + id(first) + ") (instance " + hostPort[0] + ") (port "
                        + hostPort[1] + ") is unhealthy in (target-group " + b + ") due to (reason " + why + ").");
        assertThat(ev).noneMatch(m -> m.contains("is unhealthy in (target-group " + a + ")"));
        ecs.deleteService(r -> r.cluster(CLUSTER).service("two").force(true));
    }

    @Test
    @Order(6)
    void aServiceTakesUpToFiveTargetGroups() throws Exception {
        List<String> tgs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            tgs.add(targetGroup("five-" + i, 2));
        }
        int p = nextPort++;
        elb.createListener(b -> b.loadBalancerArn(alb.loadBalancerArn())
                .protocol("HTTP")
                .port(p)
                .defaultActions(a -> a.type(ActionTypeEnum.FORWARD)
                        .forwardConfig(f -> f.targetGroups(tgs.stream()
                                .map(arn ->
                                        software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple
                                                .builder()
                                                .targetGroupArn(arn)
                                                .weight(1)
                                                .build())
                                .toList()))));
        List<software.amazon.awssdk.services.ecs.model.LoadBalancer> entries = new ArrayList<>(tgs.stream()
                .map(arn -> software.amazon.awssdk.services.ecs.model.LoadBalancer.builder()
                        .targetGroupArn(arn)
                        .containerName("web")
                        .containerPort(80)
                        .build())
                .toList());
        List<software.amazon.awssdk.services.ecs.model.LoadBalancer> six = new ArrayList<>(entries);
        six.add(entries.getFirst());
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster(CLUSTER)
                        .serviceName("six")
                        .taskDefinition("web")
                        .desiredCount(1)
                        .loadBalancers(six)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("load balancers can have at most 5 items.");
        ecs.createService(r -> r.cluster(CLUSTER)
                .serviceName("five")
                .taskDefinition("web")
                .desiredCount(1)
                .loadBalancers(entries));
        awaitStable("five", 90);
        Task t = tasks("five", DesiredStatus.RUNNING).getFirst();
        for (String tg : tgs) {
            assertThat(health(tg)).singleElement().satisfies(d -> {
                assertThat(target(d)).isEqualTo(target(t));
                assertThat(d.targetHealth().stateAsString()).isEqualTo("healthy");
            });
        }
        for (int i = 0; i < 5; i++) {
            assertThat(LbBackends.get(alb.dnsName(), p, "/").body().trim()).isEqualTo("v1");
        }
        ecs.deleteService(r -> r.cluster(CLUSTER).service("five").force(true));
    }

    @Test
    @Order(99)
    void aListenerServesAgainAfterAServerRestart() throws Exception {
        String tg = targetGroup("persist-tg", 2);
        int p = listener(tg);
        createService("persist", "web", 2, tg, null);
        awaitStable("persist", 90);
        await().atMost(Duration.ofSeconds(30)).until(() -> allHealthy(tg, 2));
        Set<String> before = new HashSet<>();
        tasks("persist", DesiredStatus.RUNNING).forEach(t -> before.add(t.taskArn()));
        assertThat(LbBackends.get(alb.dnsName(), p, "/").status()).isEqualTo(200);

        ecs.close();
        elb.close();
        server.close();
        server = BerthServer.start(config(port));
        clients();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> agents.stream().allMatch(a -> a.state() == Agent.State.CONNECTED));
        // the same load balancer, listener and targets come back from the store and serve
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> LbBackends.get(alb.dnsName(), p, "/").status() == 200);
        assertThat(elb.describeLoadBalancers(b -> b.names("traffic-alb"))
                        .loadBalancers()
                        .getFirst()
                        .dnsName())
                .isEqualTo(alb.dnsName());
        await().atMost(Duration.ofSeconds(30)).until(() -> allHealthy(tg, 2));
        Set<String> after = new HashSet<>();
        tasks("persist", DesiredStatus.RUNNING).forEach(t -> after.add(t.taskArn()));
        assertThat(after).isEqualTo(before);
        for (int i = 0; i < 10; i++) {
            assertThat(LbBackends.get(alb.dnsName(), p, "/").status()).isEqualTo(200);
        }
        assertThat(stable("persist")).isTrue();
    }
}
