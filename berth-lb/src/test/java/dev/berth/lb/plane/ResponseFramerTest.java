package dev.berth.lb.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The target-response framer on byte strings: framing by length, chunks and close, what a head
 * reports, informational and upgrade responses, malformed responses, and that every way of
 * splitting the bytes over reads gives the same result.
 */
class ResponseFramerTest {

    /** Records what the framer reports, as text. */
    static final class Recorder implements ResponseFramer.Sink {
        final List<String> events = new ArrayList<>();
        final StringBuilder body = new StringBuilder();
        final List<String> forwarded = new ArrayList<>();
        ResponseHead head;
        int status;
        long contentLength;
        boolean chunked;
        boolean dechunk;
        ResponseFramer framer;

        @Override
        public void head(ResponseHead h) {
            head = h;
            status = h.status;
            contentLength = h.transferEncoding ? -2 : h.contentLength;
            chunked = h.chunked;
            for (int i = 0; i < h.count; i++) {
                if (h.kind[i] != ResponseHead.FOLDED && h.forwarded(i)) {
                    forwarded.add(h.buf.toString(
                            h.lineStart[i], h.valueEnd[i] - h.lineStart[i], StandardCharsets.ISO_8859_1));
                }
            }
            events.add("head " + h.status);
            if (dechunk) {
                framer.dechunk();
            }
        }

        @Override
        public void informational(ByteBuf buf, int index, int length) {
            events.add("info "
                    + buf.toString(index, length, StandardCharsets.ISO_8859_1).trim());
        }

        @Override
        public void upgraded(ByteBuf buf, int index, int length) {
            events.add("upgraded");
        }

