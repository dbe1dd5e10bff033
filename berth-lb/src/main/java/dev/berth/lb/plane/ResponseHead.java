package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;

/**
 * A target's response head as {@link ResponseFramer} parsed it: byte ranges of the buffer it was
 * read from plus the few facts a proxy needs (status, version, framing, Connection tokens), so
 * the head for the client can be written by copying ranges. One instance per target connection,
 * reused for each of its responses: nothing is allocated per response unless the Connection
 * header lists further header names.
 */
final class ResponseHead extends HeadLines {
    static final byte CONTENT_LENGTH = 2;
    static final byte FOLDED = 3;

    /** Index after the blank line that ends the head. */
    int end;
    /** Index of the status code in the status line, and of the status line's end (before CR LF). */
    int statusStart;

    int statusLineEnd;
    int status;
    boolean transferEncoding;
    /** Whether the last transfer coding is chunked. */
    boolean chunked;

    /** Whether header line {@code i} goes to the client (not hop-by-hop, not listed in Connection, not a Content-Length beaten by Transfer-Encoding). */
    boolean forwarded(int i) {
        byte k = kind[i];
        if (k == HOP_BY_HOP || k == CONTENT_LENGTH && transferEncoding) {
            return false;
        }
        return k == FOLDED || !listedInConnection(i);
    }

    /** Parses the head in {@code [start, end)}; returns what is wrong, or null. */
    String parse(ByteBuf b, int start, int end) {
        reset(b);
        this.end = end;
        transferEncoding = false;
        chunked = false;
        int lf = b.indexOf(start, end, (byte) '\n');
        int le = lineEnd(b, start, lf);
        String problem = statusLine(b, start, le);
        if (problem != null) {
            return problem;
        }
        int i = lf + 1;
        while (i < end) {
            lf = b.indexOf(i, end, (byte) '\n');
            le = lineEnd(b, i, lf);
            if (le == i) {
                break; // the blank line
            }
            problem = header(b, i, le);
            if (problem != null) {
                return problem;
            }
            i = lf + 1;
        }
        return null;
    }

    private static int lineEnd(ByteBuf b, int from, int lf) {
        return lf > from && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    private String statusLine(ByteBuf b, int from, int to) {
        if (to - from < 12 || !startsWith(b, from, "HTTP/1.")) {
            return "no HTTP/1.x status line";
        }
        byte v = b.getByte(from + 7);
        if (v < '0' || v > '9' || b.getByte(from + 8) != ' ') {
            return "bad HTTP version";
        }
        minor = v - '0';
        int s = from + 9;
        while (s < to && b.getByte(s) == ' ') {
            s++;
        }
        if (s + 3 > to) {
            return "no status code";
        }
        int code = 0;
        for (int k = 0; k < 3; k++) {
            byte d = b.getByte(s + k);
            if (d < '0' || d > '9') {
                return "bad status code";
            }
            code = code * 10 + d - '0';
        }
        if (code < 100 || s + 3 < to && b.getByte(s + 3) != ' ') {
            return "bad status code";
        }
        status = code;
        statusStart = s;
        statusLineEnd = to;
        return null;
    }

    private String header(ByteBuf b, int from, int to) {
        byte first = b.getByte(from);
        if (first == ' ' || first == '\t') {
            if (count == 0) {
                return "folded line before any header";
            }
            byte before = kind[count - 1];
            if (before == CONTENT_LENGTH || before == HOP_BY_HOP) {
                return "folded framing header";
            }
            int vs = skipSpace(b, from, to);
            add(from, from, vs, trimEnd(b, vs, to), FOLDED);
            return null;
        }
        int colon = b.indexOf(from, to, (byte) ':');
        if (colon < 0) {
            return "header line without a colon";
        }
        int ne = colon;
        while (ne > from && (b.getByte(ne - 1) == ' ' || b.getByte(ne - 1) == '\t')) {
            ne--;
        }
        if (ne == from) {
            return "empty header name";
        }
        int vs = skipSpace(b, colon + 1, to);
        int ve = trimEnd(b, vs, to);
        int length = ne - from;
        byte k = KEEP;
        if (length == 14 && is(b, from, "content-length")) {
            k = CONTENT_LENGTH;
            String problem = contentLength(vs, ve);
            if (problem != null) {
                return problem;
            }
        } else if (HttpListener.hopByHop(b, from, length)) {
            k = HOP_BY_HOP;
            if (length == 10 && is(b, from, "connection")) {
                connection(vs, ve);
            } else if (length == 17 && is(b, from, "transfer-encoding")) {
                transferEncoding = true;
                chunked = endsWithChunked(vs, ve);
            }
        }
        add(from, ne, vs, ve, k);
        return null;
    }

    private boolean endsWithChunked(int from, int to) {
        boolean last = false;
        for (int at = from; at <= to; ) {
            at = element(at, to);
            last = elementEnd - elementStart == 7 && is(buf, elementStart, "chunked");
        }
        return last;
    }

    private static boolean startsWith(ByteBuf b, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b.getByte(at + i) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
