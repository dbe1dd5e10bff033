package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * ECS services behind an application load balancer, both real: a Berth server whose load balancers
 * take addresses from {@link TestAddresses#SERVICE_LB_POOL}, two Docker agents at {@link TestAddresses#SERVICE_LB} running busybox httpd
 * with dynamic host ports, the AWS SDK as client. Proves that the service scheduler registers each
 * task's host port under its instance's EC2 id, that the data plane's health checks turn them
 * healthy (so the service becomes steady), that traffic reaches every task in turn, and that
 * scaling in deregisters (drains, then forgets) the removed tasks so traffic reaches only the rest.
 */
class ServiceLoadBalancerIT {

    static final String CLUSTER = "svc-lb";
    static DockerCluster docker;
    static TestServer server;
    static EcsClient ecs;
    static ElasticLoadBalancingV2Client elb;
    static List<String> instanceIds;
    /** EC2 instance id of each container instance ARN. */
    static final Map<String, String> ec2Of = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        docker = DockerCluster.on(
                TestServer.withLbAddresses(TestAddresses.SERVICE_LB_POOL.range()),
                CLUSTER,
                TestAddresses.SERVICE_LB.ips(2));
        String image = docker.image;
        server = docker.server;
        ecs = docker.ecs;
        elb = docker.client(server.elbv2());
        instanceIds = docker.instanceIds();
        ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(instanceIds))
                .containerInstances()
                .forEach(ci -> ec2Of.put(ci.containerInstanceArn(), ci.ec2InstanceId()));
        ecs.registerTaskDefinition(r -> r.family("lbweb").containerDefinitions(c -> c.name("web")
                .image(image)
                .memory(32)
                .essential(true)
                .stopTimeout(1)
                .command(
                        "sh",
                        "-c",
                        "mkdir -p /www && hostname > /www/index.html && echo ok > /www/health"
                                + " && exec httpd -f -p 80 -h /www")
                .portMappings(p -> p.containerPort(80).hostPort(0))));
    }

    @AfterAll
    static void stop() throws Exception {
        docker.close();
    }

    static Service describe(String name) {
        return ecs.describeServices(r -> r.cluster(CLUSTER).services(name))
                .services()
                .getFirst();
    }

    static boolean stable(Service s) {
        return s.deployments().size() == 1
                && s.runningCount().equals(s.desiredCount())
                && s.deployments().getFirst().rolloutStateAsString().equals("COMPLETED");
    }

    static List<Task> tasks(String service) {
        List<String> arns = ecs.listTasks(
                        r -> r.cluster(CLUSTER).serviceName(service).desiredStatus(DesiredStatus.RUNNING))
                .taskArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arns)).tasks();
    }

    /** "ec2-id:hostPort" of a task's container port 80, as the target group should know it. */
    static String target(Task t) {
        int port = t.containers().getFirst().networkBindings().stream()
                .filter(b -> b.containerPort() == 80)
                .findFirst()
                .orElseThrow()
                .hostPort();
        return ec2Of.get(t.containerInstanceArn()) + ":" + port;
    }

    static String target(TargetHealthDescription d) {
        return d.target().id() + ":" + d.target().port();
    }

    static List<TargetHealthDescription> health(String tg) {
        return elb.describeTargetHealth(b -> b.targetGroupArn(tg)).targetHealthDescriptions();
    }

    /** The hostname a task's container serves: Docker's default, the first 12 digits of the container id. */
    static String body(Task t) {
        return t.containers().getFirst().runtimeId().substring(0, 12);
    }

    @Test
    void tasksAreRegisteredBalancedAndDrainedOnScaleIn() {
        LoadBalancer lb =
                elb.createLoadBalancer(b -> b.name("svc-alb")).loadBalancers().getFirst();
        assertThat(TestAddresses.SERVICE_LB_POOL.contains(lb.dnsName()))
                .as(lb.dnsName())
                .isTrue();
        TargetGroup tg = elb.createTargetGroup(b -> b.name("svc-tg")
                        .protocol("HTTP")
                        .port(80)
                        .targetType("instance")
                        .healthCheckPath("/health")
                        .healthCheckIntervalSeconds(5)
                        .healthCheckTimeoutSeconds(2)
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(2))
                .targetGroups()
                .getFirst();
        String tgArn = tg.targetGroupArn();
        elb.modifyTargetGroupAttributes(b -> b.targetGroupArn(tgArn)
                .attributes(a -> a.key("deregistration_delay.timeout_seconds").value("5")));
        int port = 20000 + new java.util.Random().nextInt(20000);
        elb.createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                .protocol("HTTP")
                .port(port)
                .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(tgArn)));

        ecs.createService(r -> r.cluster(CLUSTER)
                .serviceName("web")
                .taskDefinition("lbweb")
                .desiredCount(3)
                .loadBalancers(l -> l.targetGroupArn(tgArn).containerName("web").containerPort(80)));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> stable(describe("web")));

        // (1) three healthy targets: the tasks' instances and host ports
        List<Task> running = tasks("web");
        assertThat(running).hasSize(3);
        Set<String> expected = new HashSet<>();
        running.forEach(t -> expected.add(target(t)));
        assertThat(expected).hasSize(3);
        assertThat(health(tgArn))
                .allSatisfy(d -> assertThat(d.targetHealth().stateAsString()).isEqualTo("healthy"))
                .extracting(ServiceLoadBalancerIT::target)
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ec2Of.values()).allSatisfy(id -> assertThat(id).matches("i-[0-9a-f]{17}"));

        // (2) every task answers, in turn
        Set<String> bodies = new HashSet<>();
        running.forEach(t -> bodies.add(body(t)));
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            LbBackends.Response r = LbBackends.get(lb.dnsName(), port, "/");
            assertThat(r.status()).isEqualTo(200);
            answers.add(r.body().trim());
        }
        for (int i = 0; i < 30; i += 3) {
            assertThat(Set.copyOf(answers.subList(i, i + 3)))
                    .as("requests %d-%d: %s", i, i + 2, answers)
                    .isEqualTo(bodies);
        }

        // (3) scale in: the two removed tasks drain, then leave the group; traffic reaches the survivor only
        ecs.updateService(r -> r.cluster(CLUSTER).service("web").desiredCount(1));
        Set<String> seenDraining = new HashSet<>();
        await().atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<TargetHealthDescription> now = health(tgArn);
                    now.stream()
                            .filter(d -> d.targetHealth().stateAsString().equals("draining"))
                            .forEach(d -> seenDraining.add(target(d)));
                    return now.size() == 1 && stable(describe("web"));
                });
        List<Task> left = tasks("web");
        assertThat(left).hasSize(1);
        Task survivor = left.getFirst();
        Set<String> removed = new HashSet<>(expected);
        removed.remove(target(survivor));
        assertThat(removed).hasSize(2);
        assertThat(seenDraining).as("targets seen draining").isEqualTo(removed);
        assertThat(health(tgArn)).singleElement().satisfies(d -> {
            assertThat(target(d)).isEqualTo(target(survivor));
            assertThat(d.targetHealth().stateAsString()).isEqualTo("healthy");
        });
        for (int i = 0; i < 10; i++) {
            LbBackends.Response r = LbBackends.get(lb.dnsName(), port, "/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().trim()).isEqualTo(body(survivor));
        }
        assertThat(describe("web").events()).anySatisfy(e -> assertThat(e.message())
                .isEqualTo("(service web) deregistered 2 targets in (target-group " + tgArn + ")"));
    }
}
