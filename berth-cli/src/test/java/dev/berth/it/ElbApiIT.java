package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DuplicateListenerException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DuplicateLoadBalancerNameException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.OperationNotPermittedException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.PriorityInUseException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ResourceInUseException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * The ELBv2 API through the AWS SDK v2: resources, defaults, AWS's errors for bad input, tags,
 * pagination. Traffic is tested by {@code LoadBalancerTrafficIT}.
 */
class ElbApiIT extends WithServer {

    private static ElasticLoadBalancingV2Client elb() {
        return server.elbv2();
    }

    private static String code(Throwable t) {
        return ((AwsServiceException) t).awsErrorDetails().errorCode();
    }

    private static TargetGroup httpGroup(String name) {
        return elb().createTargetGroup(
                        b -> b.name(name).protocol("HTTP").port(80).targetType("ip"))
                .targetGroups()
                .getFirst();
    }

    private static Action forward(String tgArn) {
        return Action.builder()
                .type(ActionTypeEnum.FORWARD)
                .targetGroupArn(tgArn)
                .build();
    }

    @Test
    void loadBalancerLifecycleWithDefaultsAndIdempotentCreate() {
        LoadBalancer lb = elb().createLoadBalancer(b -> b.name("api-alb")
                        .tags(Tag.builder().key("team").value("web").build()))
                .loadBalancers()
                .getFirst();
        assertThat(lb.loadBalancerArn())
                .matches("arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/api-alb/[0-9a-f]{16}");
        assertThat(lb.typeAsString()).isEqualTo("application");
        assertThat(lb.schemeAsString()).isEqualTo("internet-facing");
        // an address of the configured pool (-Dberth.it.lb-addresses, TestAddresses.LB_POOL by default)
        String first = TestServer.LB_ADDRESSES.split("[-,]")[0].trim();
        assertThat(lb.dnsName()).startsWith(first.substring(0, first.lastIndexOf('.') + 1));
        assertThat(lb.ipAddressTypeAsString()).isEqualTo("ipv4");
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> elb().describeLoadBalancers(b -> b.loadBalancerArns(lb.loadBalancerArn()))
                        .loadBalancers()
                        .getFirst()
                        .state()
                        .codeAsString()
                        .equals("active"));
        // the same name and settings return the same load balancer; other settings are a duplicate
        assertThat(elb().createLoadBalancer(b -> b.name("api-alb"))
                        .loadBalancers()
                        .getFirst()
                        .loadBalancerArn())
                .isEqualTo(lb.loadBalancerArn());
        assertThatThrownBy(() -> elb().createLoadBalancer(b -> b.name("api-alb").type("network")))
                .isInstanceOf(DuplicateLoadBalancerNameException.class);
        assertThat(elb().describeLoadBalancers(b -> b.names("api-alb")).loadBalancers())
                .hasSize(1);
        assertThatThrownBy(() -> elb().describeLoadBalancers(b -> b.names("nope")))
                .isInstanceOf(LoadBalancerNotFoundException.class)
                .hasMessageContaining("nope");

