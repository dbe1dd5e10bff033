package dev.berth.logs.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The events of one log stream: a directory of {@link Segment}s in sequence order. Every event gets
 * the next sequence number of its stream; (timestamp, sequence) orders a stream's events for reads.
 *
 * <p>Threads: appends, segment rolls and retention take this object's lock; reads take it only to
 * copy the segment list and block index ({@link #snapshot}) and then read the files without it, so
 * a slow FilterLogEvents never holds up PutLogEvents. A segment deleted by retention while a reader
 * is in it is skipped by that reader (its events were expired anyway).
 */
public final class StreamLog {

    /** A new segment starts once the active one holds this many bytes ... */
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    /** ... or its first event was ingested this long ago, so retention can drop whole days. */
    static final long SEGMENT_MILLIS = 24L * 60 * 60 * 1000;

    /** Receives events during a scan; returns false to stop. Message bytes are UTF-8 in {@code buf}. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(long seq, long timestamp, long ingestionTime, byte[] buf, int offset, int length);
    }

    /** What DescribeLogStreams shows about the stored events. */
    public record Stats(
            Long firstEventTimestamp,
            Long lastEventTimestamp,
            Long lastIngestionTime,
            long storedBytes,
            long nextSeq) {}

    private final Path dir;
    private final List<Segment> segments = new ArrayList<>();
    private long nextSeq;
    private boolean deleted;

    private StreamLog(Path dir) {
        this.dir = dir;
    }

    /** Opens (or creates) the stream directory and recovers its segments. */
    static StreamLog open(Path dir) {
        StreamLog log = new StreamLog(dir);
        try {
            Files.createDirectories(dir);
            List<Long> firsts;
            try (Stream<Path> files = Files.list(dir)) {
                firsts = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.matches("\\d{19}\\.seg"))
                        .map(n -> Long.parseLong(n.substring(0, 19)))
                        .sorted()
                        .toList();
            }
            for (long first : firsts) {
                log.segments.add(Segment.open(dir, first));
            }
            log.nextSeq = log.segments.isEmpty() ? 0 : log.segments.getLast().nextSeq();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open log stream files in " + dir, e);
        }
        return log;
    }

    /**
     * Appends events (already validated, in the caller's order) with one ingestion time, durably.
     *
     * @return the sequence number of the first event
     */
    public long append(long[] timestamps, String[] messages, long ingestionTime) {
        // Encoded before taking the lock: concurrent batches for one stream only serialise on the write + fsync.
        int n = timestamps.length;
        byte[][] bytes = new byte[n][];
        int[] recordBytes = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            bytes[i] = messages[i].getBytes(StandardCharsets.UTF_8);
            recordBytes[i] = Segment.HEADER + bytes[i].length;
            total += recordBytes[i];
        }
        ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buf.putInt(bytes[i].length)
                    .putLong(timestamps[i])
                    .putLong(ingestionTime)
                    .put(bytes[i]);
        }
        buf.flip();
        return appendEncoded(buf, timestamps, recordBytes, ingestionTime);
    }

    private synchronized long appendEncoded(ByteBuffer buf, long[] timestamps, int[] recordBytes, long ingestionTime) {
        if (deleted) {
            throw new IllegalStateException("log stream deleted");
        }
        try {
            Segment active = active(ingestionTime);
            long first = nextSeq;
            active.append(buf, timestamps, recordBytes, ingestionTime);
            nextSeq += timestamps.length;
            return first;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to log stream files in " + dir, e);
        }
    }

    private Segment active(long now) throws IOException {
        Segment last = segments.isEmpty() ? null : segments.getLast();
        if (last == null
                || last.size() >= SEGMENT_BYTES
                || (last.firstIngest() != Long.MAX_VALUE && now - last.firstIngest() >= SEGMENT_MILLIS)) {
            last = Segment.create(dir, nextSeq);
            segments.add(last);
        }
        return last;
    }

    /** The segments and block indexes as of now, for a reader. */
    synchronized List<Segment.Snapshot> snapshot() {
        return segments.stream().map(Segment::snapshot).toList();
    }

    /**
     * Visits the events with {@code from <= timestamp <= to} in storage order (sequence order),
     * skipping every block whose time range lies outside; stops when the visitor returns false.
     */
    public void scan(long from, long to, Visitor visitor) {
        for (Segment.Snapshot s : snapshot()) {
            for (Segment.Block b : s.blocks()) {
                if (b.maxTs() < from || b.minTs() > to) {
                    continue;
                }
                ByteBuffer buf;
                try {
                    buf = s.segment().read(b);
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read log stream files in " + dir, e);
                }
                byte[] array = buf.array();
                int pos = 0;
                for (int i = 0; i < b.count(); i++) {
                    int len = buf.getInt(pos);
                    long ts = buf.getLong(pos + 4);
                    long ingest = buf.getLong(pos + 12);
                    if (ts >= from
                            && ts <= to
                            && !visitor.visit(b.firstSeq() + i, ts, ingest, array, pos + Segment.HEADER, len)) {
                        return;
                    }
                    pos += Segment.HEADER + len;
                }
            }
        }
    }

    public synchronized Stats stats() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long ingest = Long.MIN_VALUE;
        long bytes = 0;
        for (Segment s : segments) {
            min = Math.min(min, s.minTs());
            max = Math.max(max, s.maxTs());
            ingest = Math.max(ingest, s.maxIngest());
            bytes += s.size();
        }
        return new Stats(
                min == Long.MAX_VALUE ? null : min,
                max == Long.MIN_VALUE ? null : max,
                ingest == Long.MIN_VALUE ? null : ingest,
                bytes,
                nextSeq);
    }

    /**
     * Deletes every segment whose newest event is older than {@code cutoff} (whole files; events of
     * a partly expired segment stay on disk until all of it expires, and reads hide them).
     *
     * @return bytes freed
     */
    public synchronized long dropOlderThan(long cutoff) {
        long freed = 0;
        for (var it = segments.iterator(); it.hasNext(); ) {
            Segment s = it.next();
            if (s.maxTs() < cutoff && s.nextSeq() > s.firstSeq()) {
                freed += s.size();
                s.delete();
                it.remove();
            }
        }
        return freed;
    }

    /** Deletes the stream's files; later appends fail. */
    synchronized void delete() {
        deleted = true;
        segments.forEach(Segment::delete);
        segments.clear();
        try (Stream<Path> rest = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
            for (Path p : rest.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void close() {
        segments.forEach(Segment::close);
        segments.clear();
        deleted = true;
    }

    /** How many segment files the stream has (for tests and the layout's invariants). */
    public synchronized int segmentCount() {
        return segments.size();
    }
}
