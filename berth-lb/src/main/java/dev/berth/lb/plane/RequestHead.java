package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the head of a request as an application load balancer sends it to a target: the client's
 * request line (as HTTP/1.1) and headers without the hop-by-hop ones (RFC 9110 7.6.1) and those its
 * Connection header lists, plus what ALB adds: X-Forwarded-For (the client's address appended to
 * any value it sent), X-Forwarded-Proto, X-Forwarded-Port, X-Amzn-Trace-Id (a new {@code Root}, or
 * a {@code Self} entry before the client's value), a Host header when the client sent none
 * (HTTP/1.0), {@code Transfer-Encoding: chunked} for a chunked body and Connection/Upgrade for a
 * WebSocket upgrade.
 *
 * <p>The head is written in one pass over the decoded headers straight into one buffer: the
 * header map is not edited and Netty's encoder does not run, which the per-request profile of the
 * proxy made worth it.
 */
final class RequestHead {

    private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SEPARATOR = {':', ' '};
    private static final byte[] XFF = "X-Forwarded-For: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROTO_PORT = "X-Forwarded-Proto: http\r\nX-Forwarded-Port: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ROOT = "X-Amzn-Trace-Id: Root=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SELF = "X-Amzn-Trace-Id: Self=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "Host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE = "Connection: Upgrade\r\nUpgrade: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private RequestHead() {
    }

    /** Writes the target's request head for {@code req} from {@code source} to {@code out}. */
    static void write(ByteBuf out, HttpRequest req, String source, String port, boolean webSocket, boolean chunked, String hostHeader) {
        HttpHeaders h = req.headers();
        List<String> listed = connectionListed(h);
        ByteBufUtil.writeAscii(out, req.method().asciiName());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, req.uri());
        out.writeBytes(VERSION);
        CharSequence xff = null;
        CharSequence trace = null;
        CharSequence upgrade = null;
        boolean host = false;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext();) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            int len = name.length();
            if (HttpListener.hopByHop(name)) {
                if (webSocket && upgrade == null && len == 7 && is(name, "upgrade")) {
                    upgrade = e.getValue();
                }
                continue;
            }
            if (len == 15 && is(name, "x-forwarded-for")) {
                xff = xff == null ? e.getValue() : xff;
                continue;
            }
            if (len == 15 && is(name, "x-amzn-trace-id")) {
                trace = trace == null ? e.getValue() : trace;
                continue;
            }
            if (len == 17 && is(name, "x-forwarded-proto") || len == 16 && is(name, "x-forwarded-port")) {
                continue;
            }
            if (listed != null && listed.contains(name.toString().toLowerCase(Locale.ROOT))) {
                continue;
            }
            host |= len == 4 && is(name, "host");
            ByteBufUtil.writeAscii(out, name);
            out.writeBytes(SEPARATOR);
            ByteBufUtil.writeAscii(out, e.getValue());
            out.writeBytes(CRLF);
        }
        if (webSocket) {
            out.writeBytes(UPGRADE);
            ByteBufUtil.writeAscii(out, upgrade);
            out.writeBytes(CRLF);
        }
        if (chunked) {
            out.writeBytes(CHUNKED);
        }
        out.writeBytes(XFF);
        if (xff != null && !xff.isEmpty()) {
            ByteBufUtil.writeAscii(out, xff);
            out.writeByte(',').writeByte(' ');
        }
        ByteBufUtil.writeAscii(out, source);
        out.writeBytes(CRLF);
        out.writeBytes(PROTO_PORT);
        ByteBufUtil.writeAscii(out, port);
        out.writeBytes(CRLF);
        out.writeBytes(trace == null ? ROOT : SELF);
        writeTraceId(out);
        if (trace != null) {
            out.writeByte(';');
            ByteBufUtil.writeAscii(out, trace);
        }
        out.writeBytes(CRLF);
        if (!host) {
            out.writeBytes(HOST);
            ByteBufUtil.writeAscii(out, hostHeader);
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
    }

    /** Writes {@code headers} as header lines (a chunked body's trailers). */
    static void writeHeaders(ByteBuf out, HttpHeaders headers) {
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext();) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            ByteBufUtil.writeAscii(out, e.getKey());
            out.writeBytes(SEPARATOR);
            ByteBufUtil.writeAscii(out, e.getValue());
            out.writeBytes(CRLF);
        }
    }

    /** {@code 1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>}, the X-Ray trace id format ALB uses. */
    static void writeTraceId(ByteBuf out) {
        out.writeByte('1').writeByte('-');
        long t = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 8; i++) {
            out.writeByte(HEX[(int) (t >>> (28 - 4 * i)) & 15]);
        }
        out.writeByte('-');
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long a = r.nextLong();
        int b = r.nextInt();
        for (int i = 0; i < 16; i++) {
            out.writeByte(HEX[(int) (a >>> (60 - 4 * i)) & 15]);
        }
        for (int i = 0; i < 8; i++) {
            out.writeByte(HEX[(b >>> (28 - 4 * i)) & 15]);
        }
    }

    /** Header names a Connection header lists besides keep-alive, close and upgrade (lower case), or null. */
    private static List<String> connectionListed(HttpHeaders h) {
        if (!h.contains(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION)) {
            return null;
        }
        List<String> names = null;
        for (String v : h.getAll(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION)) {
            for (String token : v.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.equals("keep-alive") && !t.equals("close") && !t.equals("upgrade")) {
                    if (names == null) {
                        names = new ArrayList<>(2);
                    }
                    names.add(t);
                }
            }
        }
        return names;
    }

    private static boolean is(CharSequence name, String lower) {
        return AsciiString.contentEqualsIgnoreCase(name, lower);
    }
}
