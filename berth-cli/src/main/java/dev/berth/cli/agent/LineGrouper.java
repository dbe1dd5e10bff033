package dev.berth.cli.agent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Turns a container's output lines into CloudWatch log events the way Docker's awslogs driver does:
 * one event per line, or, with a multiline pattern ({@code awslogs-multiline-pattern} or
 * {@code awslogs-datetime-format}), one event per run of lines that starts with a matching line
 * (each line keeps its newline in the event, as Docker's driver does). Empty lines are dropped;
 * an event longer than CloudWatch's limit is split. A pending multiline event is emitted when the
 * next one starts, when no line arrived for {@link #IDLE_FLUSH_MILLIS}, or at the end.
 *
 * <p>Not thread-safe: one container's follower owns one grouper.
 */
final class LineGrouper {

    /** Largest message of one event: 256 KiB minus CloudWatch's 26 bytes of overhead, as Docker's driver splits. */
    static final int MAX_EVENT_BYTES = 262_144 - 26;

    static final long IDLE_FLUSH_MILLIS = 1000;

    /**
     * One event: its timestamp (the first line's), its message, and the Docker timestamp of its last
     * line in nanoseconds since the epoch (the follower's resume point).
     */
    record Event(long timestamp, String message, long lastLineNanos) {
        int bytes() {
            return message.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private final Pattern multiline;
    private final Consumer<Event> out;
    private StringBuilder pending;
    private long pendingTs;
    private long pendingLastNanos;
    private long lastInputMillis;

    LineGrouper(Pattern multiline, Consumer<Event> out) {
        this.multiline = multiline;
        this.out = out;
    }

    /** A line without its newline, with its Docker timestamp. */
    void line(String line, long nanos, long nowMillis) {
        lastInputMillis = nowMillis;
        long ms = Math.floorDiv(nanos, 1_000_000L);
        if (multiline == null) {
            if (!line.isEmpty()) {
                emit(ms, line, nanos);
            }
            return;
        }
        if (pending != null && multiline.matcher(line).find()) {
            flush();
        }
        if (pending == null) {
            if (line.isEmpty()) {
                return;
            }
            pending = new StringBuilder();
            pendingTs = ms;
        }
        pending.append(line).append('\n');
        pendingLastNanos = nanos;
    }

    /** Emits a pending multiline event that has waited long enough. */
    void idle(long nowMillis) {
        if (pending != null && nowMillis - lastInputMillis >= IDLE_FLUSH_MILLIS) {
            flush();
        }
    }

    /** Emits whatever is pending (the container's output ended). */
    void finish() {
        if (pending != null) {
            flush();
        }
    }

    private void flush() {
        String msg = pending.toString();
        pending = null;
        emit(pendingTs, msg, pendingLastNanos);
    }

    private void emit(long ts, String message, long lastNanos) {
        for (String part : split(message)) {
            out.accept(new Event(ts, part, lastNanos));
        }
    }

    /** Splits a message into parts of at most {@link #MAX_EVENT_BYTES} UTF-8 bytes, never inside a character. */
    static List<String> split(String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_EVENT_BYTES) {
            return List.of(message);
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (start < b.length) {
            int end = Math.min(b.length, start + MAX_EVENT_BYTES);
            while (end < b.length && (b[end] & 0xC0) == 0x80) {
                end--;
            }
            parts.add(new String(b, start, end - start, StandardCharsets.UTF_8));
            start = end;
        }
        return parts;
    }
}
