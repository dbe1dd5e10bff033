package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Splits the bytes a target sends back into HTTP/1.1 responses without decoding them into header
 * objects: it finds each response head, reads from it only what a proxy needs (status, HTTP
 * version, Content-Length, Transfer-Encoding, Connection and which lines are hop-by-hop) and then
 * knows where the body ends, by length, by chunk framing or at close, RFC 9112 section 6.3.
 *
 * <p>Why not Netty's HTTP decoder: it turns every header of every response into Strings in a
 * header map that the proxy would only re-encode; profiles of bench/lb.sh showed that decode and
 * encode as the largest Java cost per request. Here the head is scanned once and the client's head
 * is written from byte ranges of the original ({@link ResponseHead}), and bodies go on as slices of the
 * buffers read, with chunk framing passed through as it came (or removed for an HTTP/1.0 client).
 *
 * <p>Leniency matches what the proxy had with Netty's decoder for targets: lines may end in a bare
 * LF, header names and values are not checked character by character, whitespace before a colon is
 * tolerated, folded lines continue the header before them. A response it cannot frame (no status
 * line, a line without a colon, conflicting Content-Length values, a bad chunk size, a head over
 * the limits) is {@link Sink#malformed malformed}: the exchange answers 502 and the connection is
 * closed.
 *
 * <p>One framer belongs to one target connection and runs on its event loop. Its states:
 * {@code IDLE} (no exchange), {@code HEAD}, then {@code LENGTH}, {@code CHUNK_SIZE} →
 * {@code CHUNK_DATA} → {@code CHUNK_END} … → {@code TRAILER}, or {@code UNTIL_CLOSE}, back to
 * {@code IDLE} at the end of a response; {@code TUNNEL} after a 101 for a WebSocket upgrade.
 */
final class ResponseFramer extends ByteFramer {

    /** Where the framer's findings go; every call happens inside {@link #feed} or {@link #closed}. */
    interface Sink extends BodySink {
        /** A final response head, before its body. {@code head} and its buffer are valid only during the call. */
        void head(ResponseHead head);

        /** An informational (1xx) response, to pass on as it came; the final response follows. */
        void informational(ByteBuf buf, int index, int length);

        /** The target switched protocols (a WebSocket upgrade): the head as it came; tunnel bytes follow. */
        void upgraded(ByteBuf buf, int index, int length);

        /** Bytes for the client: body (with chunk framing unless {@link #dechunk} was called) or tunnel data. */
        @Override
        void body(ByteBuf buf, int index, int length);

        /** The response ended; {@code reusable}: the connection may carry the next request. */
        void end(boolean reusable);

        /** The target's bytes are not HTTP the proxy can frame. */
        void malformed(String why);
    }

    /** Status line plus header section: 16 KiB for the line and 64 KiB of headers, as for client requests. */
    static final int MAX_HEAD = 16384 + 65536;

    private static final int MAX_LINE = 8192;

    private enum State {
        IDLE,
        HEAD,
        LENGTH,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILER,
        UNTIL_CLOSE,
        TUNNEL
    }

    private final Sink sink;
    private final ResponseHead head = new ResponseHead();
    private State state = State.IDLE;
    private boolean headRequest;
    private boolean upgradeRequest;
    private boolean dechunk;
    private boolean keepAlive;

    ResponseFramer(Sink sink, ByteBufAllocator alloc) {
        super(sink, alloc);
        this.sink = sink;
    }

    /** A request was sent: expect its response. A HEAD request's response has no body whatever it says. */
    void begin(boolean headRequest, boolean upgradeRequest) {
        this.headRequest = headRequest;
        this.upgradeRequest = upgradeRequest;
        this.dechunk = false;
        this.state = State.HEAD;
    }

    /** From {@link Sink#head}: pass a chunked body on without its framing (the client speaks HTTP/1.0). */
    void dechunk() {
        dechunk = true;
    }

    /** Whether a response is being read (a head or body is incomplete). */
    boolean inResponse() {
        return state != State.IDLE && state != State.TUNNEL;
    }

    /** Whether bytes are expected at all: false between exchanges, when anything the target sends is a violation. */
    boolean expecting() {
        return state != State.IDLE;
    }

    /** Frames {@code data} (taking ownership of it). */
    void feed(ByteBuf data) {
        ByteBuf in = joined(data);
        try {
            while (in.isReadable()) {
                boolean more =
                        switch (state) {
                            case IDLE -> false;
                            case HEAD -> head(in);
                            case LENGTH -> length(in);
                            case CHUNK_SIZE -> chunkSize(in);
                            case CHUNK_DATA -> chunkData(in);
                            case CHUNK_END -> chunkEnd(in);
                            case TRAILER -> trailer(in);
                            case UNTIL_CLOSE, TUNNEL -> {
                                sink.body(in, in.readerIndex(), in.readableBytes());
                                in.skipBytes(in.readableBytes());
                                yield true;
                            }
                        };
                if (!more) {
                    break;
                }
            }
        } finally {
            in.release();
        }
    }

    /** The target closed the connection: a body read until close has ended. */
    boolean closed() {
        release();
        if (state == State.UNTIL_CLOSE) {
            state = State.IDLE;
            sink.end(false);
            return true;
        }
        return false;
    }

    /** Keeps the unread rest of {@code in} for the next read (an incomplete line or head), within {@code limit}. */
    private boolean keep(ByteBuf in, int limit, String what) {
        if (in.readableBytes() > limit) {
            return fail(what + " too long");
        }
        return keep(in);
    }

    private boolean fail(String why) {
        state = State.IDLE;
        sink.malformed(why);
        return false;
    }

    private void ended(ByteBuf in) {
        state = State.IDLE;
        sink.end(keepAlive && !in.isReadable());
    }

    // ---- head ---------------------------------------------------------------------------------

    private boolean head(ByteBuf in) {
        int start = in.readerIndex();
        int limit = in.writerIndex();
        while (start < limit && (in.getByte(start) == '\r' || in.getByte(start) == '\n')) {
            start++; // empty lines before a status line are ignored
        }
        in.readerIndex(start);
        int end = headEnd(in, start, limit);
        if (end < 0) {
            return keep(in, MAX_HEAD, "response head");
        }
        if (end - start > MAX_HEAD) {
            return fail("response head too long");
        }
        String problem = head.parse(in, start, end);
        if (problem != null) {
            return fail(problem);
        }
        in.readerIndex(end);
        int status = head.status;
        if (status < 200) {
            if (status == 101 && upgradeRequest) {
                state = State.TUNNEL;
                sink.upgraded(in, start, end - start);
            } else {
                sink.informational(in, start, end - start);
            }
            return true;
        }
        keepAlive = head.keepAlive();
        boolean bodyless = headRequest || status == 204 || status == 304;
        if (bodyless) {
            sink.head(head);
            ended(in);
            return false;
        }
        if (head.transferEncoding) {
            state = head.chunked ? State.CHUNK_SIZE : State.UNTIL_CLOSE;
        } else if (head.contentLength >= 0) {
            state = State.LENGTH;
            remaining = head.contentLength;
        } else {
            state = State.UNTIL_CLOSE;
        }
        if (state == State.UNTIL_CLOSE) {
            keepAlive = false;
        }
        sink.head(head);
        if (state == State.LENGTH && remaining == 0) {
            ended(in);
            return false;
        }
        return state != State.IDLE;
    }

    /** Index after the blank line that ends the head, or -1. */
    private static int headEnd(ByteBuf in, int from, int limit) {
        int i = from;
        while (i < limit) {
            int lf = in.indexOf(i, limit, (byte) '\n');
            if (lf < 0) {
                return -1;
            }
            int next = lf + 1;
            if (next < limit && in.getByte(next) == '\n') {
                return next + 1;
            }
            if (next + 1 < limit && in.getByte(next) == '\r' && in.getByte(next + 1) == '\n') {
                return next + 2;
            }
            if (next + 1 >= limit && next < limit && in.getByte(next) == '\r') {
                return -1; // "\r" at the very end: wait for the byte after it
            }
            i = next;
        }
        return -1;
    }

    // ---- body ---------------------------------------------------------------------------------

    private boolean length(ByteBuf in) {
        if (passCounted(in)) {
            ended(in);
            return false;
        }
        return true;
    }

    private boolean chunkSize(ByteBuf in) {
        int from = in.readerIndex();
        int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return keep(in, MAX_LINE, "chunk size line");
        }
        long size = 0;
        int digits = 0;
        int i = from;
        for (; i < lf; i++) {
            int d = Character.digit(in.getByte(i), 16);
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                return fail("chunk size too large");
            }
            size = size * 16 + d;
        }
        byte after = i < lf ? in.getByte(i) : (byte) '\n';
        if (digits == 0 || after != ';' && after != ' ' && after != '\t' && after != '\r' && after != '\n') {
            return fail("bad chunk size line");
        }
        if (!dechunk) {
            sink.body(in, from, lf + 1 - from);
        }
        in.readerIndex(lf + 1);
        remaining = size;
        state = size == 0 ? State.TRAILER : State.CHUNK_DATA;
        return true;
    }

    private boolean chunkData(ByteBuf in) {
        if (passCounted(in)) {
            state = State.CHUNK_END;
        }
        return true;
    }

    private boolean chunkEnd(ByteBuf in) {
        int from = in.readerIndex();
        byte b = in.getByte(from);
        int len;
        if (b == '\n') {
            len = 1;
        } else if (b == '\r') {
            if (in.readableBytes() < 2) {
                return keep(in, 2, "chunk end");
            }
            if (in.getByte(from + 1) != '\n') {
                return fail("chunk data longer than its size");
            }
            len = 2;
        } else {
            return fail("chunk data longer than its size");
        }
        if (!dechunk) {
            sink.body(in, from, len);
        }
        in.skipBytes(len);
        state = State.CHUNK_SIZE;
        return true;
    }

    private boolean trailer(ByteBuf in) {
        int from = in.readerIndex();
        int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return keep(in, MAX_LINE, "trailer line");
        }
        if (!dechunk) {
            sink.body(in, from, lf + 1 - from);
        }
        in.readerIndex(lf + 1);
        boolean blank = lf == from || lf == from + 1 && in.getByte(from) == '\r';
        if (blank) {
            ended(in);
            return false;
        }
        return true;
    }
}
