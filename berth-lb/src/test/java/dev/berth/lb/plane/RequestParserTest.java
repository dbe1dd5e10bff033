package dev.berth.lb.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client side's strict request parser: what it hands on for valid requests (whatever the
 * split of the bytes into reads), and the status it refuses each kind of malformed or ambiguous
 * request with.
 */
class RequestParserTest {

    /** Records what the parser finds as text: heads, body bytes, ends, refusals. */
    private static final class Recorder implements RequestParser.Sink {
        final StringBuilder events = new StringBuilder();
        final List<String> heads = new ArrayList<>();
        boolean ready = true;
        java.util.function.Consumer<ClientRequest> inspect = r -> {};

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public void head(ClientRequest r) {
            inspect.accept(r);
            String h = r.method() + " " + r.uri() + " 1." + r.minor + (r.keepAlive() ? " keep" : " close")
                    + (r.chunked ? " chunked" : "") + (r.contentLength >= 0 ? " cl=" + r.contentLength : "")
                    + (r.webSocket() ? " ws" : "");
            heads.add(h);
            events.append('[').append(h).append(']');
        }

        @Override
        public void body(ByteBuf buf, int index, int length) {
            events.append(buf.toString(index, length, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void end() {
            events.append("[end]");
        }

        @Override
        public void malformed(int status) {
            events.append("[").append(status).append("]");
        }
    }

    /** Feeds {@code wire} whole and then split at every point (two reads) and byte by byte; all must give the same events. */
    private static String parse(String wire) {
        String whole = run(wire, new int[] {});
        for (int cut = 1; cut < wire.length(); cut++) {
            assertThat(run(wire, new int[] {cut})).as("split at %d", cut).isEqualTo(whole);
        }
        int[] every = new int[wire.length() - 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertThat(run(wire, every)).as("byte by byte").isEqualTo(whole);
        return whole;
    }

    private static String run(String wire, int[] cuts) {
        Recorder r = new Recorder();
        RequestParser p = new RequestParser(r, ByteBufAllocator.DEFAULT);
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            p.feed(Unpooled.copiedBuffer(bytes, from, to - from));
            from = to;
        }
        p.release();
        // body pieces may be split differently by different reads; events compare as one text
        return r.events.toString();
    }

    private static final String HOST = "Host: lb\r\n";

    @Test
    void headsAndBodiesOfPipelinedRequests() {
        assertThat(parse("GET /a?x=1 HTTP/1.1\r\n" + HOST + "\r\n"
                        + "POST /b HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\n\r\nhello"
                        + "GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                        + "GET /d HTTP/1.0\r\n\r\n"))
                .isEqualTo(
                        "[GET /a?x=1 1.1 keep][end][POST /b 1.1 keep cl=5]hello[end][GET /c 1.0 keep][end][GET /d 1.0 close][end]");
    }

    @Test
    void chunkedBodiesGoOnWithoutExtensionsAndWithoutHopByHopTrailers() {
        assertThat(parse("POST /u HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                        + "5;name=value\r\nhello\r\n00B\r\n, big world\r\n0\r\nX-Sum: 1\r\nConnection: x\r\nContent-Length: 3\r\n\r\n"
                        + "GET /next HTTP/1.1\r\n" + HOST + "\r\n"))
                .isEqualTo(
                        "[POST /u 1.1 keep chunked]5\r\nhello\r\n00B\r\n, big world\r\n0\r\nX-Sum: 1\r\n\r\n[end][GET /next 1.1 keep][end]");
    }

    @Test
    void emptyLinesBeforeARequestAreIgnoredAndValuesMayHoldObsText() {
        assertThat(parse("\r\n\r\nGET / HTTP/1.1\r\n" + HOST + "X-Name: caf\u00e9 \t\r\n\r\n"))
                .isEqualTo("[GET / 1.1 keep][end]");
    }

    @Test
    void headFactsForTheProxy() {
        Recorder r = new Recorder();
        List<String> forwarded = new ArrayList<>();
        r.inspect = c -> {
            assertThat(c.header("HOST")).isEqualTo("a:80");
            assertThat(c.headers("cookie")).containsExactly("a=1", "b=2");
            assertThat(c.connectionNames).containsExactly("x-private");
            assertThat(c.value(c.forwardedFor)).isEqualTo("1.2.3.4");
            for (int i = 0; i < c.count; i++) {
                if (c.forwarded(i)) {
                    forwarded.add(
                            c.buf.toString(c.lineStart[i], c.nameEnd[i] - c.lineStart[i], StandardCharsets.ISO_8859_1));
                }
            }
        };
        RequestParser p = new RequestParser(r, ByteBufAllocator.DEFAULT);
        p.feed(Unpooled.copiedBuffer(
                "GET /chat HTTP/1.1\r\nHost: a:80\r\nConnection: Upgrade, X-Private\r\nUpgrade: h2c, WebSocket\r\n"
                        + "X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\nX-Forwarded-Proto: https\r\nX-Private: 1\r\n"
                        + "Content-Length: 0, 0\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        assertThat(r.heads).containsExactly("GET /chat 1.1 keep cl=0 ws");
        assertThat(forwarded).containsExactly("Host", "Content-Length", "Cookie", "Cookie");
        p.release();
    }

    @Test
    void aRequestWaitsUntilTheSinkIsReady() {
        Recorder r = new Recorder();
        RequestParser p = new RequestParser(r, ByteBufAllocator.DEFAULT);
        p.feed(Unpooled.copiedBuffer("GET /1 HTTP/1.1\r\n", StandardCharsets.ISO_8859_1));
        assertThat(p.holding()).as("an unfinished head is not held").isFalse();
        p.feed(Unpooled.copiedBuffer(HOST + "\r\n", StandardCharsets.ISO_8859_1));
        r.ready = false;
        p.feed(Unpooled.copiedBuffer(
                "GET /2 HTTP/1.1\r\n" + HOST + "\r\nGET /3 HTTP/1.1\r\n", StandardCharsets.ISO_8859_1));
        assertThat(p.holding()).isTrue();
        assertThat(r.heads).containsExactly("GET /1 1.1 keep");
        r.ready = true;
        p.resume();
        assertThat(r.heads).containsExactly("GET /1 1.1 keep", "GET /2 1.1 keep");
        assertThat(p.holding()).isFalse();
        p.feed(Unpooled.copiedBuffer(HOST + "\r\n", StandardCharsets.ISO_8859_1));
        assertThat(r.heads).hasSize(3);
        r.ready = false;
        p.feed(Unpooled.copiedBuffer("tunnel bytes", StandardCharsets.ISO_8859_1));
        ByteBuf rest = p.takePending();
        assertThat(rest.toString(StandardCharsets.ISO_8859_1)).isEqualTo("tunnel bytes");
        rest.release();
    }

    @Test
    void malformedHeadsAreRefusedWithTheirStatus() {
        String ok = "GET / HTTP/1.1\r\n" + HOST;
        String[][] cases = {
            {"GET / HTTP/1.1\n" + HOST + "\r\n", "400"}, // bare LF
            {ok + "X: a\nY: b\r\n\r\n", "400"},
            {ok + "X: a\rb\r\n\r\n", "400"}, // CR inside a line
            {ok + "X : a\r\n\r\n", "400"}, // whitespace before the colon
            {ok + "X: a\r\n  folded\r\n\r\n", "400"}, // obs-fold
            {ok + ": a\r\n\r\n", "400"},
            {ok + "X(y): a\r\n\r\n", "400"},
            {ok + "X: a\u0000b\r\n\r\n", "400"},
            {ok + "X: a\u007fb\r\n\r\n", "400"},
            {ok + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "400"}, // smuggling
            {ok + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "400"},
            {ok + "Transfer-Encoding: gzip\r\n\r\n", "400"},
            {ok + "Transfer-Encoding: gzip, chunked\r\n\r\n", "501"},
            {ok + "Transfer-Encoding: chunked, gzip\r\n\r\n", "400"},
            {ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "400"},
            {ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", "400"},
            {ok + "Content-Length: 5, 6\r\n\r\n", "400"},
            {ok + "Content-Length: +5\r\n\r\n", "400"},
            {ok + "Content-Length: 5 5\r\n\r\n", "400"},
            {ok + "Content-Length: \r\n\r\n", "400"},
            {ok + "Content-Length: 1234567890123456789\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\n\r\n", "400"}, // HTTP/1.1 needs a Host
            {ok + HOST + "\r\n", "400"},
            {"GET / HTTP/2.0\r\n" + HOST + "\r\n", "505"},
            {"GET / HTTP/1.1x\r\n" + HOST + "\r\n", "400"},
            {"GET  / HTTP/1.1\r\n" + HOST + "\r\n", "400"},
            {"GET / HTTP/1.1 \r\n" + HOST + "\r\n", "400"},
            {"G(T / HTTP/1.1\r\n" + HOST + "\r\n", "400"},
            {"NOT-HTTP\r\n\r\n", "400"},
            {"GET /a\tb HTTP/1.1\r\n" + HOST + "\r\n", "400"},
        };
        for (String[] c : cases) {
            assertThat(parse(c[0])).as(c[0]).isEqualTo("[" + c[1] + "]");
        }
    }

    @Test
    void malformedChunkedBodiesAreRefused() {
        String head = "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n";
        String[] bodies = {
            "zz\r\n",
            "5 \r\nhello\r\n",
            "5\nhello\r\n",
            "5\r\nhello!\r\n",
            "5\r\nhello\n",
            "12345678901234567\r\n",
            "5;x\u0001\r\nhello\r\n",
            "0\r\nBad Trailer\r\n\r\n",
            "0\r\n folded: x\r\n\r\n",
            "\r\n"
        };
        for (String body : bodies) {
            String events = parse(head + body + "0\r\n\r\n");
            assertThat(events)
                    .as(body)
                    .startsWith("[POST / 1.1 keep chunked]")
                    .endsWith("[400]")
                    .doesNotContain("[end]");
        }
    }

    @Test
    void limitsGiveUriTooLongAndHeaderFieldsTooLarge() {
        String longUri = "GET /" + "a".repeat(ClientRequest.MAX_LINE) + " HTTP/1.1\r\n" + HOST + "\r\n";
        assertThat(run(longUri, new int[] {})).isEqualTo("[414]");
        assertThat(run(longUri, new int[] {100, 9000})).isEqualTo("[414]");
        String lineAtLimit = "GET /" + "a".repeat(ClientRequest.MAX_LINE - 14) + " HTTP/1.1";
        assertThat(lineAtLimit).hasSize(ClientRequest.MAX_LINE);
        assertThat(run(lineAtLimit + "\r\n" + HOST + "\r\n", new int[] {})).startsWith("[GET /aaa");
        String manyHeaders =
                "GET / HTTP/1.1\r\n" + HOST + ("X-Filler: " + "b".repeat(1000) + "\r\n").repeat(70) + "\r\n";
        assertThat(run(manyHeaders, new int[] {})).isEqualTo("[431]");
        assertThat(run(manyHeaders, new int[] {5000, 30000, 60000})).isEqualTo("[431]");
        // nothing after a refusal is parsed
        Recorder r = new Recorder();
        RequestParser p = new RequestParser(r, ByteBufAllocator.DEFAULT);
        p.feed(Unpooled.copiedBuffer("BAD\n\r\n", StandardCharsets.ISO_8859_1));
        p.feed(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n" + HOST + "\r\n", StandardCharsets.ISO_8859_1));
        assertThat(r.events.toString()).isEqualTo("[400]");
    }
}
