package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * Traffic through Berth's load balancers to real backends (Vert.x servers on the test loopback
 * block): round robin, health checks steering around a dead target, rules by path and host,
 * fixed responses and redirects, ALB's 502/503/504, stickiness, draining (ended early once idle),
 * WebSocket passthrough, and the NLB forwarding raw TCP.
 */
class LoadBalancerTrafficIT extends WithServer {

    private static LbBackends backends;
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(21000 + new java.util.Random().nextInt(20000));

    @BeforeAll
    static void startBackends() {
        backends = new LbBackends();
    }

    @AfterAll
    static void stopBackends() throws Exception {
        backends.close();
    }

    private static ElasticLoadBalancingV2Client elb() {
        return server.elbv2();
    }

    private static String nextAddress() {
        return TestAddresses.LB_TRAFFIC.ip(NEXT_ADDRESS.getAndIncrement());
    }

    private static LoadBalancer lb(String name, String type) {
        return elb().createLoadBalancer(b -> b.name(name).type(type))
                .loadBalancers()
                .getFirst();
    }

    private static TargetGroup group(String name, String protocol) {
        TargetGroup tg = elb().createTargetGroup(b -> {
                    b.name(name)
                            .protocol(protocol)
                            .port(80)
                            .targetType("ip")
                            .healthCheckIntervalSeconds(5)
                            .healthCheckTimeoutSeconds(2)
                            .healthyThresholdCount(2)
                            .unhealthyThresholdCount(2);
                    if (protocol.equals("HTTP")) {
                        b.healthCheckPath("/health");
                    }
                })
                .targetGroups()
                .getFirst();
        elb().modifyTargetGroupAttributes(b -> b.targetGroupArn(tg.targetGroupArn())
                .attributes(a -> a.key("deregistration_delay.timeout_seconds").value("3")));
        return tg;
    }

    /** A group as {@link #group} with a longer deregistration delay, so that only an idle target can leave early. */
    private static TargetGroup group(String name, String protocol, int delaySeconds) {
        TargetGroup tg = group(name, protocol);
        elb().modifyTargetGroupAttributes(b -> b.targetGroupArn(tg.targetGroupArn())
                .attributes(a -> a.key("deregistration_delay.timeout_seconds").value(String.valueOf(delaySeconds))));
        return tg;
    }

    private static void register(TargetGroup tg, String address, int port) {
        elb().registerTargets(b ->
                b.targetGroupArn(tg.targetGroupArn()).targets(t -> t.id(address).port(port)));
    }

    private static Action forward(TargetGroup tg) {
        return Action.builder()
                .type(ActionTypeEnum.FORWARD)
                .targetGroupArn(tg.targetGroupArn())
                .build();
    }

