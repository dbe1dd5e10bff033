package dev.berth.lb.plane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Splits the bytes a client sends into requests, strictly, without decoding them into header
 * objects: each head is parsed into byte ranges ({@link ClientRequest}) and the body is framed by
 * Content-Length or by chunks (RFC 9112 6, 7), and handed on as slices of the buffers read.
 *
 * <p>Why not Netty's HttpRequestDecoder: it turned every header of every request into Strings in a
 * header map that the proxy only wrote out again, and those objects were most of the garbage per
 * request behind the load balancer's GC pauses (docs/benchmarks.md). The rules it enforced for us
 * are enforced here, because this is the boundary where request smuggling is stopped: lines end in
 * CR LF (a bare LF or CR is an error), see {@link ClientRequest} for the head; chunk size lines are
 * hex digits, optionally followed by extensions, and chunk data must be followed by CR LF; trailer
 * lines are checked like header lines. A refused request is {@link Sink#malformed malformed} with
 * the status to answer (400, 414, 431, 501, 505) and nothing more is read from the connection.
 *
 * <p>What goes to the target for a chunked body: each chunk with its size line without extensions,
 * the last chunk and the trailer lines that are not hop-by-hop or framing headers.
 *
 * <p>Pipelining: a new request starts only when the sink is {@link Sink#ready ready} (the previous
 * response is done); until then the bytes after the previous request are held and
 * {@link #resume} goes on with them. States: {@code HEAD}, then {@code LENGTH} or
 * {@code CHUNK_SIZE} → {@code CHUNK_DATA} → {@code CHUNK_END} … → {@code TRAILER}, back to
 * {@code HEAD}; {@code BROKEN} after a refusal. One parser per client connection, on its event loop.
 */
final class RequestParser extends ByteFramer {

    /** Where the parser's findings go; every call happens inside {@link #feed} or {@link #resume}. */
    interface Sink extends BodySink {
        /** Whether a new request may start now. */
        boolean ready();

        /** A request head, before its body; valid only during the call. */
        void head(ClientRequest request);

        /** Body bytes as they go to the target (chunk framing included for a chunked body). */
        @Override
        void body(ByteBuf buf, int index, int length);

        /** The request's body is complete. */
        void end();

        /** The client's bytes are refused with {@code status}; nothing more will be parsed. */
        void malformed(int status);
    }

    private static final int MAX_CHUNK_LINE = 8192;
    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(new byte[] {'\r', '\n'}).asReadOnly());

    private enum State {
        HEAD,
        LENGTH,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILER,
        BROKEN
    }

    private final Sink sink;
    private final ClientRequest request = new ClientRequest();
    private State state = State.HEAD;
    private int trailerBytes;
    /** Where in {@link #pending} (from its start) the unfinished head's current line starts, and how far the search for its end got. */
    private int lineFrom;

    private int searchFrom;
    /** Where in {@link #pending} the header section starts (0: the request line is not complete). */
    private int headersFrom;
    /** The bytes in {@link #pending} wait because the sink was not ready. */
    private boolean held;

    RequestParser(Sink sink, ByteBufAllocator alloc) {
        super(sink, alloc);
        this.sink = sink;
    }

    /** Parses {@code data} (taking ownership of it). */
    void feed(ByteBuf data) {
        if (state == State.BROKEN) {
            data.release();
            return;
        }
        run(joined(data));
    }

    /** Goes on with held bytes once the sink is ready again. */
    void resume() {
        ByteBuf in = pending;
        if (in != null && state != State.BROKEN) {
            pending = null;
            run(in);
        }
    }

    /** Whether bytes wait for {@link #resume} (not merely the unfinished part of a request). */
    boolean holding() {
        return held && pending != null;
    }

    /** The bytes not yet parsed (after a protocol switch they belong to the tunnel), or null. */
    ByteBuf takePending() {
        ByteBuf p = pending;
        pending = null;
        lineFrom = 0;
        searchFrom = 0;
        headersFrom = 0;
        return p;
    }

    private void run(ByteBuf in) {
        try {
            while (in.isReadable()) {
                boolean more =
                        switch (state) {
                            case HEAD -> head(in);
                            case LENGTH -> length(in);
                            case CHUNK_SIZE -> chunkSize(in);
                            case CHUNK_DATA -> chunkData(in);
                            case CHUNK_END -> chunkEnd(in);
                            case TRAILER -> trailer(in);
                            case BROKEN -> false;
                        };
                if (!more) {
                    break;
                }
            }
        } finally {
            in.release();
        }
    }

    private boolean refuse(int status) {
        state = State.BROKEN;
        sink.malformed(status);
        return false;
    }

    private boolean ended() {
        state = State.HEAD;
        sink.end();
        return true;
    }

    // ---- head ---------------------------------------------------------------------------------

    private boolean head(ByteBuf in) {
        held = !sink.ready();
        if (held) {
            return keep(in);
        }
        int start = in.readerIndex();
        int limit = in.writerIndex();
        if (lineFrom == 0) {
            int skipped = 0;
            while (start + 1 < limit && in.getByte(start) == '\r' && in.getByte(start + 1) == '\n') {
                start += 2; // empty lines before a request line are ignored (RFC 9112 2.2)
                skipped += 2;
            }
            in.readerIndex(start);
            searchFrom = Math.max(0, searchFrom - skipped);
        }
        int i = start + lineFrom;
        int search = start + searchFrom;
        while (true) {
            int lf = in.indexOf(search, limit, (byte) '\n');
            if (lf < 0) {
                if (lineFrom == 0 && limit - start > ClientRequest.MAX_LINE + 1) {
                    return refuse(414);
                }
                if (headersFrom > 0 && limit - start - headersFrom > ClientRequest.MAX_HEADERS + 2) {
                    return refuse(431);
                }
                lineFrom = i - start;
                searchFrom = limit - start;
                return keep(in);
            }
            if (lf == i || in.getByte(lf - 1) != '\r' || in.indexOf(i, lf - 1, (byte) '\r') >= 0) {
                return refuse(400); // a bare LF, or a CR inside a line
            }
            if (i == start) {
                if (lf - 1 - start > ClientRequest.MAX_LINE) {
                    return refuse(414);
                }
                headersFrom = lf + 1 - start;
            }
            if (lf == i + 1) {
                break; // the blank line
            }
            i = lf + 1;
            search = i;
            if (i - start - headersFrom > ClientRequest.MAX_HEADERS) {
                return refuse(431);
            }
        }
        lineFrom = 0;
        searchFrom = 0;
        headersFrom = 0;
        int end = i + 2;
        int status = request.parse(in, start, end);
        if (status != 0) {
            return refuse(status);
        }
        in.readerIndex(end);
        sink.head(request);
        if (request.chunked) {
            state = State.CHUNK_SIZE;
            return true;
        }
        if (request.contentLength > 0) {
            state = State.LENGTH;
            remaining = request.contentLength;
            return true;
        }
        return ended();
    }

    // ---- body ---------------------------------------------------------------------------------

    private boolean length(ByteBuf in) {
        return !passCounted(in) || ended();
    }

    /** {@code 1*HEXDIG [ BWS ";" chunk-ext ] CRLF}; the size line goes on without its extensions. */
    private boolean chunkSize(ByteBuf in) {
        int from = in.readerIndex();
        int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return in.readableBytes() > MAX_CHUNK_LINE ? refuse(400) : keep(in);
        }
        long size = 0;
        int i = from;
        for (; i < lf; i++) {
            int d = Character.digit(in.getByte(i), 16);
            if (d < 0) {
                break;
            }
            if (i - from >= 15) {
                return refuse(400); // too large
            }
            size = size * 16 + d;
        }
        int digitsEnd = i;
        if (digitsEnd == from || lf - 1 < digitsEnd || in.getByte(lf - 1) != '\r') {
            return refuse(400);
        }
        if (digitsEnd < lf - 1) {
            int k = digitsEnd;
            while (k < lf - 1 && (in.getByte(k) == ' ' || in.getByte(k) == '\t')) {
                k++;
            }
            if (k == lf - 1 || in.getByte(k) != ';' || !ClientRequest.fieldText(in, k, lf - 1)) {
                return refuse(400);
            }
        }
        sink.body(in, from, digitsEnd - from);
        sink.body(CRLF, 0, 2);
        in.readerIndex(lf + 1);
        remaining = size;
        trailerBytes = 0;
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
        if (in.readableBytes() < 2) {
            return in.getByte(in.readerIndex()) == '\r' ? keep(in) : refuse(400);
        }
        int from = in.readerIndex();
        if (in.getByte(from) != '\r' || in.getByte(from + 1) != '\n') {
            return refuse(400); // chunk data longer than its size
        }
        sink.body(CRLF, 0, 2);
        in.skipBytes(2);
        state = State.CHUNK_SIZE;
        return true;
    }

    /** Trailer lines after the last chunk, checked like header lines; hop-by-hop and framing ones are dropped. */
    private boolean trailer(ByteBuf in) {
        int from = in.readerIndex();
        int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return in.readableBytes() > MAX_CHUNK_LINE ? refuse(400) : keep(in);
        }
        if (lf == from || in.getByte(lf - 1) != '\r' || in.indexOf(from, lf - 1, (byte) '\r') >= 0) {
            return refuse(400);
        }
        trailerBytes += lf + 1 - from;
        if (trailerBytes > ClientRequest.MAX_HEADERS) {
            return refuse(400);
        }
        in.readerIndex(lf + 1);
        if (lf == from + 1) {
            sink.body(CRLF, 0, 2);
            return ended();
        }
        int colon = ClientRequest.fieldNameEnd(in, from, lf - 1);
        if (colon < 0 || !ClientRequest.fieldText(in, colon + 1, lf - 1)) {
            return refuse(400);
        }
        int n = colon - from;
        boolean dropped = HttpListener.hopByHop(in, from, n)
                || n == 14 && HeadLines.is(in, from, "content-length")
                || n == 4 && HeadLines.is(in, from, "host");
        if (!dropped) {
            sink.body(in, from, lf + 1 - from);
        }
        return true;
    }

    @Override
    public String toString() {
        return "RequestParser[" + state + (pending == null ? "" : ", " + pending.toString(StandardCharsets.ISO_8859_1))
                + "]";
    }
}
