package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The header lines of one HTTP head as byte ranges of the buffer it was read from, with what the
 * Connection header says: what a client's request ({@link ClientRequest}) and a target's response
 * ({@link ResponseHead}) have in common, so a proxy can copy lines instead of building header
 * objects. Line {@code i} has its name at {@code [lineStart, nameEnd)}, its value without the
 * whitespace around it at {@code [valueStart, valueEnd)} and a {@code kind} its subclass defines.
 */
abstract class HeadLines {

    /** A line forwarded as it came. */
    static final byte KEEP = 0;
    /** A hop-by-hop line (RFC 9110 7.6.1): never forwarded. */
    static final byte HOP_BY_HOP = 1;

    ByteBuf buf;
    /** The HTTP/1.x minor version. */
    int minor;

    int count;
    int[] lineStart = new int[16];
    int[] nameEnd = new int[16];
    int[] valueStart = new int[16];
    int[] valueEnd = new int[16];
    byte[] kind = new byte[16];
    /** -1 when absent. */
    long contentLength;

    boolean close;
    boolean keepAliveToken;
    boolean upgradeToken;
    /** Further header names the Connection header lists (lower case), or null. */
    List<String> connectionNames;
    /** The bounds of the list element {@link #element} found last. */
    int elementStart;

    int elementEnd;

    /** Whether the connection stays open after this message (HTTP/1.1, or HTTP/1.0 with keep-alive, and no close). */
    boolean keepAlive() {
        return !close && (minor >= 1 || keepAliveToken);
    }

    /** Starts a new head read from {@code b}. */
    void reset(ByteBuf b) {
        buf = b;
        count = 0;
        contentLength = -1;
        close = false;
        keepAliveToken = false;
        upgradeToken = false;
        connectionNames = null;
    }

    void add(int from, int ne, int vs, int ve, byte k) {
        if (count == lineStart.length) {
            int n = count * 2;
            lineStart = Arrays.copyOf(lineStart, n);
            nameEnd = Arrays.copyOf(nameEnd, n);
            valueStart = Arrays.copyOf(valueStart, n);
            valueEnd = Arrays.copyOf(valueEnd, n);
            kind = Arrays.copyOf(kind, n);
        }
        lineStart[count] = from;
        nameEnd[count] = ne;
        valueStart[count] = vs;
        valueEnd[count] = ve;
        kind[count] = k;
        count++;
    }

    /** Whether the Connection header lists the name of line {@code i} (so it is not forwarded). */
    boolean listedInConnection(int i) {
        if (connectionNames == null) {
            return false;
        }
        String name = buf.toString(lineStart[i], nameEnd[i] - lineStart[i], StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        return connectionNames.contains(name);
    }

    /** Reads a Connection header's tokens in {@code [from, to)}. */
    void connection(int from, int to) {
        for (int at = from; at <= to; ) {
            at = element(at, to);
            int s = elementStart;
            int n = elementEnd - s;
            if (n == 5 && is(buf, s, "close")) {
                close = true;
            } else if (n == 10 && is(buf, s, "keep-alive")) {
                keepAliveToken = true;
            } else if (n == 7 && is(buf, s, "upgrade")) {
                upgradeToken = true;
            } else if (n > 0) {
                if (connectionNames == null) {
                    connectionNames = new ArrayList<>(2);
                }
                connectionNames.add(
                        buf.toString(s, n, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
            }
        }
    }

    /**
     * Reads a Content-Length value in {@code [from, to)}: digits, or a list of identical values
     * (RFC 9110 8.6), the same as any Content-Length line before; returns what is wrong, or null.
     */
    String contentLength(int from, int to) {
        long value = -1;
        for (int at = from; at <= to; ) {
            at = element(at, to);
            int s = elementStart;
            int e = elementEnd;
            if (e == s || e - s > 18) {
                return "bad Content-Length";
            }
            long v = 0;
            for (int k = s; k < e; k++) {
                byte c = buf.getByte(k);
                if (c < '0' || c > '9') {
                    return "bad Content-Length";
                }
                v = v * 10 + c - '0';
            }
            if (value >= 0 && value != v) {
                return "bad Content-Length";
            }
            value = v;
        }
        if (contentLength >= 0 && contentLength != value) {
            return "conflicting Content-Length headers";
        }
        contentLength = value;
        return null;
    }

    /**
     * Finds the element of a comma-separated list in {@code [at, to)} that starts at {@code at},
     * without the whitespace around it, in {@link #elementStart} and {@link #elementEnd}; returns
     * where the next one starts ({@code to + 1} after the last). Use:
     * {@code for (int at = from; at <= to;) { at = element(at, to); ... }}.
     */
    final int element(int at, int to) {
        ByteBuf b = buf;
        int comma = at < to ? b.indexOf(at, to, (byte) ',') : -1;
        int end = comma < 0 ? to : comma;
        int s = at;
        while (s < end && (b.getByte(s) == ' ' || b.getByte(s) == '\t')) {
            s++;
        }
        int e = end;
        while (e > s && (b.getByte(e - 1) == ' ' || b.getByte(e - 1) == '\t')) {
            e--;
        }
        elementStart = s;
        elementEnd = e;
        return comma < 0 ? to + 1 : comma + 1;
    }

    /** Index after the spaces and tabs from {@code from}, at most {@code to}. */
    static int skipSpace(ByteBuf b, int from, int to) {
        int s = from;
        while (s < to && (b.getByte(s) == ' ' || b.getByte(s) == '\t')) {
            s++;
        }
        return s;
    }

    /** Index after the last byte before {@code to} that is not a space or tab, at least {@code from}. */
    static int trimEnd(ByteBuf b, int from, int to) {
        int e = to;
        while (e > from && (b.getByte(e - 1) == ' ' || b.getByte(e - 1) == '\t')) {
            e--;
        }
        return e;
    }

    /** Case-insensitive match of {@code lower} (letters, digits and '-') at {@code at}. */
    static boolean is(ByteBuf b, int at, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            if ((b.getByte(at + i) | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
