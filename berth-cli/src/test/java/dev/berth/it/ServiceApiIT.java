package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterContainsServicesException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.ListServicesResponse;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.SchedulingStrategy;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The ECS service API through the AWS SDK for Java v2 against a real server without container
 * instances: shapes and defaults, events, idempotency, pagination and filters, tags, the DeleteService
 * lifecycle (DRAINING then INACTIVE), and an AWS-style error for every kind of bad input.
 */
class ServiceApiIT extends WithServer {

    static EcsClient ecs;

    @BeforeAll
    static void clients() {
        ecs = server.ecs();
        ecs.createCluster(r -> r.clusterName("api"));
        ecs.registerTaskDefinition(r -> r.family("app")
                .containerDefinitions(
                        c -> c.name("web").image("busybox").memory(32).portMappings(p -> p.containerPort(80))));
    }

    @AfterAll
    static void closeClients() {
        ecs.close();
    }

    static Service describe(String name) {
        return ecs.describeServices(r -> r.cluster("api").services(name))
                .services()
                .getFirst();
    }

    @Test
    void createShowsEcsDefaultsAndExplainsWhyNothingCanBePlaced() {
        Service s = ecs.createService(r -> r.cluster("api")
                        .serviceName("web")
                        .taskDefinition("app")
                        .desiredCount(2)
                        .tags(Tag.builder().key("team").value("a").build())
                        .propagateTags(PropagateTags.SERVICE)
                        .enableECSManagedTags(true))
                .service();
        assertThat(s.serviceArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:service/api/web");
        assertThat(s.clusterArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/api");
        assertThat(s.status()).isEqualTo("ACTIVE");
        assertThat(s.launchTypeAsString()).isEqualTo("EC2");
        assertThat(s.schedulingStrategyAsString()).isEqualTo("REPLICA");
        assertThat(s.taskDefinition()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:task-definition/app:1");
        assertThat(s.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(100);
        assertThat(s.deploymentConfiguration().maximumPercent()).isEqualTo(200);
        assertThat(s.deploymentConfiguration().deploymentCircuitBreaker().enable())
                .isFalse();
        assertThat(s.deploymentController().typeAsString()).isEqualTo("ECS");
        assertThat(s.propagateTagsAsString()).isEqualTo("SERVICE");
        assertThat(s.enableECSManagedTags()).isTrue();
        assertThat(s.createdBy()).isEqualTo("arn:aws:iam::000000000000:root");
        assertThat(s.deployments()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo("PRIMARY");
            assertThat(d.desiredCount()).isEqualTo(2);
            assertThat(d.rolloutStateAsString()).isEqualTo("IN_PROGRESS");
        });
        await().atMost(Duration.ofSeconds(20))
                .until(() -> describe("web").events().stream().anyMatch(e -> e.message()
                        .equals("(service web) was unable to place a task because no container instance met all of its"
                                + " requirements. Reason: No Container Instances were found in your cluster. For more"
                                + " information, see the Troubleshooting section.")));
        assertThat(describe("web").tags()).isEmpty();
        Service tagged = ecs.describeServices(
                        r -> r.cluster("api").services(s.serviceArn()).include(ServiceField.TAGS))
                .services()
                .getFirst();
        assertThat(tagged.tags()).extracting(Tag::key).containsExactly("team");
        ecs.tagResource(r -> r.resourceArn(s.serviceArn())
                .tags(Tag.builder().key("env").value("dev").build()));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(s.serviceArn())).tags())
                .extracting(Tag::key)
                .containsExactly("team", "env");
        assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster("api")))
                .isInstanceOf(ClusterContainsServicesException.class);
    }

    @Test
    void clientTokenMakesCreateIdempotent() {
        Consumer<CreateServiceRequest.Builder> req = r -> r.cluster("api")
                .serviceName("idem")
                .taskDefinition("app")
                .desiredCount(0)
                .clientToken("token-1");
        Service first = ecs.createService(req).service();
        Service again = ecs.createService(req).service();
        assertThat(again.createdAt()).isEqualTo(first.createdAt());
        assertThat(again.deployments().getFirst().id())
                .isEqualTo(first.deployments().getFirst().id());
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("api")
                        .serviceName("idem")
                        .taskDefinition("app")
                        .desiredCount(1)
                        .clientToken("token-1")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Creation of service was not idempotent.");
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("api")
                        .serviceName("idem")
                        .taskDefinition("app")
                        .desiredCount(0)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Creation of service was not idempotent.");
    }

    @Test
    void listServicesPaginatesAndFilters() {
        for (String n : List.of("list-a", "list-b", "list-c")) {
            ecs.createService(
                    r -> r.cluster("api").serviceName(n).taskDefinition("app").desiredCount(0));
        }
        ecs.createService(r -> r.cluster("api")
                .serviceName("list-d")
                .taskDefinition("app")
                .schedulingStrategy(SchedulingStrategy.DAEMON));
        List<String> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            ListServicesResponse page =
                    ecs.listServices(r -> r.cluster("api").maxResults(2).nextToken(t));
            assertThat(page.serviceArns().size()).isLessThanOrEqualTo(2);
            all.addAll(page.serviceArns());
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertThat(pages).isGreaterThan(1);
        assertThat(all)
                .contains(
                        "arn:aws:ecs:us-east-1:000000000000:service/api/list-a",
                        "arn:aws:ecs:us-east-1:000000000000:service/api/list-d")
                .doesNotHaveDuplicates();
        assertThat(ecs.listServices(r -> r.cluster("api").schedulingStrategy(SchedulingStrategy.DAEMON))
                        .serviceArns())
                .containsExactly("arn:aws:ecs:us-east-1:000000000000:service/api/list-d");
        assertThat(ecs.listServices(r -> r.cluster("api").launchType(LaunchType.FARGATE))
                        .serviceArns())
                .isEmpty();
        assertThat(ecs.listServices(r -> r.cluster("api").launchType(LaunchType.EC2))
                        .serviceArns())
                .hasSizeGreaterThan(3);
        assertThatThrownBy(() -> ecs.listServices(r -> r.cluster("api").nextToken("bogus")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.listServices(r -> r.cluster("api").maxResults(101)))
                .isInstanceOf(InvalidParameterException.class);
        Service daemon = describe("list-d");
        assertThat(daemon.deploymentConfiguration().minimumHealthyPercent()).isZero();
        assertThat(daemon.deploymentConfiguration().maximumPercent()).isEqualTo(100);
    }

    @Test
    void updateOpensADeploymentOnlyWhenTheTasksChange() {
        ecs.createService(
                r -> r.cluster("api").serviceName("upd").taskDefinition("app").desiredCount(0));
        Service scaled = ecs.updateService(r -> r.cluster("api")
                        .service("upd")
                        .desiredCount(0)
                        .deploymentConfiguration(
                                c -> c.minimumHealthyPercent(50).maximumPercent(150)))
                .service();
        assertThat(scaled.deployments()).hasSize(1);
        assertThat(scaled.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(50);
        assertThat(scaled.deploymentConfiguration().maximumPercent()).isEqualTo(150);
        Service forced = ecs.updateService(r -> r.cluster("api")
                        .service("arn:aws:ecs:us-east-1:000000000000:service/api/upd")
                        .forceNewDeployment(true))
                .service();
        assertThat(forced.deployments()).extracting(d -> d.status()).startsWith("PRIMARY");
        assertThat(forced.deployments().getFirst().id())
                .isNotEqualTo(scaled.deployments().getFirst().id());
    }

    @Test
    void deleteRequiresZeroOrForceThenDrainsToInactive() {
        ecs.createService(
                r -> r.cluster("api").serviceName("gone").taskDefinition("app").desiredCount(1));
        assertThatThrownBy(() -> ecs.deleteService(r -> r.cluster("api").service("gone")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("The service cannot be stopped while it is scaled above 0.");
        Service draining = ecs.deleteService(
                        r -> r.cluster("api").service("gone").force(true))
                .service();
        assertThat(draining.status()).isEqualTo("DRAINING");
        assertThat(draining.desiredCount()).isZero();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> describe("gone").status().equals("INACTIVE"));
        assertThat(ecs.listServices(r -> r.cluster("api")).serviceArns())
                .doesNotContain("arn:aws:ecs:us-east-1:000000000000:service/api/gone");
        assertThatThrownBy(() ->
                        ecs.updateService(r -> r.cluster("api").service("gone").desiredCount(1)))
                .isInstanceOf(ServiceNotActiveException.class)
                .hasMessageContaining("Service was not ACTIVE.");
        assertThatThrownBy(() -> ecs.deleteService(r -> r.cluster("api").service("gone")))
                .isInstanceOf(ServiceNotActiveException.class);
        // the name can be used again
        assertThat(ecs.createService(r -> r.cluster("api")
                                .serviceName("gone")
                                .taskDefinition("app")
                                .desiredCount(0))
                        .service()
                        .status())
                .isEqualTo("ACTIVE");
    }

    @Test
    void describeReportsMissingServices() {
        DescribeServicesResponse r = ecs.describeServices(
                b -> b.cluster("api").services("nope", "arn:aws:ecs:us-east-1:000000000000:service/api/nope2"));
        assertThat(r.services()).isEmpty();
        assertThat(r.failures())
                .extracting(f -> f.arn())
                .containsExactly(
                        "arn:aws:ecs:us-east-1:000000000000:service/api/nope",
                        "arn:aws:ecs:us-east-1:000000000000:service/api/nope2");
        assertThat(r.failures()).allSatisfy(f -> assertThat(f.reason()).isEqualTo("MISSING"));
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add("s" + i);
        }
        assertThatThrownBy(() -> ecs.describeServices(b -> b.cluster("api").services(eleven)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(
                        () -> ecs.describeServices(b -> b.cluster("nocluster").services("x")))
                .isInstanceOf(ClusterNotFoundException.class);
        // DescribeTasks and DescribeClusters read their lists the same way (one DescribeCall)
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add("t" + i);
        }
        assertThatThrownBy(() -> ecs.describeTasks(b -> b.cluster("api").tasks(many)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("tasks must list 1 to 100");
        assertThatThrownBy(() -> ecs.describeClusters(b -> b.clusters(many)))
                .isInstanceOf(InvalidParameterException.class);
        var tasks = ecs.describeTasks(b -> b.cluster("api").tasks("0123456789abcdef0123456789abcdef"));
        assertThat(tasks.failures())
                .extracting(f -> f.arn() + " " + f.reason())
                .containsExactly(
                        "arn:aws:ecs:us-east-1:000000000000:task/api/0123456789abcdef0123456789abcdef MISSING");
    }

    static void invalid(Consumer<CreateServiceRequest.Builder> change, String message) {
        assertThatThrownBy(() -> ecs.createService(r -> {
                    r.cluster("api").serviceName("bad").taskDefinition("app").desiredCount(1);
                    change.accept(r);
                }))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining(message);
    }

    @Test
    void badCreateInputGetsEcsErrors() {
        invalid(r -> r.serviceName("no spaces"), "Service names can have up to 255 characters");
        invalid(r -> r.desiredCount((Integer) null), "The desiredCount parameter is required");
        invalid(r -> r.desiredCount(-1), "Desired count cannot be negative.");
        invalid(r -> r.schedulingStrategy(SchedulingStrategy.DAEMON), "does not support a desired count");
        invalid(r -> r.launchType(LaunchType.FARGATE), "launch type EC2 only");
        invalid(
                r -> r.launchType(LaunchType.EC2).capacityProviderStrategy(c -> c.capacityProvider("cp")),
                "Specifying both a launch type and capacity provider strategy is not supported.");
        invalid(
                r -> r.platformVersion("LATEST"),
                "The platform version must be null when specifying an EC2 launch type.");
        invalid(
                r -> r.deploymentConfiguration(c -> c.minimumHealthyPercent(101)),
                "minimumHealthyPercent must be between 0 and 100.");
        invalid(r -> r.deploymentConfiguration(c -> c.maximumPercent(99)), "maximumPercent must be at least 100.");
        invalid(
                r -> r.desiredCount((Integer) null)
                        .schedulingStrategy(SchedulingStrategy.DAEMON)
                        .deploymentConfiguration(c -> c.maximumPercent(150)),
                "must be 100");
        invalid(
                r -> r.desiredCount((Integer) null)
                        .schedulingStrategy(SchedulingStrategy.DAEMON)
                        .placementStrategy(
                                p -> p.type(PlacementStrategyType.SPREAD).field("instanceId")),
                "Placement strategies are not supported with the DAEMON scheduling strategy.");
        invalid(
                r -> r.loadBalancers(
                        l -> l.targetGroupArn("arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tg/1")
                                .containerName("web")
                                .containerPort(80)),
                "The target group with targetGroupArn"
                        + " arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tg/1 does not exist.");
        invalid(
                r -> r.loadBalancers(
                        l -> l.targetGroupArn("arn:tg").containerName("nope").containerPort(80)),
                "The container nope does not exist in the task definition.");
        invalid(
                r -> r.loadBalancers(
                        l -> l.targetGroupArn("arn:tg").containerName("web").containerPort(81)),
                "did not have a container port 81 defined.");
        invalid(
                r -> r.loadBalancers(
                        l -> l.loadBalancerName("classic").containerName("web").containerPort(80)),
                "Classic Load Balancers");
        invalid(r -> r.deploymentController(c -> c.type("CODE_DEPLOY")), "deployment controller");
        invalid(
                r -> r.networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1"))),
                "Network Configuration is not valid for the given networkMode of this task definition.");
        invalid(r -> r.serviceRegistries(s -> s.registryArn("arn:reg")), "serviceRegistries");
        invalid(r -> r.placementConstraints(c -> c.type("memberOf").expression("attribute:ecs.os-type ==")), "");
        invalid(
                r -> r.placementStrategy(
                        p -> p.type(PlacementStrategyType.BINPACK).field("disk")),
                "");
        invalid(r -> r.clientToken("x".repeat(37)), "clientToken must be 1 to 36 characters.");
        invalid(r -> r.taskDefinition(""), "");
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("api")
                        .serviceName("bad")
                        .taskDefinition("nope:9")
                        .desiredCount(1)))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("TaskDefinition not found.");
        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("nocluster")
                        .serviceName("bad")
                        .taskDefinition("app")
                        .desiredCount(1)))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThat(ecs.describeServices(r -> r.cluster("api").services("bad")).failures())
                .hasSize(1);
    }

    @Test
    void badUpdateAndDeleteInputGetsEcsErrors() {
        assertThatThrownBy(() ->
                        ecs.updateService(r -> r.cluster("api").service("nope").desiredCount(1)))
                .isInstanceOf(ServiceNotFoundException.class)
                .hasMessageContaining("Service not found.");
        assertThatThrownBy(() -> ecs.deleteService(r -> r.cluster("api").service("nope")))
                .isInstanceOf(ServiceNotFoundException.class);
        assertThatThrownBy(() -> ecs.updateService(r -> r.cluster("api")
                        .service("arn:aws:ecs:us-east-1:000000000000:service/other/nope")
                        .desiredCount(1)))
                .isInstanceOf(ServiceNotFoundException.class);
        ecs.createService(r ->
                r.cluster("api").serviceName("d").taskDefinition("app").schedulingStrategy(SchedulingStrategy.DAEMON));
        assertThatThrownBy(() ->
                        ecs.updateService(r -> r.cluster("api").service("d").desiredCount(2)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("does not support a desired count");
        ecs.createService(
                r -> r.cluster("api").serviceName("u").taskDefinition("app").desiredCount(0));
        assertThatThrownBy(() ->
                        ecs.updateService(r -> r.cluster("api").service("u").desiredCount(-2)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() ->
                        ecs.updateService(r -> r.cluster("api").service("u").taskDefinition("nope:3")))
                .isInstanceOf(ClientException.class);
        assertThatThrownBy(() -> ecs.updateService(
                        r -> r.cluster("api").service("u").deploymentConfiguration(c -> c.minimumHealthyPercent(-1))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.updateService(r ->
                        r.cluster("api").service("u").capacityProviderStrategy(c -> c.capacityProvider("FARGATE"))))
                .isInstanceOf(InvalidParameterException.class);
        assertThat(describe("u").desiredCount()).isZero();
        // the DAEMON service can be deleted without scaling to 0
        assertThat(ecs.deleteService(r -> r.cluster("api").service("d"))
                        .service()
                        .status())
                .isEqualTo("DRAINING");
    }
}
