package dev.berth.metrics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stored series (a metric in one unit) and its head: per tier, the open chunk being
 * appended to, the newest bucket still being aggregated, and buckets that arrived late (older than
 * the newest) waiting to be written as their own chunks.
 *
 * <p>This is Prometheus's head block in miniature: recent data lives compressed in memory, and a
 * chunk becomes an immutable record in a {@link BlockFile} when it is full, crosses a block
 * boundary, or at a checkpoint. Queries merge buckets with equal times, so a bucket can be split
 * over several chunks (late data, a checkpoint in mid-minute) without being double-counted or lost.
 *
 * <p>Threading: every method runs under the series' monitor; writers hold it while they aggregate
 * (and rarely while a cut chunk is appended to the page cache), readers only while they copy the
 * head ({@link #snapshot}).
 */
final class Series {

    /** Buckets per chunk at most (a 1-second tier block holds 3,600). */
    static final int MAX_CHUNK_BUCKETS = 3600;

    static final int MAX_LATE_BUCKETS = 1024;

    /** Where cut chunks go. */
    interface ChunkSink {
        void write(Series series, Tier tier, ChunkEncoder chunk) throws IOException;
    }

    private static final class TierHead {
        ChunkEncoder open;
        long currentTs;
        Aggregate current;
        TreeMap<Long, Aggregate> late;
    }

    final int id;
    final MetricId metric;
    final StandardUnit unit;
    volatile long lastActiveMillis;
    private final TierHead[] heads = new TierHead[Tier.values().length];

    Series(int id, MetricId metric, StandardUnit unit) {
        this.id = id;
        this.metric = metric;
        this.unit = unit;
    }

    /** Adds a datapoint to one tier's head. */
    synchronized void add(Tier tier, long epochSecond, Datapoint dp, ChunkSink sink) throws IOException {
        TierHead h = heads[tier.ordinal()];
        if (h == null) {
            h = heads[tier.ordinal()] = new TierHead();
        }
        long ts = tier.bucketStart(epochSecond);
        if (h.current != null && ts == h.currentTs) {
            h.current.add(dp);
            return;
        }
        if (h.current == null || ts > h.currentTs) {
            if (h.current != null) {
                seal(tier, h, sink);
            }
            h.current = new Aggregate();
            h.current.add(dp);
            h.currentTs = ts;
            return;
        }
        if (h.late == null) {
            h.late = new TreeMap<>();
        }
        h.late.computeIfAbsent(ts, k -> new Aggregate()).add(dp);
        if (h.late.size() > MAX_LATE_BUCKETS) {
            flushLate(tier, h, sink);
        }
    }

    /** Moves the current bucket into the open chunk, cutting the chunk first if it must. */
    private void seal(Tier tier, TierHead h, ChunkSink sink) throws IOException {
        if (h.open != null
                && (tier.blockStart(h.currentTs) != h.open.blockStart || h.open.count() >= MAX_CHUNK_BUCKETS)) {
            sink.write(this, tier, h.open);
            h.open = null;
        }
        if (h.open == null) {
            h.open = new ChunkEncoder(tier, h.currentTs);
        }
        h.open.append(h.currentTs, h.current);
        h.current = null;
    }

    private void flushLate(Tier tier, TierHead h, ChunkSink sink) throws IOException {
        ChunkEncoder chunk = null;
        for (Map.Entry<Long, Aggregate> e : h.late.entrySet()) {
            long ts = e.getKey();
            if (chunk != null && (tier.blockStart(ts) != chunk.blockStart || chunk.count() >= MAX_CHUNK_BUCKETS)) {
                sink.write(this, tier, chunk);
                chunk = null;
            }
            if (chunk == null) {
                chunk = new ChunkEncoder(tier, ts);
            }
            chunk.append(ts, e.getValue());
        }
        if (chunk != null) {
            sink.write(this, tier, chunk);
        }
        h.late = null;
    }

    /** Writes everything the head holds as chunks (a checkpoint). */
    synchronized void flush(ChunkSink sink) throws IOException {
        for (Tier tier : Tier.values()) {
            TierHead h = heads[tier.ordinal()];
            if (h == null) {
                continue;
            }
            if (h.current != null) {
                seal(tier, h, sink);
            }
            if (h.open != null) {
                sink.write(this, tier, h.open);
                h.open = null;
            }
            if (h.late != null) {
                flushLate(tier, h, sink);
            }
        }
    }

    /** A copy of what a tier's head holds: the open chunk's bytes and the loose buckets. */
    record HeadSnapshot(ChunkEncoder.Frozen open, List<Map.Entry<Long, Aggregate>> buckets) {}

    synchronized HeadSnapshot snapshot(Tier tier, long from, long to) {
        TierHead h = heads[tier.ordinal()];
        if (h == null) {
            return null;
        }
        ChunkEncoder.Frozen open =
                h.open != null && h.open.lastTs() >= from && h.open.firstTs < to ? h.open.freeze() : null;
        List<Map.Entry<Long, Aggregate>> buckets = new ArrayList<>(2);
        if (h.current != null && h.currentTs >= from && h.currentTs < to) {
            buckets.add(Map.entry(h.currentTs, h.current.copy()));
        }
        if (h.late != null) {
            for (Map.Entry<Long, Aggregate> e : h.late.subMap(from, to).entrySet()) {
                buckets.add(Map.entry(e.getKey(), e.getValue().copy()));
            }
        }
        return new HeadSnapshot(open, buckets);
    }
}
