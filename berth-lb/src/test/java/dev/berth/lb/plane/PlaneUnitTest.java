package dev.berth.lb.plane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.lb.config.HealthCheckConf;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The small pure parts of the data plane: header rules, the target's request head, request parts for rules, cookies, wildcards, matchers, health transitions, metrics. */
class PlaneUnitTest {

    @Test
    void hopByHopHeadersAreRecognisedInAnyCase() {
        for (String h : new String[] {"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
                "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization"}) {
            assertThat(HttpListener.hopByHop(h)).as(h).isTrue();
        }
        for (String h : new String[] {"Host", "Content-Length", "X-Forwarded-For", "Cookie", "Upgrades"}) {
            assertThat(HttpListener.hopByHop(h)).as(h).isFalse();
        }
    }

    @Test
    void theTargetsRequestHeadDropsHopByHopAndListedHeadersAndAddsAlbHeaders() {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.POST, "/p?q=1");
        req.headers().add("Connection", "keep-alive, X-Private").add("X-Private", "1").add("Keep-Alive", "timeout=5")
                .add("transfer-encoding", "chunked").add("TE", "trailers").add("Accept", "*/*").add("Proxy-Connection", "close")
                .add("X-Forwarded-For", "10.1.1.1").add("X-Forwarded-Proto", "https").add("X-Amzn-Trace-Id", "Root=1-abc");
        ByteBuf out = Unpooled.buffer();
        RequestHead.write(out, req, "10.0.0.9", "8080", false, true, "10.0.0.2:80");
        String head = out.toString(StandardCharsets.US_ASCII);
        out.release();
        assertThat(head).startsWith("POST /p?q=1 HTTP/1.1\r\n").endsWith("\r\n\r\n")
                .contains("Accept: */*\r\n", "Transfer-Encoding: chunked\r\n", "X-Forwarded-For: 10.1.1.1, 10.0.0.9\r\n",
                        "X-Forwarded-Proto: http\r\n", "X-Forwarded-Port: 8080\r\n", "Host: 10.0.0.2:80\r\n")
                .doesNotContain("X-Private", "Keep-Alive", "TE:", "Proxy-Connection", "Connection:", "https", "transfer-encoding");
        assertThat(head).containsPattern("X-Amzn-Trace-Id: Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-abc\r\n");

        HttpRequest ws = request("/chat");
        ws.headers().add("Host", "lb:80").add("Connection", "Upgrade").add("Upgrade", "websocket");
        ByteBuf wsOut = Unpooled.buffer();
        RequestHead.write(wsOut, ws, "10.0.0.9", "80", true, false, "10.0.0.2:80");
        String wsHead = wsOut.toString(StandardCharsets.US_ASCII);
        wsOut.release();
        assertThat(wsHead).contains("Host: lb:80\r\n", "Connection: Upgrade\r\nUpgrade: websocket\r\n", "X-Forwarded-For: 10.0.0.9\r\n")
                .containsPattern("X-Amzn-Trace-Id: Root=1-[0-9a-f]{8}-[0-9a-f]{24}\r\n").doesNotContain("Host: 10.0.0.2");
    }

    @Test
    void requestPartsForRulesFromOriginAndAbsoluteForms() {
        Routes.Request origin = new Routes.Request(request("/api/users?v=2&v=3&x=%41"), "10.0.0.1");
        origin.http().headers().set("Host", "Admin.Example:8080");
        assertThat(origin.path()).isEqualTo("/api/users");
        assertThat(origin.query()).isEqualTo("v=2&v=3&x=%41");
        assertThat(origin.host()).isEqualTo("Admin.Example");
        assertThat(origin.params()).containsEntry("v", java.util.List.of("2", "3")).containsEntry("x", java.util.List.of("A"));
        Routes.Request absolute = new Routes.Request(request("http://other.example:81/p/q"), "10.0.0.1");
        absolute.http().headers().set("Host", "ignored.example");
        assertThat(absolute.path()).isEqualTo("/p/q");
        assertThat(absolute.query()).isNull();
        assertThat(absolute.host()).isEqualTo("other.example");
        Routes.Request bare = new Routes.Request(request("http://h.example?a=1"), "10.0.0.1");
        assertThat(bare.path()).isEqualTo("/");
        assertThat(bare.host()).isEqualTo("h.example");
        Routes.Request v6 = new Routes.Request(request("/"), "::1");
        v6.http().headers().set("Host", "[::1]:8080");
        assertThat(v6.host()).isEqualTo("[::1]");
        assertThat(new Routes.Request(request("/"), "10.0.0.1").host()).isNull();
        assertThat(HttpListener.cookie("a=1; AWSALB=xyz; AWSALBTG=t", "AWSALB")).isEqualTo("xyz");
        assertThat(HttpListener.cookie("AWSALBTG=t", "AWSALB")).isNull();
    }

    private static HttpRequest request(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    @Test
    void wildcardsMatchAsAlbDoes() {
        assertThat(Routes.wildcard("/api/*", false).matcher("/api/users/1").matches()).isTrue();
        assertThat(Routes.wildcard("/api/*", false).matcher("/API/users").matches()).isFalse();
        assertThat(Routes.wildcard("*.example.com", true).matcher("WWW.Example.com").matches()).isTrue();
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
    void clientRequestsMayNotEndLinesWithABareLf() {
        EmbeddedChannel client = new EmbeddedChannel(new HttpRequestDecoder(HttpListener.decoderConfig()));
        client.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\nHost: a\n\n", StandardCharsets.US_ASCII));
        HttpRequest req = client.readInbound();
        assertThat(req.decoderResult().isFailure()).isTrue();
        client.finishAndReleaseAll();
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
