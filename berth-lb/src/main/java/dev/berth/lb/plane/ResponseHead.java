package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A target's response head as {@link ResponseFramer} parsed it: byte ranges of the buffer it was
 * read from plus the few facts a proxy needs (status, version, framing, Connection tokens), so
 * the head for the client can be written by copying ranges. One instance per target connection,
 * reused for each of its responses: nothing is allocated per response unless the Connection
 * header lists further header names.
 */
final class ResponseHead {
    static final byte KEEP = 0;
    static final byte HOP_BY_HOP = 1;
    static final byte CONTENT_LENGTH = 2;
    static final byte FOLDED = 3;

    ByteBuf buf;
    /** Index after the blank line that ends the head. */
    int end;
    /** Index of the status code in the status line, and of the status line's end (before CR LF). */
    int statusStart;
    int statusLineEnd;
    int minor;
    int status;
    int count;
    int[] lineStart = new int[16];
    int[] lineEnd = new int[16];
    int[] nameEnd = new int[16];
    byte[] kind = new byte[16];
    /** -1 when absent. */
    long contentLength;
    boolean transferEncoding;
    /** Whether the last transfer coding is chunked. */
    boolean chunked;
    boolean close;
    boolean keepAliveToken;
    /** Further header names the Connection header lists (lower case), or null. */
    List<String> connectionNames;

    boolean keepAlive() {
        return !close && (minor >= 1 || keepAliveToken);
    }

    /** Whether header line {@code i} goes to the client (not hop-by-hop, not listed in Connection, not a Content-Length beaten by Transfer-Encoding). */
    boolean forwarded(int i) {
        byte k = kind[i];
        if (k == HOP_BY_HOP || k == CONTENT_LENGTH && transferEncoding) {
            return false;
        }
        if (connectionNames != null && k != FOLDED) {
            String name = buf.toString(lineStart[i], nameEnd[i] - lineStart[i], StandardCharsets.ISO_8859_1)
                    .toLowerCase(Locale.ROOT);
            return !connectionNames.contains(name);
        }
        return true;
    }

    /** Parses the head in {@code [start, end)}; returns what is wrong, or null. */
    String parse(ByteBuf b, int start, int end) {
        buf = b;
        this.end = end;
        count = 0;
        contentLength = -1;
        transferEncoding = false;
        chunked = false;
        close = false;
        keepAliveToken = false;
        connectionNames = null;
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
            add(from, to, from, FOLDED);
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
        int vs = colon + 1;
        int ve = to;
        while (vs < ve && (b.getByte(vs) == ' ' || b.getByte(vs) == '\t')) {
            vs++;
        }
        while (ve > vs && (b.getByte(ve - 1) == ' ' || b.getByte(ve - 1) == '\t')) {
            ve--;
        }
        int length = ne - from;
        byte k = KEEP;
        if (length == 14 && is(b, from, "content-length")) {
            k = CONTENT_LENGTH;
            String problem = contentLength(b, vs, ve);
            if (problem != null) {
                return problem;
            }
        } else if (HttpListener.hopByHop(b, from, length)) {
            k = HOP_BY_HOP;
            if (length == 10 && is(b, from, "connection")) {
                connection(b, vs, ve);
            } else if (length == 17 && is(b, from, "transfer-encoding")) {
                transferEncoding = true;
                chunked = endsWithChunked(b, vs, ve);
            }
        }
        add(from, to, ne, k);
        return null;
    }

    private void add(int from, int to, int ne, byte k) {
        if (count == lineStart.length) {
            int n = count * 2;
            lineStart = Arrays.copyOf(lineStart, n);
            lineEnd = Arrays.copyOf(lineEnd, n);
            nameEnd = Arrays.copyOf(nameEnd, n);
            kind = Arrays.copyOf(kind, n);
        }
        lineStart[count] = from;
        lineEnd[count] = to;
        nameEnd[count] = ne;
        kind[count] = k;
        count++;
    }

    private void connection(ByteBuf b, int from, int to) {
        int i = from;
        while (i <= to) {
            int comma = i < to ? b.indexOf(i, to, (byte) ',') : -1;
            int te = comma < 0 ? to : comma;
            int s = i;
            int e = te;
            while (s < e && (b.getByte(s) == ' ' || b.getByte(s) == '\t')) {
                s++;
            }
            while (e > s && (b.getByte(e - 1) == ' ' || b.getByte(e - 1) == '\t')) {
                e--;
            }
            int n = e - s;
            if (n == 5 && is(b, s, "close")) {
                close = true;
            } else if (n == 10 && is(b, s, "keep-alive")) {
                keepAliveToken = true;
            } else if (n > 0 && !(n == 7 && is(b, s, "upgrade"))) {
                if (connectionNames == null) {
                    connectionNames = new ArrayList<>(2);
                }
                connectionNames.add(b.toString(s, n, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
            }
            if (comma < 0) {
                break;
            }
            i = comma + 1;
        }
    }

    /** Content-Length: digits, or a list of identical values (RFC 9110 8.6); a different second value is an error. */
    private String contentLength(ByteBuf b, int from, int to) {
        long value = -1;
        long v = 0;
        int digits = 0;
        for (int i = from; i <= to; i++) {
            byte c = i < to ? b.getByte(i) : (byte) ',';
            if (c >= '0' && c <= '9') {
                if (++digits > 18) {
                    return "Content-Length too large";
                }
                v = v * 10 + c - '0';
            } else if (c == ',') {
                if (digits == 0 || value >= 0 && value != v) {
                    return "bad Content-Length";
                }
                value = v;
                v = 0;
                digits = 0;
            } else if (c != ' ' && c != '\t' || digits > 0 && i + 1 < to && b.getByte(i + 1) >= '0' && b.getByte(i + 1) <= '9') {
                return "bad Content-Length";
            }
        }
        if (contentLength >= 0 && contentLength != value) {
            return "conflicting Content-Length headers";
        }
        contentLength = value;
        return null;
    }

    private static boolean endsWithChunked(ByteBuf b, int from, int to) {
        int e = to;
        int s = b.indexOf(to, from, (byte) ',');
        s = s < 0 ? from : s + 1;
        while (s < e && (b.getByte(s) == ' ' || b.getByte(s) == '\t')) {
            s++;
        }
        return e - s == 7 && is(b, s, "chunked");
    }

    private static boolean startsWith(ByteBuf b, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b.getByte(at + i) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive match of {@code lower} (letters and '-') at {@code at}. */
    static boolean is(ByteBuf b, int at, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            if ((b.getByte(at + i) | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