    private static int listener(LoadBalancer lb, String protocol, Action action) {
        int port = NEXT_PORT.getAndIncrement();
        elb().createListener(b -> b.loadBalancerArn(lb.loadBalancerArn())
                .protocol(protocol)
                .port(port)
                .defaultActions(action));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket(lb.dnsName(), port)) {
                return true;
            }
        });
        return port;
    }

    private static List<TargetHealthDescription> health(TargetGroup tg) {
        return elb().describeTargetHealth(b -> b.targetGroupArn(tg.targetGroupArn()))
                .targetHealthDescriptions();
    }

    private static void awaitStates(TargetGroup tg, String... states) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(health(tg))
                        .extracting(h -> h.targetHealth().stateAsString())
                        .containsExactlyInAnyOrder(states));
    }

    @Test
    void roundRobinAcrossThreeHealthyTargetsWithForwardingHeaders() {
        LoadBalancer lb = lb("rr-alb", "application");
        TargetGroup tg = group("rr-tg", "HTTP");
        List<LbBackends.Http> three = new ArrayList<>();
        for (String n : new String[] {"one", "two", "three"}) {
            LbBackends.Http b = backends.http(n, nextAddress());
            three.add(b);
            register(tg, b.address, b.port);
        }
        int port = listener(lb, "HTTP", forward(tg));
        awaitStates(tg, "healthy", "healthy", "healthy");
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            LbBackends.Response r = LbBackends.get(lb.dnsName(), port, "/");
            assertThat(r.status()).isEqualTo(200);
            seen.merge(r.body(), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys("one", "two", "three").allSatisfy((k, v) -> assertThat(v)
                .isEqualTo(10));

        LbBackends.Response h =
                LbBackends.request(lb.dnsName(), port, "GET", "/headers", Map.of("X-Forwarded-For", "10.1.2.3"));
        assertThat(h.body())
                .contains("Host=" + lb.dnsName() + ":" + port)
                .contains("X-Forwarded-For=10.1.2.3, 127.0.0.1")
                .contains("X-Forwarded-Proto=http")
                .contains("X-Forwarded-Port=" + port)
                .containsPattern("X-Amzn-Trace-Id=Root=1-[0-9a-f]{8}-[0-9a-f]{24}");

        // a request body streams through (1 MiB upload) to the target that is next in turn
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        try {
            var up = client.send(
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://" + lb.dnsName() + ":" + port + "/upload"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x".repeat(1 << 20)))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).endsWith(":" + (1 << 20));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aKilledTargetTurnsUnhealthyAndTrafficAvoidsIt() throws Exception {
        LoadBalancer lb = lb("kill-alb", "application");
        TargetGroup tg = group("kill-tg", "HTTP");
        LbBackends.Http a = backends.http("alive", nextAddress());
        LbBackends.Http d = backends.http("doomed", nextAddress());
        register(tg, a.address, a.port);
        register(tg, d.address, d.port);
        int port = listener(lb, "HTTP", forward(tg));
        awaitStates(tg, "healthy", "healthy");
        d.stop();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    TargetHealthDescription dead = health(tg).stream()
                            .filter(x -> x.target().port() == d.port)
                            .findFirst()
                            .orElseThrow();
                    assertThat(dead.targetHealth().stateAsString()).isEqualTo("unhealthy");
                    assertThat(dead.targetHealth().reasonAsString()).isEqualTo("Target.FailedHealthChecks");
                });
        for (int i = 0; i < 20; i++) {
            LbBackends.Response r = LbBackends.get(lb.dnsName(), port, "/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("alive");
        }
        // a target that answers its health check with the wrong code: ResponseCodeMismatch
        a.healthy.set(false);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    TargetHealthDescription sick = health(tg).stream()
                            .filter(x -> x.target().port() == a.port)
                            .findFirst()
                            .orElseThrow();
                    assertThat(sick.targetHealth().reasonAsString()).isEqualTo("Target.ResponseCodeMismatch");
                    assertThat(sick.targetHealth().description())
                            .isEqualTo("Health checks failed with these codes: [503]");
                });
        // every target unhealthy: ALB fails open; the live one answers, the dead one is a 502
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            statuses.merge(LbBackends.get(lb.dnsName(), port, "/").status(), 1, Integer::sum);
        }
        assertThat(statuses).containsOnlyKeys(200, 502);
        assertThat(statuses.get(200)).isEqualTo(5);
    }

    @Test
    void rulesRouteByPathAndHostAndAnswerFixedResponsesAndRedirects() {
        LoadBalancer lb = lb("rules-traffic", "application");
        TargetGroup web = group("web-tg", "HTTP");
        TargetGroup api = group("api-tg", "HTTP");
        TargetGroup admin = group("admin-tg", "HTTP");
        LbBackends.Http w = backends.http("web", nextAddress());
        LbBackends.Http p = backends.http("api", nextAddress());
        LbBackends.Http m = backends.http("admin", nextAddress());
        register(web, w.address, w.port);
        register(api, p.address, p.port);
        register(admin, m.address, m.port);
        int port = listener(lb, "HTTP", forward(web));
        String listenerArn = elb().describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn()))
                .listeners()
                .getFirst()
                .listenerArn();
        elb().createRule(b -> b.listenerArn(listenerArn)
                .priority(10)
                .conditions(c -> c.field("path-pattern").values("/api/*"))
                .actions(forward(api)));
        elb().createRule(b -> b.listenerArn(listenerArn)
                .priority(20)
                .conditions(c -> c.field("host-header").values("admin.*.example"))
                .actions(forward(admin)));
        elb().createRule(b -> b.listenerArn(listenerArn)
                .priority(30)
                .conditions(c -> c.field("path-pattern").values("/teapot"))
                .actions(x -> x.type(ActionTypeEnum.FIXED_RESPONSE)
                        .fixedResponseConfig(f ->
                                f.statusCode("418").contentType("text/plain").messageBody("short and stout"))));
        elb().createRule(b -> b.listenerArn(listenerArn)
                .priority(40)
                .conditions(c -> c.field("path-pattern").values("/old/*"))
                .actions(x -> x.type(ActionTypeEnum.REDIRECT)
                        .redirectConfig(r -> r.path("/new/#{path}").statusCode("HTTP_301"))));
        elb().createRule(b -> b.listenerArn(listenerArn)
                .priority(50)
                .conditions(c -> c.field("query-string")
                        .queryStringConfig(q -> q.values(v -> v.key("v").value("2"))))
                .actions(forward(api)));
        awaitStates(web, "healthy");
        awaitStates(api, "healthy");
        awaitStates(admin, "healthy");
        assertThat(LbBackends.get(lb.dnsName(), port, "/").body()).isEqualTo("web");
        assertThat(LbBackends.get(lb.dnsName(), port, "/api/users").body()).isEqualTo("api");
        assertThat(LbBackends.get(lb.dnsName(), port, "/API/users").body())
                .isEqualTo("web"); // paths are case-sensitive
        assertThat(LbBackends.get(lb.dnsName(), port, "/x?v=2").body()).isEqualTo("api");
        assertThat(LbBackends.request(lb.dnsName(), port, "GET", "/", Map.of("Host", "ADMIN.eu.example"))
                        .body())
                .isEqualTo("admin");
        LbBackends.Response tea = LbBackends.get(lb.dnsName(), port, "/teapot");
        assertThat(tea.status()).isEqualTo(418);
        assertThat(tea.body()).isEqualTo("short and stout");
        LbBackends.Response moved = LbBackends.get(lb.dnsName(), port, "/old/page?a=1");
        assertThat(moved.status()).isEqualTo(301);
        assertThat(moved.header("Location")).isEqualTo("http://" + lb.dnsName() + ":" + port + "/new/old/page?a=1");
    }

    @Test
    void albErrors503502And504() throws Exception {
        LoadBalancer lb = lb("errors-alb", "application");
        TargetGroup empty = group("empty-tg", "HTTP");
        int port = listener(lb, "HTTP", forward(empty));
        LbBackends.Response none = LbBackends.get(lb.dnsName(), port, "/");
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.header("Server")).isEqualTo("awselb/2.0");

        // a target that refuses connections (nothing listens there): 502
        String refusing = nextAddress();
        register(empty, refusing, 9);
        assertThat(LbBackends.get(lb.dnsName(), port, "/").status()).isEqualTo(502);
        elb().deregisterTargets(b -> b.targetGroupArn(empty.targetGroupArn())
                .targets(t -> t.id(refusing).port(9)));

        // a target slower than the idle timeout: 504
        LbBackends.Http slow = backends.http("slow", nextAddress());
        register(empty, slow.address, slow.port);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> health(empty).stream()
                        .anyMatch(h -> h.target().id().equals(slow.address)
                                && h.targetHealth().stateAsString().equals("healthy")));
        elb().modifyLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())
                .attributes(a -> a.key("idle_timeout.timeout_seconds").value("1")));
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> LbBackends.get(lb.dnsName(), port, "/").status() == 200);
        LbBackends.Response timeout = LbBackends.get(lb.dnsName(), port, "/slow?ms=3000");
        assertThat(timeout.status()).isEqualTo(504);
        assertThat(LbBackends.get(lb.dnsName(), port, "/slow?ms=200").status()).isEqualTo(200);
        String lbDim = lb.loadBalancerArn().substring(lb.loadBalancerArn().indexOf(":loadbalancer/") + 14);
        long now = System.currentTimeMillis();
        double elb5xx = server
                .server()
                .loadBalancerMetrics()
                .query(
                        dev.berth.lb.plane.Metrics.key("HTTPCode_ELB_5XX_Count", "LoadBalancer", lbDim),
                        now - 600_000,
                        now + 60_000)
                .stream()
                .mapToDouble(x -> x.sum())
                .sum();
        assertThat(elb5xx).isGreaterThanOrEqualTo(3);
    }

    @Test
    void drainingTargetsFinishInFlightRequestsTakeNoNewOnesAndLeaveOnceIdle() throws Exception {
        LoadBalancer lb = lb("drain-alb", "application");
        TargetGroup tg = group("drain-tg", "HTTP", 30);
        LbBackends.Http stay = backends.http("stay", nextAddress());
        LbBackends.Http go = backends.http("go", nextAddress());
        register(tg, stay.address, stay.port);
        register(tg, go.address, go.port);
        int port = listener(lb, "HTTP", forward(tg));
        awaitStates(tg, "healthy", "healthy");
        // start slow requests until one lands on the target about to leave
        List<CompletableFuture<LbBackends.Response>> inflight = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            inflight.add(CompletableFuture.supplyAsync(() -> LbBackends.get(lb.dnsName(), port, "/slow?ms=3000")));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> go.requests.get() >= 1);
        long t0 = System.nanoTime();
        elb().deregisterTargets(b -> b.targetGroupArn(tg.targetGroupArn())
                .targets(t -> t.id(go.address).port(go.port)));
        for (int i = 0; i < 10; i++) {
            assertThat(LbBackends.get(lb.dnsName(), port, "/").body()).isEqualTo("stay");
        }
        // a request in flight keeps the target draining (well past the 1 s an idle target needs)
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - t0 > 1_500_000_000L);
        assertThat(health(tg)).anySatisfy(h -> {
            assertThat(h.target().id()).isEqualTo(go.address);
            assertThat(h.targetHealth().stateAsString()).isEqualTo("draining");
            assertThat(h.targetHealth().reasonAsString()).isEqualTo("Target.DeregistrationInProgress");
        });
        for (CompletableFuture<LbBackends.Response> f : inflight) {
            LbBackends.Response r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
        }
        long idle = System.nanoTime();
        // then, with nothing in flight, ELB completes the deregistration without waiting out the 30 s delay
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> health(tg).size() == 1);
        double afterIdle = (System.nanoTime() - idle) / 1e9;
        System.out.printf("ALB drain: target gone %.2f s after its last request ended (delay 30 s)%n", afterIdle);
        assertThat(afterIdle).isLessThan(3.0); // the sweep runs every second
        // an idle target (keep-alive connections pooled to it are not in flight) goes within about a second
        long t1 = System.nanoTime();
        elb().deregisterTargets(b -> b.targetGroupArn(tg.targetGroupArn())
                .targets(t -> t.id(stay.address).port(stay.port)));
        assertThat(health(tg))
                .singleElement()
                .satisfies(h -> assertThat(h.targetHealth().stateAsString()).isEqualTo("draining"));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> health(tg).isEmpty());
        assertThat((System.nanoTime() - t1) / 1e9).isBetween(0.9, 3.0);
    }

    @Test
    void anNlbTargetDrainsWhileAConnectionIsOpenAndLeavesWhenItCloses() throws Exception {
        LoadBalancer lb = lb("drain-nlb", "network");
        TargetGroup tg = group("drain-tcp", "TCP", 30);
        String address = nextAddress();
        int echoPort = backends.tcpEcho(address);
        register(tg, address, echoPort);
        int port = listener(lb, "TCP", forward(tg));
        awaitStates(tg, "healthy");
        try (Socket s = new Socket(lb.dnsName(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                    .isEqualTo("hello");
            long t0 = System.nanoTime();
            elb().deregisterTargets(b -> b.targetGroupArn(tg.targetGroupArn())
                    .targets(t -> t.id(address).port(echoPort)));
            await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - t0 > 2_500_000_000L);
            // the open connection is active: the target drains, and the flow still works
            awaitStates(tg, "draining");
            s.getOutputStream().write("again".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                    .isEqualTo("again");
        }
        long closed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> health(tg).isEmpty());
        assertThat((System.nanoTime() - closed) / 1e9).isLessThan(3.0);
    }

    @Test
    void stickySessionsKeepAClientOnOneTarget() {
        LoadBalancer lb = lb("sticky-alb", "application");
        TargetGroup tg = group("sticky-tg", "HTTP");
        for (String n : new String[] {"s1", "s2", "s3"}) {
            LbBackends.Http b = backends.http(n, nextAddress());
            register(tg, b.address, b.port);
        }
        elb().modifyTargetGroupAttributes(b -> b.targetGroupArn(tg.targetGroupArn())
                .attributes(a -> a.key("stickiness.enabled").value("true")));
        int port = listener(lb, "HTTP", forward(tg));
        awaitStates(tg, "healthy", "healthy", "healthy");
        LbBackends.Response first = LbBackends.get(lb.dnsName(), port, "/");
        String cookie = first.header("Set-Cookie");
        assertThat(cookie).startsWith("AWSALB=");
        String value = cookie.substring(0, cookie.indexOf(';'));
        for (int i = 0; i < 10; i++) {
            assertThat(LbBackends.request(lb.dnsName(), port, "GET", "/", Map.of("Cookie", value))
                            .body())
                    .isEqualTo(first.body());
        }
    }

    /** An ALB whose listener forwards to one healthy backend named {@code name}. */
    private record OneBackend(LoadBalancer lb, LbBackends.Http backend, int port) {}

    private static OneBackend oneBackend(String name) {
        LoadBalancer lb = lb(name + "-alb", "application");
        TargetGroup tg = group(name + "-tg", "HTTP");
        LbBackends.Http b = backends.http(name, nextAddress());
        register(tg, b.address, b.port);
        int port = listener(lb, "HTTP", forward(tg));
        awaitStates(tg, "healthy");
        return new OneBackend(lb, b, port);
    }

    @Test
    void webSocketUpgradesPassThrough() throws Exception {
        OneBackend one = oneBackend("ws");
        LoadBalancer lb = one.lb();
        int port = one.port();
        var client = backends.vertx.createWebSocketClient();
        var ws = client.connect(port, lb.dnsName(), "/chat")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<String> echoed = new CompletableFuture<>();
        ws.textMessageHandler(echoed::complete);
        ws.writeTextMessage("hello through the ALB");
        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("hello through the ALB");
        ws.close();
    }

    @Test
    void oneClientConnectionCarriesPipelinedRequestsChunkedBodiesHeadAndClose() throws Exception {
        OneBackend one = oneBackend("wire");
        LoadBalancer lb = one.lb();
        LbBackends.Http b = one.backend();
        int port = one.port();
        String host = "Host: " + lb.dnsName() + ":" + port + "\r\n";
        // four requests in one write, answered in order on the one connection; the last closes it
        String wire = exchange(
                lb.dnsName(),
                port,
                "GET /a HTTP/1.1\r\n" + host + "\r\n"
                        + "POST /upload HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n"
                        + "HEAD /b HTTP/1.1\r\n" + host + "\r\n"
                        + "GET /c HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
        List<String> bodies = new ArrayList<>();
        int at = 0;
        for (boolean head : new boolean[] {false, false, true, false}) {
            assertThat(wire.startsWith("HTTP/1.1 200 ", at)).as(wire).isTrue();
            int end = wire.indexOf("\r\n\r\n", at) + 4;
            String headers = wire.substring(at, end).toLowerCase(java.util.Locale.ROOT);
            int cl = headers.indexOf("content-length: ");
            int length = head
                    ? 0
                    : Integer.parseInt(headers.substring(cl + 16, headers.indexOf("\r\n", cl))
                            .trim());
            bodies.add(wire.substring(end, end + length));
            at = end + length;
        }
        assertThat(at).isEqualTo(wire.length());
        assertThat(bodies).containsExactly("wire", "wire:11", "", "wire");
        assertThat(b.requests.get()).isEqualTo(4);

        // HTTP/1.0 without keep-alive: answered, then closed
        String old = exchange(lb.dnsName(), port, "GET / HTTP/1.0\r\n\r\n");
        assertThat(old).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nwire");
        // a request line that is not HTTP: 400 from the load balancer, then closed
        String bad = exchange(lb.dnsName(), port, "NOT-HTTP\r\n\r\n");
        assertThat(bad).startsWith("HTTP/1.1 400 ").contains("Server: awselb/2.0");
        // ambiguous framing (request smuggling) is refused by the load balancer and never reaches the target
        String smuggled = "GET /smuggled HTTP/1.1\r\n" + host + "\r\n";
        for (String attack : List.of(
                "POST / HTTP/1.1\r\n" + host + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                        + smuggled,
                "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"
                        + smuggled,
                "POST / HTTP/1.1\r\n" + host + "X-A: a\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
                "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + smuggled,
                "POST / HTTP/1.1\r\n" + host + "Content-Length: 4\r\nContent-Length: 40\r\n\r\n" + smuggled,
                "GET / HTTP/1.1\n" + host + "\n" + smuggled,
                "GET / HTTP/1.1\r\n\r\n" + smuggled)) {
            assertThat(exchange(lb.dnsName(), port, attack))
                    .as(attack)
                    .startsWith("HTTP/1.1 400 Bad Request\r\n")
                    .contains("Connection: close\r\n")
                    .containsOnlyOnce("HTTP/1.1");
        }
        assertThat(exchange(
                        lb.dnsName(), port, "GET / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n"))
                .startsWith("HTTP/1.1 501 Not Implemented\r\n");
        assertThat(exchange(lb.dnsName(), port, "GET /" + "a".repeat(17_000) + " HTTP/1.1\r\n" + host + "\r\n"))
                .startsWith("HTTP/1.1 414 ");
        assertThat(exchange(
                        lb.dnsName(),
                        port,
                        "GET / HTTP/1.1\r\n" + host + ("X-F: " + "f".repeat(1000) + "\r\n").repeat(70) + "\r\n"))
                .startsWith("HTTP/1.1 431 ");
        assertThat(b.requests.get()).isEqualTo(5);
        // a head read in several pieces (6 KiB; the backend takes up to 8) is fine
        assertThat(exchange(
                        lb.dnsName(),
                        port,
                        "GET / HTTP/1.1\r\n" + host + ("X-F: " + "f".repeat(300) + "\r\n").repeat(20)
                                + "Connection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 ");
    }

    @Test
    void targetResponsesAreFramedByLengthChunksOrCloseForEachKindOfClient() throws Exception {
        LoadBalancer lb = lb("raw-alb", "application");
        TargetGroup tg = group("raw-tg", "HTTP");
        try (RawHttpTarget t = new RawHttpTarget(
                nextAddress(),
                Map.of(
                        "/chunked",
                                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Fold: a\r\n  b\r\n\r\n5;x=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
                        "/close",
                                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close" + RawHttpTarget.CLOSE,
                        "/continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone",
                        "/bad", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n" + RawHttpTarget.CLOSE,
                        "/early",
                                "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbig!"
                                        + RawHttpTarget.CLOSE,
                        "/big", "HTTP/1.1 200 OK\r\nContent-Length: " + BIG.length() + "\r\n\r\n" + BIG,
                        "/big-chunked",
                                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(BIG, 65_536)
                                        + "0\r\n\r\n"))) {
            register(tg, t.address, t.port);
            int port = listener(lb, "HTTP", forward(tg));
            awaitStates(tg, "healthy");
            String host = "Host: " + lb.dnsName() + "\r\n";
            // a chunked body goes to an HTTP/1.1 client with its chunk lines and trailer; a folded line becomes one
            String chunked =
                    exchange(lb.dnsName(), port, "GET /chunked HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
            assertThat(chunked)
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("Transfer-Encoding: chunked\r\n", "X-Fold: a b\r\n", "Connection: close\r\n")
                    .endsWith("\r\n\r\n5;x=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n");
            // and to an HTTP/1.0 client without them, ended by the close
            String old = exchange(lb.dnsName(), port, "GET /chunked HTTP/1.0\r\n\r\n");
            assertThat(old)
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("Connection: close\r\n")
                    .doesNotContain("Transfer-Encoding")
                    .endsWith("\r\n\r\nhello");
            // a body that ends when the target closes is chunked for a keep-alive client, whose next request follows
            String twice = exchange(
                    lb.dnsName(),
                    port,
                    "GET /close HTTP/1.1\r\n" + host + "\r\n" + "GET /next HTTP/1.1\r\n" + host
                            + "Connection: close\r\n\r\n");
            assertThat(twice)
                    .contains(
                            "Transfer-Encoding: chunked\r\n",
                            "\r\n\r\nb\r\nuntil close\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n")
                    .endsWith("\r\n\r\nok");
            // an interim 100 goes on before the final response
            String cont =
                    exchange(lb.dnsName(), port, "GET /continue HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
            assertThat(cont)
                    .startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
                    .endsWith("\r\n\r\ndone");
            assertThat(exchange(lb.dnsName(), port, "GET /continue HTTP/1.0\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 OK\r\n"); // no 1xx for 1.0
            // a head the load balancer cannot frame is a 502 from the load balancer
            String bad = exchange(lb.dnsName(), port, "GET /bad HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
            assertThat(bad).startsWith("HTTP/1.1 502 Bad Gateway\r\n").contains("Server: awselb/2.0");
            // a target that answers before the body has arrived: the rest of the body is dropped, the next request
            // answered
            String early = exchange(
                    lb.dnsName(),
                    port,
                    "POST /early HTTP/1.1\r\n" + host + "Content-Length: " + BIG.length() + "\r\n\r\n" + BIG
                            + "GET /ok HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
            assertThat(early)
                    .startsWith("HTTP/1.1 413 Payload Too Large\r\n")
                    .contains("\r\n\r\nbig!HTTP/1.1 200 OK\r\n")
                    .endsWith("\r\n\r\nok");
            // 4 MiB bodies stream through intact, framed by length and by 64 KiB chunks
            String big = exchange(lb.dnsName(), port, "GET /big HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
            assertThat(big.substring(big.indexOf("\r\n\r\n") + 4)).isEqualTo(BIG);
            String bigChunked = exchange(lb.dnsName(), port, "GET /big-chunked HTTP/1.0\r\n\r\n");
            assertThat(bigChunked.substring(bigChunked.indexOf("\r\n\r\n") + 4)).isEqualTo(BIG);
            // keep-alive connections the load balancer pooled to the target close once its drain ends, not at the idle
            // timeout
            assertThat(exchange(lb.dnsName(), port, "GET /ok HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"))
                    .endsWith("\r\n\r\nok");
            await().atMost(Duration.ofSeconds(5)).until(() -> t.open.get() > 0);
            elb().deregisterTargets(b -> b.targetGroupArn(tg.targetGroupArn())
                    .targets(d -> d.id(t.address).port(t.port)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(t.open.get()).isZero());
        }
    }

    /** 4 MiB of varied text, so a misplaced or lost piece shows. */
    private static final String BIG = java.util.stream.IntStream.range(0, 4 * 1024 * 1024 / 16)
            .mapToObj(i -> String.format("%015x\n", i))
            .collect(java.util.stream.Collectors.joining());

    private static String chunked(String body, int size) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i += size) {
            String piece = body.substring(i, Math.min(body.length(), i + size));
            out.append(Integer.toHexString(piece.length()))
                    .append("\r\n")
                    .append(piece)
                    .append("\r\n");
        }
        return out.toString();
    }

    /** Writes {@code requests} on a new connection and reads until the load balancer closes it. */
    private static String exchange(String address, int port, String requests) throws Exception {
        try (Socket s = new Socket(address, port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void networkLoadBalancerForwardsRawTcp() throws Exception {
        LoadBalancer lb = lb("tcp-nlb", "network");
        TargetGroup tg = group("tcp-tg", "TCP");
        String address = nextAddress();
        int echoPort = backends.tcpEcho(address);
        register(tg, address, echoPort);
        int port = listener(lb, "TCP", forward(tg));
        awaitStates(tg, "healthy");
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket(lb.dnsName(), port)) {
                s.setSoTimeout(10_000);
                byte[] msg = ("raw bytes " + i + " \u0000\u0001\u00ff").getBytes(StandardCharsets.ISO_8859_1);
                OutputStream out = s.getOutputStream();
                out.write(msg);
                out.flush();
                InputStream in = s.getInputStream();
                byte[] got = in.readNBytes(msg.length);
                assertThat(got).isEqualTo(msg);
            }
        }
    }
}