        Map<String, String> attrs =
                elb().describeLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())).attributes().stream()
                        .collect(Collectors.toMap(a -> a.key(), a -> a.value()));
        assertThat(attrs)
                .containsEntry("idle_timeout.timeout_seconds", "60")
                .containsEntry("deletion_protection.enabled", "false");
        elb().modifyLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())
                .attributes(a -> a.key("deletion_protection.enabled").value("true")));
        assertThatThrownBy(() -> elb().deleteLoadBalancer(b -> b.loadBalancerArn(lb.loadBalancerArn())))
                .isInstanceOf(OperationNotPermittedException.class);
        assertThatThrownBy(() -> elb().modifyLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())
                        .attributes(a -> a.key("idle_timeout.timeout_seconds").value("0"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().modifyLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())
                        .attributes(a -> a.key("no.such.key").value("1"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        elb().modifyLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())
                .attributes(a -> a.key("deletion_protection.enabled").value("false")));
        assertThat(elb().describeTags(b -> b.resourceArns(lb.loadBalancerArn()))
                        .tagDescriptions()
                        .getFirst()
                        .tags())
                .extracting(Tag::key)
                .containsExactly("team");
        elb().deleteLoadBalancer(b -> b.loadBalancerArn(lb.loadBalancerArn()));
        elb().deleteLoadBalancer(b -> b.loadBalancerArn(lb.loadBalancerArn())); // AWS: deleting a deleted one succeeds
        assertThatThrownBy(() -> elb().describeLoadBalancers(b -> b.loadBalancerArns(lb.loadBalancerArn())))
                .isInstanceOf(LoadBalancerNotFoundException.class);
    }

    @Test
    void badLoadBalancerInput() {
        assertThatThrownBy(() -> elb().createLoadBalancer(b -> b.name("-bad")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createLoadBalancer(b -> b.name("a".repeat(33))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createLoadBalancer(b -> b.name("under_score")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createLoadBalancer(b -> b.name("internal-x")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createLoadBalancer(b -> b.name("gw").type("gateway")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createLoadBalancer(b -> b.name("dup-tags")
                        .tags(
                                Tag.builder().key("a").value("1").build(),
                                Tag.builder().key("a").value("2").build())))
                .satisfies(e -> assertThat(code(e)).isEqualTo("DuplicateTagKeys"));
        assertThatThrownBy(() -> elb().describeLoadBalancers(b -> b.names("dup-tags")))
                .isInstanceOf(LoadBalancerNotFoundException.class); // nothing was created by the failed calls
    }

    @Test
    void targetGroupDefaultsPerProtocolAndValidation() {
        TargetGroup http = elb().createTargetGroup(
                        b -> b.name("tg-http").protocol("HTTP").port(8080))
                .targetGroups()
                .getFirst();
        assertThat(http.healthCheckProtocolAsString()).isEqualTo("HTTP");
        assertThat(http.healthCheckPort()).isEqualTo("traffic-port");
        assertThat(http.healthCheckPath()).isEqualTo("/");
        assertThat(http.healthCheckIntervalSeconds()).isEqualTo(30);
        assertThat(http.healthCheckTimeoutSeconds()).isEqualTo(5);
        assertThat(http.healthyThresholdCount()).isEqualTo(5);
        assertThat(http.unhealthyThresholdCount()).isEqualTo(2);
        assertThat(http.matcher().httpCode()).isEqualTo("200");
        assertThat(http.targetTypeAsString()).isEqualTo("instance");
        TargetGroup tcp = elb().createTargetGroup(
                        b -> b.name("tg-tcp").protocol("TCP").port(9000).targetType("ip"))
                .targetGroups()
                .getFirst();
        assertThat(tcp.healthCheckProtocolAsString()).isEqualTo("TCP");
        assertThat(tcp.healthCheckTimeoutSeconds()).isEqualTo(10);
        assertThat(tcp.healthCheckPath()).isNull();
        assertThat(tcp.matcher()).isNull();

        Map<String, String> attrs =
                elb().describeTargetGroupAttributes(b -> b.targetGroupArn(http.targetGroupArn())).attributes().stream()
                        .collect(Collectors.toMap(a -> a.key(), a -> a.value()));
        assertThat(attrs)
                .containsEntry("deregistration_delay.timeout_seconds", "300")
                .containsEntry("stickiness.enabled", "false")
                .containsEntry("stickiness.type", "lb_cookie")
                .containsEntry("load_balancing.algorithm.type", "round_robin")
                .containsEntry("slow_start.duration_seconds", "0");
        elb().modifyTargetGroupAttributes(b -> b.targetGroupArn(http.targetGroupArn())
                .attributes(
                        a -> a.key("load_balancing.algorithm.type").value("least_outstanding_requests"),
                        a -> a.key("deregistration_delay.timeout_seconds").value("5")));
        assertThatThrownBy(() -> elb().modifyTargetGroupAttributes(b -> b.targetGroupArn(http.targetGroupArn())
                        .attributes(a -> a.key("slow_start.duration_seconds").value("10"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));

        TargetGroup modified = elb().modifyTargetGroup(b -> b.targetGroupArn(http.targetGroupArn())
                        .healthCheckPath("/health")
                        .healthCheckIntervalSeconds(10)
                        .matcher(m -> m.httpCode("200-299")))
                .targetGroups()
                .getFirst();
        assertThat(modified.healthCheckPath()).isEqualTo("/health");
        assertThat(modified.matcher().httpCode()).isEqualTo("200-299");
        assertThatThrownBy(() -> elb().modifyTargetGroup(
                                b -> b.targetGroupArn(http.targetGroupArn()).healthCheckTimeoutSeconds(10)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"))
                .hasMessageContaining("smaller than the interval");
        assertThatThrownBy(() -> elb().createTargetGroup(
                                b -> b.name("tg-bad").protocol("HTTP").port(80).healthyThresholdCount(11)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createTargetGroup(
                                b -> b.name("tg-bad").protocol("HTTP").port(80).healthCheckPath("health")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createTargetGroup(
                                b -> b.name("tg-bad").protocol("HTTP").port(80).matcher(m -> m.httpCode("600"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createTargetGroup(b -> b.name("tg-bad").port(80)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> elb().createTargetGroup(
                                b -> b.name("tg-http").protocol("TCP").port(80)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("DuplicateTargetGroupName"));
        assertThatThrownBy(() -> elb().describeTargetGroups(b -> b.targetGroupArns(http.targetGroupArn() + "0")))
                .isInstanceOf(TargetGroupNotFoundException.class);
        elb().deleteTargetGroup(b -> b.targetGroupArn(tcp.targetGroupArn()));
        assertThatThrownBy(() -> elb().deleteTargetGroup(b -> b.targetGroupArn(tcp.targetGroupArn())))
                .isInstanceOf(TargetGroupNotFoundException.class);
    }

    @Test
    void listenersRulesAndPriorities() {
        LoadBalancer lb = elb().createLoadBalancer(b -> b.name("rules-alb"))
                .loadBalancers()
                .getFirst();
        TargetGroup a = httpGroup("rules-a");
        TargetGroup b2 = httpGroup("rules-b");
        int port = 20000 + new java.util.Random().nextInt(20000);
        Listener l = elb().createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                        .protocol("HTTP")
                        .port(port)
                        .defaultActions(forward(a.targetGroupArn())))
                .listeners()
                .getFirst();
        assertThat(l.defaultActions()
                        .getFirst()
                        .forwardConfig()
                        .targetGroups()
                        .getFirst()
                        .weight())
                .isEqualTo(1);
        assertThatThrownBy(() -> elb().createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                        .protocol("HTTP")
                        .port(port)
                        .defaultActions(forward(b2.targetGroupArn()))))
                .isInstanceOf(DuplicateListenerException.class);
        assertThatThrownBy(() -> elb().createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                        .protocol("TCP")
                        .port(port + 1)
                        .defaultActions(forward(a.targetGroupArn()))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("UnsupportedProtocol"));
        if (System.getProperty("user.name").equals("root")) {
            // a process that may bind privileged ports gets them
            Listener l80 = elb().createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                            .protocol("HTTP")
                            .port(80)
                            .defaultActions(forward(a.targetGroupArn())))
                    .listeners()
                    .getFirst();
            elb().deleteListener(b -> b.listenerArn(l80.listenerArn()));
        } else {
            assertThatThrownBy(() -> elb().createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                            .protocol("HTTP")
                            .port(80)
                            .defaultActions(forward(a.targetGroupArn()))))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidConfigurationRequest"))
                    .hasMessageContaining("below 1024");
        }
        // a port another process holds is a clear error, not a listener that never serves
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress(lb.dnsName(), 0));
            assertThatThrownBy(() -> elb().createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                            .protocol("HTTP")
                            .port(taken.getLocalPort())
                            .defaultActions(forward(a.targetGroupArn()))))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidConfigurationRequest"))
                    .hasMessageContaining("another process");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(elb().describeTargetGroups(b -> b.targetGroupArns(a.targetGroupArn()))
                        .targetGroups()
                        .getFirst()
                        .loadBalancerArns())
                .containsExactly(lb.loadBalancerArn());
        assertThatThrownBy(() -> elb().deleteTargetGroup(b -> b.targetGroupArn(a.targetGroupArn())))
                .isInstanceOf(ResourceInUseException.class);

        Rule r1 = elb().createRule(b -> b.listenerArn(l.listenerArn())
                        .priority(10)
                        .conditions(RuleCondition.builder()
                                .field("path-pattern")
                                .values("/api/*")
                                .build())
                        .actions(forward(b2.targetGroupArn())))
                .rules()
                .getFirst();
        assertThat(r1.conditions().getFirst().pathPatternConfig().values()).containsExactly("/api/*");
        assertThatThrownBy(() -> elb().createRule(b -> b.listenerArn(l.listenerArn())
                        .priority(10)
                        .conditions(RuleCondition.builder()
                                .field("host-header")
                                .values("x.example")
                                .build())
                        .actions(forward(b2.targetGroupArn()))))
                .isInstanceOf(PriorityInUseException.class);
        assertThatThrownBy(() -> elb().createRule(b -> b.listenerArn(l.listenerArn())
                        .priority(11)
                        .conditions(RuleCondition.builder()
                                .field("path-pattern")
                                .values("/1", "/2", "/3", "/4", "/5", "/6")
                                .build())
                        .actions(forward(b2.targetGroupArn()))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));
        Rule r2 = elb().createRule(b -> b.listenerArn(l.listenerArn())
                        .priority(20)
                        .conditions(
                                c -> c.field("http-header").httpHeaderConfig(h -> h.httpHeaderName("X-Env")
                                        .values("canary")),
                                c -> c.field("http-request-method").httpRequestMethodConfig(m -> m.values("GET")))
                        .actions(x -> x.type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(f -> f.statusCode("418")
                                .contentType("text/plain")
                                .messageBody("teapot"))))
                .rules()
                .getFirst();
        List<Rule> rules =
                elb().describeRules(b -> b.listenerArn(l.listenerArn())).rules();
        assertThat(rules).extracting(Rule::priority).containsExactly("10", "20", "default");
        assertThat(rules.getLast().isDefault()).isTrue();
        assertThatThrownBy(() -> elb().deleteRule(b -> b.ruleArn(rules.getLast().ruleArn())))
                .isInstanceOf(OperationNotPermittedException.class);
        elb().setRulePriorities(
                        b -> b.rulePriorities(p -> p.ruleArn(r1.ruleArn()).priority(30), p -> p.ruleArn(r2.ruleArn())
                                .priority(5)));
        assertThat(elb().describeRules(b -> b.listenerArn(l.listenerArn())).rules())
                .extracting(Rule::ruleArn)
                .containsExactly(r2.ruleArn(), r1.ruleArn(), rules.getLast().ruleArn());
        assertThatThrownBy(() -> elb().setRulePriorities(b ->
                        b.rulePriorities(p -> p.ruleArn(r1.ruleArn()).priority(5))))
                .isInstanceOf(PriorityInUseException.class);
        elb().modifyRule(b -> b.ruleArn(r1.ruleArn())
                .conditions(c -> c.field("host-header").hostHeaderConfig(h -> h.values("*.example.com"))));
        assertThat(elb().describeRules(b -> b.ruleArns(r1.ruleArn()))
                        .rules()
                        .getFirst()
                        .conditions()
                        .getFirst()
                        .field())
                .isEqualTo("host-header");
        // weighted forward to two groups
        Listener modified = elb().modifyListener(
                        b -> b.listenerArn(l.listenerArn()).defaultActions(x -> x.type(ActionTypeEnum.FORWARD)
                                .forwardConfig(f -> f.targetGroups(
                                        t -> t.targetGroupArn(a.targetGroupArn())
                                                .weight(3),
                                        t -> t.targetGroupArn(b2.targetGroupArn())
                                                .weight(1)))))
                .listeners()
                .getFirst();
        assertThat(modified.defaultActions().getFirst().forwardConfig().targetGroups())
                .hasSize(2);
        elb().deleteRule(b -> b.ruleArn(r2.ruleArn()));
        elb().deleteListener(b -> b.listenerArn(l.listenerArn()));
        assertThatThrownBy(() -> elb().describeListeners(b -> b.listenerArns(l.listenerArn())))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ListenerNotFound"));
        elb().deleteTargetGroup(b -> b.targetGroupArn(a.targetGroupArn()));
        elb().deleteLoadBalancer(b -> b.loadBalancerArn(lb.loadBalancerArn()));
    }

    @Test
    void targetsRegisterDeregisterAndHealthStates() {
        TargetGroup tg = httpGroup("targets-tg");
        elb().registerTargets(b -> b.targetGroupArn(tg.targetGroupArn())
                .targets(t -> t.id(TestAddresses.ELB_API.ip(0)).port(8081), t -> t.id(TestAddresses.ELB_API.ip(1))));
        List<TargetHealthDescription> health = elb().describeTargetHealth(b -> b.targetGroupArn(tg.targetGroupArn()))
                .targetHealthDescriptions();
        assertThat(health)
                .extracting(h -> h.target().id() + ":" + h.target().port())
                .containsExactly(TestAddresses.ELB_API.ip(0) + ":8081", TestAddresses.ELB_API.ip(1) + ":80");
        // a group no listener uses: its targets are unused / Target.NotInUse
        assertThat(health.getFirst().targetHealth().stateAsString()).isEqualTo("unused");
        assertThat(health.getFirst().targetHealth().reasonAsString()).isEqualTo("Target.NotInUse");
        List<TargetHealthDescription> unknown = elb().describeTargetHealth(b -> b.targetGroupArn(tg.targetGroupArn())
                        .targets(TargetDescription.builder()
                                .id(TestAddresses.ELB_API.ip(2))
                                .port(80)
                                .build()))
                .targetHealthDescriptions();
        assertThat(unknown.getFirst().targetHealth().reasonAsString()).isEqualTo("Target.NotRegistered");
        assertThatThrownBy(() -> elb().registerTargets(
                                b -> b.targetGroupArn(tg.targetGroupArn()).targets(t -> t.id("not-an-ip"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidTarget"));
        assertThatThrownBy(() -> elb().deregisterTargets(b ->
                        b.targetGroupArn(tg.targetGroupArn()).targets(t -> t.id(TestAddresses.ELB_API.ip(3)))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidTarget"));
        elb().deregisterTargets(b -> b.targetGroupArn(tg.targetGroupArn())
                .targets(t -> t.id(TestAddresses.ELB_API.ip(0)).port(8081)));
        assertThat(elb().describeTargetHealth(b -> b.targetGroupArn(tg.targetGroupArn()))
                        .targetHealthDescriptions())
                .extracting(h -> h.target().id() + "=" + h.targetHealth().stateAsString())
                .containsExactly(TestAddresses.ELB_API.ip(1) + "=unused", TestAddresses.ELB_API.ip(0) + "=draining");
        TargetGroup inst = elb().createTargetGroup(
                        b -> b.name("inst-tg").protocol("HTTP").port(80))
                .targetGroups()
                .getFirst();
        assertThatThrownBy(() -> elb().registerTargets(
                                b -> b.targetGroupArn(inst.targetGroupArn()).targets(t -> t.id("i-0123456789abcdef0"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidTarget"));
    }

    @Test
    void tagsAndPagination() {
        for (int i = 0; i < 5; i++) {
            int n = i;
            elb().createTargetGroup(b ->
                    b.name("page-" + n).protocol("TCP").port(100 + n).targetType("ip"));
        }
        var first = elb().describeTargetGroups(b -> b.pageSize(2));
        assertThat(first.targetGroups()).hasSize(2);
        assertThat(first.nextMarker()).isNotNull();
        int total = 0;
        String marker = null;
        do {
            String m = marker;
            var page = elb().describeTargetGroups(b -> b.pageSize(2).marker(m));
            total += page.targetGroups().size();
            marker = page.nextMarker();
        } while (marker != null);
        assertThat(total)
                .isEqualTo(elb().describeTargetGroups(b -> {}).targetGroups().size());
        assertThatThrownBy(() -> elb().describeTargetGroups(b -> b.pageSize(401)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ValidationError"));

        String arn = elb().describeTargetGroups(b -> b.names("page-0"))
                .targetGroups()
                .getFirst()
                .targetGroupArn();
        elb().addTags(b -> b.resourceArns(arn)
                .tags(t -> t.key("k1").value("v1"), t -> t.key("k2").value("v2")));
        elb().removeTags(b -> b.resourceArns(arn).tagKeys("k1"));
        assertThat(elb().describeTags(b -> b.resourceArns(arn))
                        .tagDescriptions()
                        .getFirst()
                        .tags())
                .extracting(t -> t.key() + "=" + t.value())
                .containsExactly("k2=v2");
        assertThatThrownBy(() -> elb().addTags(b ->
                        b.resourceArns(arn + "ff").tags(t -> t.key("a").value("b"))))
                .isInstanceOf(TargetGroupNotFoundException.class);
    }
}
