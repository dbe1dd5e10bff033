package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
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
 * <p>The head is written in one pass, copying the client's request line and header lines as
 * byte ranges of the buffer they came in ({@link ClientRequest}) straight into one buffer.
 */
final class RequestHead {

    private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SEPARATOR = {':', ' '};
    private static final byte[] XFF = "X-Forwarded-For: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROTO_PORT =
            "X-Forwarded-Proto: http\r\nX-Forwarded-Port: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ROOT = "X-Amzn-Trace-Id: Root=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SELF = "X-Amzn-Trace-Id: Self=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "Host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE = "Connection: Upgrade\r\nUpgrade: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private RequestHead() {}

    /** Writes the target's request head for {@code req} from {@code source} to {@code out}. */
    static void write(ByteBuf out, ClientRequest req, String source, String port, String hostHeader) {
        ByteBuf b = req.buf;
        out.writeBytes(b, req.start, req.uriEnd - req.start);
        out.writeBytes(VERSION);
        for (int i = 0; i < req.count; i++) {
            if (req.forwarded(i)) {
                out.writeBytes(b, req.lineStart[i], req.valueEnd[i] - req.lineStart[i])
                        .writeBytes(CRLF);
            }
        }
        if (req.webSocket()) {
            int u = req.webSocketUpgrade;
            out.writeBytes(UPGRADE)
                    .writeBytes(b, req.valueStart[u], req.valueEnd[u] - req.valueStart[u])
                    .writeBytes(CRLF);
        }
        if (req.chunked) {
            out.writeBytes(CHUNKED);
        }
        out.writeBytes(XFF);
        int xff = req.forwardedFor;
        if (xff >= 0 && req.valueEnd[xff] > req.valueStart[xff]) {
            out.writeBytes(b, req.valueStart[xff], req.valueEnd[xff] - req.valueStart[xff])
                    .writeByte(',')
                    .writeByte(' ');
        }
        ByteBufUtil.writeAscii(out, source);
        out.writeBytes(CRLF);
        out.writeBytes(PROTO_PORT);
        ByteBufUtil.writeAscii(out, port);
        out.writeBytes(CRLF);
        int trace = req.traceId;
        out.writeBytes(trace < 0 ? ROOT : SELF);
        writeTraceId(out);
        if (trace >= 0) {
            out.writeByte(';').writeBytes(b, req.valueStart[trace], req.valueEnd[trace] - req.valueStart[trace]);
        }
        out.writeBytes(CRLF);
        if (req.host < 0) {
            out.writeBytes(HOST);
            ByteBufUtil.writeAscii(out, hostHeader);
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
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
}
