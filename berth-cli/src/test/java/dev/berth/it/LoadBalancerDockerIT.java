package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/**
 * An application load balancer in front of real containers: three busybox httpd containers
 * (Docker Engine, the test image {@code berth-it/busybox:1}, each publishing port 80 on its own
 * address of the test loopback block) answer in turn; killing one turns its target unhealthy and
 * the load balancer stops sending it requests. Containers carry the label {@code dev.berth.lb-it}
 * and are removed afterwards.
 */
class LoadBalancerDockerIT extends WithServer {

    private static final String LABEL =
            "dev.berth.lb-it=" + ProcessHandle.current().pid();
    private static final List<String> containers = new ArrayList<>();

    @AfterAll
    static void removeContainers() throws Exception {
        for (String c : containers) {
            docker("rm", "-f", c);
        }
    }

    private static String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("docker %s: %s", String.join(" ", args), out)
                .isZero();
        return out;
    }

    /** Starts busybox httpd answering {@code name} on / and ok on /health; returns its published port. */
    private static int httpd(String name, String address) throws Exception {
        String id = docker(
                "run",
                "-d",
                "--label",
                LABEL,
                "-p",
                address + "::80",
                TestImages.busybox(),
                "sh",
                "-c",
                "mkdir -p /www && echo " + name
                        + " > /www/index.html && echo ok > /www/health && exec httpd -f -p 80 -h /www");
        containers.add(id);
        String mapping = docker("port", id, "80/tcp");
        return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1).trim());
    }

    @Test
    void threeContainersAnswerInTurnAndAKilledOneIsAvoided() throws Exception {
        ElasticLoadBalancingV2Client elb = server.elbv2();
        LoadBalancer lb = elb.createLoadBalancer(b -> b.name("docker-alb"))
                .loadBalancers()
                .getFirst();
        TargetGroup tg = elb.createTargetGroup(b -> b.name("docker-tg")
                        .protocol("HTTP")
                        .port(80)
                        .targetType("ip")
                        .healthCheckPath("/health")
                        .healthCheckIntervalSeconds(5)
                        .healthCheckTimeoutSeconds(2)
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(2))
                .targetGroups()
                .getFirst();
        Map<String, String> addressOf = new HashMap<>();
        Map<String, Integer> portOf = new HashMap<>();
        String[] names = {"c1", "c2", "c3"};
        for (int i = 0; i < names.length; i++) {
            String address = TestAddresses.LB_DOCKER.ip(i);
            int port = httpd(names[i], address);
            addressOf.put(names[i], address);
            portOf.put(names[i], port);
            elb.registerTargets(b -> b.targetGroupArn(tg.targetGroupArn())
                    .targets(t -> t.id(address).port(port)));
        }
        int port = 20000 + new java.util.Random().nextInt(20000);
        elb.createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                .protocol("HTTP")
                .port(port)
                .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(tg.targetGroupArn())));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(elb.describeTargetHealth(b -> b.targetGroupArn(tg.targetGroupArn()))
                                .targetHealthDescriptions())
                        .extracting(h -> h.targetHealth().stateAsString())
                        .containsExactly("healthy", "healthy", "healthy"));
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            LbBackends.Response r = LbBackends.get(lb.dnsName(), port, "/");
            assertThat(r.status()).isEqualTo(200);
            seen.merge(r.body().trim(), 1, Integer::sum);
        }
        assertThat(seen).isEqualTo(Map.of("c1", 10, "c2", 10, "c3", 10));

        docker("kill", containers.get(1));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(elb.describeTargetHealth(b -> b.targetGroupArn(tg.targetGroupArn()))
                                .targetHealthDescriptions())
                        .filteredOn(h -> h.target().id().equals(addressOf.get("c2")))
                        .extracting(h -> h.targetHealth().stateAsString())
                        .containsExactly("unhealthy"));
        for (int i = 0; i < 20; i++) {
            LbBackends.Response r = LbBackends.get(lb.dnsName(), port, "/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().trim()).isIn("c1", "c3");
        }
        assertThat(portOf).hasSize(3);
    }
}
