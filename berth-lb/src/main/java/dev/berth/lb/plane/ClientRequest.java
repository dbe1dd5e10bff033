package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's request head as {@link RequestParser} read it: byte ranges of the buffer it came in
 * plus what the load balancer decides with (method, version, framing, Connection tokens, the
 * headers it rewrites), so the target's head can be written by copying ranges
 * ({@link RequestHead}). One instance per client connection, reused for every request; it is valid
 * only while {@link RequestParser.Sink#head} runs.
 *
 * <p>The parse is strict, because the client side is where request smuggling is stopped: lines end
 * in CR LF, the method and header names are tokens, a colon follows the name directly, values hold
 * no control bytes, folded lines, a Transfer-Encoding together with a Content-Length, a final
 * transfer coding other than chunked, differing Content-Length values and a missing or repeated
 * Host (HTTP/1.1) are refused. {@link #parse} answers the status to refuse with: 400, 414 (request
 * line over 16 KiB), 431 (header section over 64 KiB), 501 (a transfer coding besides chunked) or
 * 505 (not HTTP/1.x).
 */
final class ClientRequest extends HeadLines {
    /** X-Forwarded-Proto and X-Forwarded-Port: the load balancer writes its own. */
    static final byte REPLACED = 2;
    /** X-Forwarded-For and X-Amzn-Trace-Id: the first one's value is extended, any others dropped. */
    static final byte EXTENDED = 3;

    static final int MAX_LINE = 16384;
    static final int MAX_HEADERS = 65536;

    int start;
    int methodEnd;
    int uriStart;
    int uriEnd;
    boolean head;
    boolean chunked;
    /** The line index of the Upgrade header when it offers websocket, else -1. */
    int webSocketUpgrade;
    /** Line indexes of the Host header and of the first X-Forwarded-For and X-Amzn-Trace-Id, or -1. */
    int host;

    int forwardedFor;
    int traceId;
    private int transferCodings;
    private String uri;

    boolean webSocket() {
        return upgradeToken && webSocketUpgrade >= 0;
    }

    boolean http10() {
        return minor == 0;
    }

    String method() {
        return buf.toString(start, methodEnd - start, StandardCharsets.ISO_8859_1);
    }

    /** The request target as sent. */
    String uri() {
        String u = uri;
        if (u == null) {
            u = uri = buf.toString(uriStart, uriEnd - uriStart, StandardCharsets.ISO_8859_1);
        }
        return u;
    }

    /** The first value of header {@code name} (any case), or null. */
    String header(String name) {
        for (int i = 0; i < count; i++) {
            if (named(i, name)) {
                return value(i);
            }
        }
        return null;
    }

    /** Every value of header {@code name} (any case), in order. */
    List<String> headers(String name) {
        List<String> values = new ArrayList<>(1);
        for (int i = 0; i < count; i++) {
            if (named(i, name)) {
                values.add(value(i));
            }
        }
        return values;
    }

    String value(int i) {
        return buf.toString(valueStart[i], valueEnd[i] - valueStart[i], StandardCharsets.ISO_8859_1);
    }

    boolean named(int i, String name) {
        int n = nameEnd[i] - lineStart[i];
        if (n != name.length()) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (lower(buf.getByte(lineStart[i] + k)) != lower((byte) name.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** Whether line {@code i} goes to the target as it came. */
    boolean forwarded(int i) {
        return kind[i] == KEEP && !listedInConnection(i);
    }

    /**
     * Parses the head in {@code [from, end)} ({@code end} is after the blank line; every line ends
     * in CR LF, which the parser checked); returns 0 or the status to refuse the request with.
     */
    int parse(ByteBuf b, int from, int end) {
        reset(b);
        chunked = false;
        webSocketUpgrade = -1;
        host = -1;
        forwardedFor = -1;
        traceId = -1;
        transferCodings = 0;
        uri = null;
        int lineEnd = b.indexOf(from, end, (byte) '\n') - 1;
        int status = requestLine(b, from, lineEnd);
        if (status != 0) {
            return status;
        }
        int i = lineEnd + 2;
        while (i < end - 2) {
            int le = b.indexOf(i, end, (byte) '\n') - 1;
            status = header(b, i, le);
            if (status != 0) {
                return status;
            }
            i = le + 2;
        }
        if (transferCodings > 0 && contentLength >= 0) {
            return 400; // RFC 9112 6.3: a request with both is a smuggling attempt
        }
        if (transferCodings > 0 && !chunked) {
            return 400; // RFC 9112 6.3: the body's length cannot be determined
        }
        if (transferCodings > 1) {
            return 501; // a coding besides chunked: not passed on (RFC 9112 6.1: 501 for a coding not implemented)
        }
        if (host < 0 && minor >= 1) {
            return 400; // RFC 9112 3.2
        }
        return 0;
    }

    private int requestLine(ByteBuf b, int from, int to) {
        start = from;
        int i = tokenEnd(b, from, to);
        if (i == from || i == to || b.getByte(i) != ' ') {
            return 400;
        }
        methodEnd = i;
        head = i - from == 4
                && b.getByte(from) == 'H'
                && b.getByte(from + 1) == 'E'
                && b.getByte(from + 2) == 'A'
                && b.getByte(from + 3) == 'D';
        uriStart = ++i;
        while (i < to && b.getByte(i) != ' ') {
            byte c = b.getByte(i);
            if ((c & 255) <= ' ' || c == 0x7f) {
                return 400;
            }
            i++;
        }
        uriEnd = i;
        if (uriEnd == uriStart || i == to || to - i != 9) {
            return 400;
        }
        if (!(b.getByte(i + 1) == 'H'
                && b.getByte(i + 2) == 'T'
                && b.getByte(i + 3) == 'T'
                && b.getByte(i + 4) == 'P'
                && b.getByte(i + 5) == '/'
                && digit(b.getByte(i + 6))
                && b.getByte(i + 7) == '.'
                && digit(b.getByte(i + 8)))) {
            return 400;
        }
        if (b.getByte(i + 6) != '1') {
            return 505;
        }
        minor = b.getByte(i + 8) - '0';
        return 0;
    }

    private int header(ByteBuf b, int from, int to) {
        int ne = fieldNameEnd(b, from, to);
        if (ne < 0) {
            return 400; // a folded line, an empty name, a name with bad bytes or whitespace before the colon
        }
        int vs = skipSpace(b, ne + 1, to);
        if (!fieldText(b, vs, to)) {
            return 400;
        }
        int ve = trimEnd(b, vs, to);
        int n = ne - from;
        byte k = KEEP;
        int line = count;
        if (n == 4 && is(b, from, "host")) {
            if (host >= 0) {
                return 400;
            }
            host = line;
        } else if (n == 14 && is(b, from, "content-length")) {
            if (contentLength(vs, ve) != null) {
                return 400;
            }
        } else if (n == 15 && is(b, from, "x-forwarded-for")) {
            k = forwardedFor < 0 ? EXTENDED : REPLACED;
            forwardedFor = forwardedFor < 0 ? line : forwardedFor;
        } else if (n == 15 && is(b, from, "x-amzn-trace-id")) {
            k = traceId < 0 ? EXTENDED : REPLACED;
            traceId = traceId < 0 ? line : traceId;
        } else if (n == 17 && is(b, from, "x-forwarded-proto") || n == 16 && is(b, from, "x-forwarded-port")) {
            k = REPLACED;
        } else if (HttpListener.hopByHop(b, from, n)) {
            k = HOP_BY_HOP;
            if (n == 10 && is(b, from, "connection")) {
                connection(vs, ve);
            } else if (n == 17 && is(b, from, "transfer-encoding")) {
                if (!transferEncoding(vs, ve)) {
                    return 400;
                }
            } else if (n == 7 && is(b, from, "upgrade") && webSocketUpgrade < 0 && hasToken(vs, ve, "websocket")) {
                webSocketUpgrade = line;
            }
        }
        add(from, ne, vs, ve, k);
        return 0;
    }

    /** Transfer-Encoding: chunked must be the last coding and appear once; false for a malformed list. */
    private boolean transferEncoding(int from, int to) {
        for (int at = from; at <= to; ) {
            at = element(at, to);
            if (elementEnd > elementStart) {
                if (chunked) {
                    return false; // nothing may follow chunked, and chunked only once
                }
                transferCodings++;
                chunked = elementEnd - elementStart == 7 && is(buf, elementStart, "chunked");
            }
        }
        return true;
    }

    private boolean hasToken(int from, int to, String lower) {
        for (int at = from; at <= to; ) {
            at = element(at, to);
            if (elementEnd - elementStart == lower.length() && is(buf, elementStart, lower)) {
                return true;
            }
        }
        return false;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
    }

    /** Index after the token (RFC 9110 5.6.2) that starts at {@code from}, at most {@code to}. */
    static int tokenEnd(ByteBuf b, int from, int to) {
        int i = from;
        while (i < to && TOKEN[b.getByte(i) & 255]) {
            i++;
        }
        return i;
    }

    /** The index of the colon after a field line's name (a token right before it) in {@code [from, to)}, or -1. */
    static int fieldNameEnd(ByteBuf b, int from, int to) {
        int i = tokenEnd(b, from, to);
        return i == from || i == to || b.getByte(i) != ':' ? -1 : i;
    }

    /** Whether {@code [from, to)} holds no control bytes but HTAB (field values, chunk extensions). */
    static boolean fieldText(ByteBuf b, int from, int to) {
        for (int k = from; k < to; k++) {
            byte c = b.getByte(k);
            if ((c & 255) < ' ' && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 5.6.2 tchar. */
    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }
}
