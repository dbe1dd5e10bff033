package dev.berth.lb.plane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.lb.config.HealthCheckConf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The small pure parts of the data plane: header rules, the target's request head, request parts for rules, cookies, wildcards, matchers, health transitions, metrics. */
class PlaneUnitTest {

    @Test
    void hopByHopHeadersAreRecognisedInAnyCase() {
        for (String h : new String[] {
            "Connection",
            "keep-alive",
            "TE",
            "Trailer",
            "Transfer-Encoding",
            "Upgrade",
            "Proxy-Connection",
            "Proxy-Authenticate",
            "Proxy-Authorization"
        }) {
            assertThat(HttpListener.hopByHop(h)).as(h).isTrue();
        }
        for (String h : new String[] {"Host", "Content-Length", "X-Forwarded-For", "Cookie", "Upgrades"}) {
            assertThat(HttpListener.hopByHop(h)).as(h).isFalse();
        }
    }

    /** A request head parsed the way the client side parses it. */
    static ClientRequest parsed(String head) {
        ByteBuf b = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
        ClientRequest r = new ClientRequest();
        assertThat(r.parse(b, 0, b.writerIndex())).as(head).isZero();
        return r;
    }

    @Test
    void theTargetsRequestHeadDropsHopByHopAndListedHeadersAndAddsAlbHeaders() {
        ClientRequest req = parsed(
                "POST /p?q=1 HTTP/1.0\r\nConnection: keep-alive, X-Private\r\nX-Private: 1\r\nKeep-Alive: timeout=5\r\n"
                        + "transfer-encoding: chunked\r\nTE: trailers\r\nAccept: */*\r\nProxy-Connection: close\r\n"
                        + "X-Forwarded-For: 10.1.1.1\r\nX-Forwarded-Proto: https\r\nX-Amzn-Trace-Id: Root=1-abc\r\nX-Forwarded-For: 10.2.2.2\r\n\r\n");
        ByteBuf out = Unpooled.buffer();
        RequestHead.write(out, req, "10.0.0.9", "8080", "10.0.0.2:80");
        String head = out.toString(StandardCharsets.US_ASCII);
        out.release();
        assertThat(head)
                .startsWith("POST /p?q=1 HTTP/1.1\r\n")
                .endsWith("\r\n\r\n")
                .contains(
                        "Accept: */*\r\n",
                        "Transfer-Encoding: chunked\r\n",
                        "X-Forwarded-For: 10.1.1.1, 10.0.0.9\r\n",
                        "X-Forwarded-Proto: http\r\n",
                        "X-Forwarded-Port: 8080\r\n",
                        "Host: 10.0.0.2:80\r\n")
                .doesNotContain(
                        "X-Private",
                        "Keep-Alive",
                        "TE:",
                        "Proxy-Connection",
                        "Connection:",
                        "https",
                        "transfer-encoding",
                        "10.2.2.2");
        assertThat(head).containsPattern("X-Amzn-Trace-Id: Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-abc\r\n");

        ClientRequest ws =
                parsed("GET /chat HTTP/1.1\r\nHost: lb:80\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        ByteBuf wsOut = Unpooled.buffer();
        RequestHead.write(wsOut, ws, "10.0.0.9", "80", "10.0.0.2:80");
        String wsHead = wsOut.toString(StandardCharsets.US_ASCII);
        wsOut.release();
        assertThat(wsHead)
                .contains(
                        "Host: lb:80\r\n",
                        "Connection: Upgrade\r\nUpgrade: websocket\r\n",
                        "X-Forwarded-For: 10.0.0.9\r\n")
                .containsPattern("X-Amzn-Trace-Id: Root=1-[0-9a-f]{8}-[0-9a-f]{24}\r\n")
                .doesNotContain("Host: 10.0.0.2");
    }

    @Test
    void requestPartsForRulesFromOriginAndAbsoluteForms() {
        Routes.Request origin =
                new Routes.Request(request("/api/users?v=2&v=3&x=%41", "Admin.Example:8080"), "10.0.0.1");
        assertThat(origin.path()).isEqualTo("/api/users");
        assertThat(origin.query()).isEqualTo("v=2&v=3&x=%41");
        assertThat(origin.host()).isEqualTo("Admin.Example");
        assertThat(origin.params())
                .containsEntry("v", java.util.List.of("2", "3"))
                .containsEntry("x", java.util.List.of("A"));
        Routes.Request absolute =
                new Routes.Request(request("http://other.example:81/p/q", "ignored.example"), "10.0.0.1");
        assertThat(absolute.path()).isEqualTo("/p/q");
        assertThat(absolute.query()).isNull();
        assertThat(absolute.host()).isEqualTo("other.example");
        Routes.Request bare = new Routes.Request(request("http://h.example?a=1", "x"), "10.0.0.1");
        assertThat(bare.path()).isEqualTo("/");
        assertThat(bare.host()).isEqualTo("h.example");
        Routes.Request v6 = new Routes.Request(request("/", "[::1]:8080"), "::1");
        assertThat(v6.host()).isEqualTo("[::1]");
        assertThat(new Routes.Request(parsed("GET / HTTP/1.0\r\n\r\n"), "10.0.0.1").host())
                .isNull();
        assertThat(HttpListener.cookie("a=1; AWSALB=xyz; AWSALBTG=t", "AWSALB")).isEqualTo("xyz");
        assertThat(HttpListener.cookie("AWSALBTG=t", "AWSALB")).isNull();
    }

    private static ClientRequest request(String uri, String host) {
        return parsed("GET " + uri + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    @Test
    void wildcardsMatchAsAlbDoes() {
        assertThat(Routes.wildcard("/api/*", false).matcher("/api/users/1").matches())
                .isTrue();
        assertThat(Routes.wildcard("/api/*", false).matcher("/API/users").matches())
                .isFalse();
        assertThat(Routes.wildcard("*.example.com", true)
                        .matcher("WWW.Example.com")
                        .matches())
                .isTrue();
        assertThat(Routes.wildcard("v?", true).matcher("v2").matches()).isTrue();
        assertThat(Routes.wildcard("a.b", true).matcher("axb").matches()).isFalse();
    }

    @Test
    void matcherCodesAndRanges() {
        HealthCheckConf hc = new HealthCheckConf(true, "HTTP", "traffic-port", "/", 30, 5, 5, 2, "200,202-204");
        assertThat(hc.matches(200)).isTrue();
        assertThat(hc.matches(203)).isTrue();
        assertThat(hc.matches(201)).isFalse();
        assertThat(hc.portFor(8080)).isEqualTo(8080);
    }

    @Test
    void healthStateMachine() {
        Backend b = new Backend("10.0.0.1", 80, "10.0.0.1", null);
        assertThat(b.state()).isEqualTo(Backend.State.INITIAL);
        assertThat(b.reason()).isEqualTo("Elb.RegistrationInProgress");
        b.checking();
        assertThat(b.reason()).isEqualTo("Elb.InitialHealthChecking");
        b.passed(3);
        assertThat(b.state()).isEqualTo(Backend.State.HEALTHY); // one pass after registration
        b.failed(2, "Target.Timeout", "Request timed out");
        assertThat(b.state()).isEqualTo(Backend.State.HEALTHY);
        b.failed(2, "Target.Timeout", "Request timed out");
        assertThat(b.state()).isEqualTo(Backend.State.UNHEALTHY);
        b.passed(3);
        b.passed(3);
        assertThat(b.state()).isEqualTo(Backend.State.UNHEALTHY);
        b.passed(3);
        assertThat(b.state()).isEqualTo(Backend.State.HEALTHY);
        b.drain(0);
        b.passed(3);
        assertThat(b.state()).isEqualTo(Backend.State.DRAINING);
    }

    @Test
    void drainingEndsAtTheDelayOrOnceNothingIsInFlight() {
        long second = 1_000_000_000L;
        Backend b = new Backend("10.0.0.1", 80, "10.0.0.1", null);
        b.inFlight.incrementAndGet();
        b.drain(60 * second);
        long start = b.drainStartNanos();
        // a request in flight holds the drain up to the delay
        assertThat(b.drainDone(start + 2 * second, second)).isFalse();
        assertThat(b.drainDone(start + 60 * second, second)).isTrue();
        b.inFlight.decrementAndGet();
        // idle: done once the drain has settled for a second (a request that chose the target just before counts)
        assertThat(b.drainDone(start + second / 2, second)).isFalse();
        assertThat(b.drainDone(start + second, second)).isTrue();
    }

    @Test
    void aGoneBackendClosesItsPooledConnections() {
        Backend b = new Backend("10.0.0.1", 80, "10.0.0.1", null);
        EmbeddedChannel idle = new EmbeddedChannel();
        EmbeddedChannel closedEarlier = new EmbeddedChannel();
        b.attach(idle);
        b.attach(closedEarlier);
        closedEarlier.close();
        AtomicLong tunnels = new AtomicLong();
        b.tunnels.add(tunnels::incrementAndGet);
        b.drain(0);
        b.completeDeregistration(false);
        assertThat(b.gone()).isTrue();
        assertThat(idle.isOpen()).isFalse();
        assertThat(tunnels.get())
                .as("long-lived flows stay without connection termination")
                .isZero();
        // a connection opened to a gone backend (a race with the sweep) is closed at once
        EmbeddedChannel late = new EmbeddedChannel();
        b.attach(late);
        assertThat(late.isOpen()).isFalse();
        Backend nlb = new Backend("10.0.0.2", 80, "10.0.0.2", null);
        nlb.tunnels.add(tunnels::incrementAndGet);
        nlb.completeDeregistration(true);
        assertThat(tunnels.get()).isEqualTo(1);
    }

    @Test
    void metricsBucketByMinute() {
        AtomicLong now = new AtomicLong(Instant.parse("2026-11-27T10:00:10Z").toEpochMilli());
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        Metrics m = new Metrics(clock);
        String key = Metrics.key("TargetResponseTime", "TargetGroup", "targetgroup/t/1");
        m.record(key, 0.5);
        m.record(key, 1.5);
        now.addAndGet(60_000);
        m.record(key, 3);
        var points = m.query(key, now.get() - 120_000, now.get() + 1);
        assertThat(points).hasSize(2);
        assertThat(points.get(0).sampleCount()).isEqualTo(2);
        assertThat(points.get(0).average()).isEqualTo(1.0);
        assertThat(points.get(0).maximum()).isEqualTo(1.5);
        assertThat(points.get(1).sum()).isEqualTo(3);
    }
}