        @Override
        public void body(ByteBuf buf, int index, int length) {
            body.append(buf.toString(index, length, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void end(boolean reusable) {
            events.add("end " + (reusable ? "reusable" : "close"));
        }

        @Override
        public void malformed(String why) {
            events.add("malformed " + why);
        }
    }

    private static Recorder frame(String wire, boolean headRequest, boolean upgrade, boolean dechunk, int... splits) {
        Recorder r = new Recorder();
        r.dechunk = dechunk;
        ResponseFramer f = new ResponseFramer(r, PooledByteBufAllocator.DEFAULT);
        r.framer = f;
        f.begin(headRequest, upgrade);
        int at = 0;
        for (int split : splits) {
            f.feed(Unpooled.copiedBuffer(wire.substring(at, split), StandardCharsets.ISO_8859_1));
            at = split;
        }
        f.feed(Unpooled.copiedBuffer(wire.substring(at), StandardCharsets.ISO_8859_1));
        f.release();
        return r;
    }

    private static Recorder frame(String wire) {
        return frame(wire, false, false, false);
    }

    @Test
    void contentLengthFramesTheBodyAndKeepsTheConnection() {
        Recorder r = frame(
                "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello");
        assertThat(r.events).containsExactly("head 200", "end reusable");
        assertThat(r.body).hasToString("hello");
        assertThat(r.contentLength).isEqualTo(5);
        assertThat(r.forwarded).containsExactly("Server: nginx", "Content-Type: text/plain", "Content-Length: 5");
    }

    @Test
    void bareLineFeedsAreAccepted() {
        Recorder r = frame("HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nok");
        assertThat(r.events).containsExactly("head 200", "end reusable");
        assertThat(r.body).hasToString("ok");
        assertThat(r.forwarded).containsExactly("Content-Type: text/plain", "Content-Length: 2");
    }

    @Test
    void chunkedBodiesPassWithTheirFramingOrWithout() {
        String chunks = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n";
        String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n" + chunks;
        Recorder raw = frame(wire);
        assertThat(raw.events).containsExactly("head 200", "end reusable");
        assertThat(raw.body).hasToString(chunks);
        assertThat(raw.chunked).isTrue();
        assertThat(raw.forwarded).isEmpty(); // Transfer-Encoding is hop-by-hop and beats Content-Length
        Recorder data = frame(wire, false, false, true);
        assertThat(data.body).hasToString("hello world");
        assertThat(data.events).containsExactly("head 200", "end reusable");
    }

    @Test
    void everySplitOfTheBytesGivesTheSameResult() {
        String[] wires = {
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-A: b\r\n\r\n0123456789",
            "HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n",
            "\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\nContent-Length: 3\n\nxyz",
        };
        for (String wire : wires) {
            Recorder whole = frame(wire);
            for (int a = 1; a < wire.length(); a++) {
                Recorder two = frame(wire, false, false, false, a);
                assertThat(two.events).as("split at %d of %s", a, wire).isEqualTo(whole.events);
                assertThat(two.body.toString()).as("split at %d", a).isEqualTo(whole.body.toString());
                assertThat(two.forwarded).as("split at %d", a).isEqualTo(whole.forwarded);
                for (int b = a + 1; b < wire.length(); b += 7) {
                    Recorder three = frame(wire, false, false, true, a, b);
                    assertThat(three.events).as("split at %d, %d", a, b).isEqualTo(whole.events);
                }
            }
        }
    }

    @Test
    void aBodyWithoutFramingEndsWhenTheTargetCloses() {
        Recorder r = new Recorder();
        ResponseFramer f = new ResponseFramer(r, PooledByteBufAllocator.DEFAULT);
        r.framer = f;
        f.begin(false, false);
        f.feed(Unpooled.copiedBuffer(
                "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nsome ", StandardCharsets.US_ASCII));
        f.feed(Unpooled.copiedBuffer("bytes", StandardCharsets.US_ASCII));
        assertThat(r.events).containsExactly("head 200");
        assertThat(f.closed()).isTrue();
        assertThat(r.events).containsExactly("head 200", "end close");
        assertThat(r.body).hasToString("some bytes");
    }

    @Test
    void responsesWithoutABody() {
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", true, false, false).events)
                .containsExactly("head 200", "end reusable");
        assertThat(frame("HTTP/1.1 204 No Content\r\n\r\n").events).containsExactly("head 204", "end reusable");
        assertThat(frame("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n").events)
                .containsExactly("head 304", "end reusable");
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").events)
                .containsExactly("head 200", "end reusable");
    }

    @Test
    void keepAliveFollowsVersionAndConnection() {
        assertThat(frame("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").events)
                .containsExactly("head 200", "end close");
        assertThat(frame("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").events)
                .containsExactly("head 200", "end close");
        assertThat(frame("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").events)
                .containsExactly("head 200", "end reusable");
        // bytes after the end of a response: the target cannot be trusted with another request
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy").events)
                .containsExactly("head 200", "end close");
    }

    @Test
    void connectionListedAndHopByHopHeadersAreNotForwarded() {
        Recorder r = frame(
                "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Private\r\nX-Private: 1\r\nKeep-Alive: timeout=5\r\n"
                        + "Upgrade: h2c\r\nTrailer: X\r\nProxy-Authenticate: Basic\r\nSet-Cookie: a=1\r\nContent-Length: 0\r\n\r\n");
        assertThat(r.forwarded).containsExactly("Set-Cookie: a=1", "Content-Length: 0");
    }

    @Test
    void informationalAndUpgradeResponses() {
        Recorder r = frame("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(r.events).containsExactly("info HTTP/1.1 100 Continue", "head 200", "end reusable");
        Recorder up = frame(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0002hi",
                false,
                true,
                false);
        assertThat(up.events).containsExactly("upgraded");
        assertThat(up.body).hasToString("\u0081\u0002hi");
    }

    @Test
    void foldedLinesAndListsOfIdenticalLengths() {
        Recorder r = frame("HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\nContent-Length: 2, 2\r\n\r\nok");
        assertThat(r.events).containsExactly("head 200", "end reusable");
        assertThat(r.contentLength).isEqualTo(2);
        assertThat(r.head.kind[1]).isEqualTo(ResponseHead.FOLDED);
    }

    @Test
    void malformedResponses() {
        assertThat(frame("SSH-2.0-OpenSSH\r\n\r\n").events).containsExactly("malformed no HTTP/1.x status line");
        assertThat(frame("HTTP/1.1 2x0 OK\r\n\r\n").events).containsExactly("malformed bad status code");
        assertThat(frame("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n").events)
                .containsExactly("malformed header line without a colon");
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok").events)
                .containsExactly("malformed conflicting Content-Length headers");
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\nok").events)
                .containsExactly("malformed bad Content-Length");
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").events)
                .containsExactly("malformed bad Content-Length");
        assertThat(frame("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").events)
                .containsExactly("head 200", "malformed bad chunk size line");
        assertThat(frame("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n").events)
                .containsExactly("head 200", "malformed chunk data longer than its size");
        assertThat(frame("HTTP/1.1 200 OK\r\nX: " + "v".repeat(ResponseFramer.MAX_HEAD) + "\r\n").events)
                .containsExactly("malformed response head too long");
    }
}
