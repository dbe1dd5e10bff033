package dev.berth.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * The CloudWatch metrics storage engine: what PutMetricData, GetMetricStatistics, GetMetricData
 * and ListMetrics are built on. Data lives in a directory:
 *
 * <pre>
 * &lt;dir&gt;/series.log                  series definitions (SeriesRegistry)
 * &lt;dir&gt;/wal/&lt;generation&gt;.wal         write-ahead log of puts since the last checkpoint (Wal)
 * &lt;dir&gt;/1s/&lt;blockStart&gt;.blk          1-second buckets, 1-hour blocks, kept 3 hours     (BlockFile)
 * &lt;dir&gt;/60s/&lt;blockStart&gt;.blk         1-minute buckets, 1-day blocks, kept 15 days
 * &lt;dir&gt;/300s/&lt;blockStart&gt;.blk        5-minute buckets, 7-day blocks, kept 63 days
 * &lt;dir&gt;/3600s/&lt;blockStart&gt;.blk       1-hour buckets, 30-day blocks, kept 455 days
 * </pre>
 *
 * <p><b>Write path.</b> {@link #put} appends one WAL record for the call, then aggregates each
 * sample into the head of its series ({@link Series}) in every tier from its storage resolution up.
 * Heads hold Gorilla-compressed open chunks ({@link ChunkEncoder}); full chunks go to block files.
 *
 * <p><b>Durability.</b> See {@link StoreOptions}: by default a put is in the OS when it returns
 * and fsynced within a second. A checkpoint (hourly, when the WAL passes its size limit, and on
 * {@link #close}) writes every head out, fsyncs the series log and the touched block files, starts
 * a new WAL generation and deletes the old. Opening drops torn tails of every file, drops chunks
 * written under a WAL generation that is still present, replays that WAL and checkpoints.
 *
 * <p><b>Threading.</b> Any number of threads may put and query. Puts share a read lock that only a
 * checkpoint takes exclusively; they serialise per series (its monitor) and on the WAL append.
 * Queries take no store lock: they read immutable chunks by positional reads and copy a series'
 * head under its monitor for the time of a memory copy.
 */
public final class MetricStore implements AutoCloseable {

    /** CloudWatch's "recently active" window for ListMetrics. */
    static final long RECENT_MILLIS = 3 * 3600_000L;

    private final Path dir;
    private final Path walDir;
    private final StoreOptions options;
    private final SeriesRegistry registry;
    private final Map<Tier, ConcurrentSkipListMap<Long, BlockFile>> blocks = new EnumMap<>(Tier.class);
    private final Set<BlockFile> dirty = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final ThreadLocal<Bytes> scratch = ThreadLocal.withInitial(() -> new Bytes(4096));
    private final ScheduledExecutorService background;
    private volatile Wal wal;
    private volatile boolean closed;

    private MetricStore(Path dir, StoreOptions options) throws IOException {
        this.dir = dir;
        this.walDir = dir.resolve("wal");
        this.options = options;
        Files.createDirectories(walDir);
        for (Tier t : Tier.values()) {
            Files.createDirectories(tierDir(t));
            blocks.put(t, new ConcurrentSkipListMap<>());
        }
        registry = new SeriesRegistry(dir.resolve("series.log"));
        recover();
        if (options.background()) {
            background = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "berth-metrics-" + dir.getFileName());
                t.setDaemon(true);
                return t;
            });
            long syncMs = options.syncInterval().toMillis();
            background.scheduleWithFixedDelay(this::housekeep, syncMs, syncMs, TimeUnit.MILLISECONDS);
        } else {
            background = null;
        }
    }

    /** Opens (creating if needed) the store in {@code dir}, recovering from a crash if there was one. */
    public static MetricStore open(Path dir, StoreOptions options) {
        try {
            return new MetricStore(dir, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path tierDir(Tier t) {
        return dir.resolve(t.resolution + "s");
    }

    // ---------------------------------------------------------------- recovery

    private void recover() throws IOException {
        List<Long> gens = Wal.generations(walDir);
        long firstReplayed = gens.isEmpty() ? Long.MAX_VALUE : gens.get(0);
        long[] maxGen = {0};
        for (Tier t : Tier.values()) {
            try (Stream<Path> files = Files.list(tierDir(t))) {
                for (Path p : files.toList()) {
                    String name = p.getFileName().toString();
                    if (!name.endsWith(".blk")) {
                        continue;
                    }
                    long start = Long.parseLong(name.substring(0, name.length() - 4));
                    BlockFile f = BlockFile.open(p, t, start, firstReplayed, (id, lastTs, gen) -> {
                        maxGen[0] = Math.max(maxGen[0], gen);
                        Series s = registry.byId(id);
                        if (s != null) {
                            s.lastActiveMillis = Math.max(s.lastActiveMillis, lastTs * 1000);
                        }
                    });
                    blocks.get(t).put(start, f);
                }
            }
        }
        long nextGen = Math.max(maxGen[0], gens.isEmpty() ? 0 : gens.get(gens.size() - 1)) + 1;
        wal = Wal.create(walDir, nextGen);
        for (long g : gens) {
            Wal.replay(walDir, g, (offset, rec) -> {
                replayRecord(rec);
                return true;
            });
        }
        if (!gens.isEmpty()) {
            checkpoint();
            for (long g : gens) {
                Files.deleteIfExists(Wal.file(walDir, g));
            }
        }
    }

    private void replayRecord(ByteBuffer rec) throws IOException {
        long ingest = rec.getLong();
        int n = (int) Bytes.getVarLong(rec);
        long ts = 0;
        for (int i = 0; i < n; i++) {
            int id = (int) Bytes.getVarLong(rec);
            ts += Bytes.getZigZag(rec);
            int res = rec.get();
            Datapoint dp = Wal.decodeValue(rec);
            Series s = registry.byId(id);
            if (s != null) {
                apply(s, ts, res, dp, options.clock().millis() / 1000);
                s.lastActiveMillis = Math.max(s.lastActiveMillis, ingest);
            }
        }
    }

    // ---------------------------------------------------------------- writes

    /** Stores one sample; see {@link #put(List)}. */
    public void put(Sample sample) {
        put(List.of(sample));
    }

    /**
     * Stores samples (one PutMetricData call): durable as {@link StoreOptions} says when this
     * returns, visible to queries at once. Samples older than a tier's retention skip that tier.
     */
    public void put(List<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        gate.readLock().lock();
        try {
            ensureOpen();
            long now = options.clock().millis();
            Series[] series = new Series[samples.size()];
            Bytes rec = scratch.get();
            rec.reset();
            rec.putInt(0);
            rec.putInt(0);
            rec.putLong(now);
            rec.putVarLong(samples.size());
            long prevTs = 0;
            for (int i = 0; i < series.length; i++) {
                Sample s = samples.get(i);
                series[i] = registry.getOrCreate(s.metric(), s.unit());
                Wal.encodeSample(rec, series[i].id, prevTs, s);
                prevTs = s.timestampMillis();
            }
            RecordFile.seal(rec);
            Wal w = wal;
            w.append(rec);
            if (options.fsyncEachPut()) {
                registry.sync();
                w.sync();
            }
            for (int i = 0; i < series.length; i++) {
                Sample s = samples.get(i);
                apply(series[i], s.timestampMillis(), s.storageResolution(), s.value(), now / 1000);
                series[i].lastActiveMillis = now;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            gate.readLock().unlock();
        }
    }

    private final Series.ChunkSink sink = this::writeChunk;

    private static final Tier[] TIERS = Tier.values();

    private void apply(Series s, long tsMillis, int resolution, Datapoint dp, long nowSec) throws IOException {
        long sec = Math.floorDiv(tsMillis, 1000);
        for (int i = Tier.first(resolution).ordinal(); i < TIERS.length; i++) {
            Tier t = TIERS[i];
            if (sec >= nowSec - t.retentionSeconds) {
                s.add(t, sec, dp, sink);
            }
        }
    }

    private void writeChunk(Series s, Tier tier, ChunkEncoder chunk) throws IOException {
        BlockFile f = blocks.get(tier).get(chunk.blockStart);
        if (f == null) {
            synchronized (blocks) {
                f = blocks.get(tier).get(chunk.blockStart);
                if (f == null) {
                    f = BlockFile.open(
                            tierDir(tier).resolve(chunk.blockStart + ".blk"),
                            tier,
                            chunk.blockStart,
                            Long.MAX_VALUE,
                            (a, b, c) -> {});
                    blocks.get(tier).put(chunk.blockStart, f);
                }
            }
        }
        f.append(s.id, wal.generation, chunk);
        dirty.add(f);
    }

    // ---------------------------------------------------------------- durability

    /** Fsyncs the series log and the WAL: every put that returned is then durable. */
    public void sync() {
        try {
            registry.sync();
            wal.sync();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes every head out as chunks, makes them durable, and starts a new WAL generation. Puts
     * wait for it; queries do not.
     */
    public void checkpoint() {
        gate.writeLock().lock();
        try {
            Wal old = wal;
            for (Series s : registry.all()) {
                s.flush(sink);
            }
            registry.sync();
            for (BlockFile f : dirty) {
                f.sync();
            }
            dirty.clear();
            wal = Wal.create(walDir, old.generation + 1);
            old.delete();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            gate.writeLock().unlock();
        }
    }

    private long lastCheckpoint = System.nanoTime();
    private long lastRetention = 0;

    private void housekeep() {
        try {
            if (closed) {
                return;
            }
            if (!options.fsyncEachPut()) {
                sync();
            }
            long now = System.nanoTime();
            if (now - lastCheckpoint >= options.checkpointInterval().toNanos() || wal.size() > options.maxWalBytes()) {
                checkpoint();
                lastCheckpoint = now;
            }
            if (now - lastRetention >= TimeUnit.MINUTES.toNanos(10)) {
                enforceRetention();
                lastRetention = now;
            }
        } catch (RuntimeException e) {
            // the next round tries again; the WAL keeps the data meanwhile
            System.getLogger(MetricStore.class.getName())
                    .log(System.Logger.Level.WARNING, "metrics housekeeping failed", e);
        }
    }

    /**
     * Deletes every block file whose whole time range is older than its tier's retention
     * (queries already hide the expired part of the others). Returns the number of files deleted.
     */
    public int enforceRetention() {
        long nowSec = options.clock().millis() / 1000;
        int deleted = 0;
        for (Tier t : Tier.values()) {
            var map = blocks.get(t);
            for (BlockFile f :
                    List.copyOf(map.headMap(nowSec - t.retentionSeconds).values())) {
                if (f.blockEnd() <= nowSec - t.retentionSeconds) {
                    map.remove(f.blockStart, f);
                    dirty.remove(f);
                    try {
                        f.close();
                        Files.deleteIfExists(f.path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    deleted++;
                }
            }
        }
        return deleted;
    }

    // ---------------------------------------------------------------- reads

    /**
     * Answers a query: one {@link PeriodPoint} per period with data, per unit, in time order.
     *
     * <p>Periods start at {@code start} rounded down as CloudWatch rounds it: to the second for
     * periods that are not a multiple of 60 (high resolution, start within 3 hours), else to the
     * minute (start within 15 days), 5 minutes (within 63 days) or hour; each covers
     * {@code periodSeconds}. The data comes from the coarsest tier whose resolution divides the
     * period and the rounded start; as CloudWatch documents, a period that no tier still holding
     * data as old as {@code start} divides returns no data
     * (for example a 10-second period for a start older than 3 hours; a start older than 15 days
     * needs a multiple of 300, older than 63 days a multiple of 3,600). Data with a 60-second
     * storage resolution is not in the 1-second tier, so periods under 60 s see only
     * high-resolution data.
     */
    public List<PeriodPoint> query(MetricQuery q) {
        long nowSec = options.clock().millis() / 1000;
        long startSec = Math.floorDiv(q.start().toEpochMilli(), 1000);
        long endSec = Math.floorDiv(q.end().toEpochMilli() + 999, 1000);
        Tier finest = null;
        Tier chosen = null;
        for (Tier t : Tier.values()) {
            boolean divides =
                    q.periodSeconds() % t.resolution == 0 && (t != Tier.SECOND || q.periodSeconds() % 60 != 0);
            if (divides && startSec >= nowSec - t.retentionSeconds) {
                if (finest == null) {
                    finest = t;
                }
            }
        }
        if (finest == null || endSec <= startSec) {
            return List.of();
        }
        long p0 = finest.bucketStart(startSec);
        for (Tier t : Tier.values()) {
            if (t.ordinal() >= finest.ordinal() && q.periodSeconds() % t.resolution == 0 && p0 % t.resolution == 0) {
                chosen = t;
            }
        }
        long from = Math.max(p0, chosen.bucketStart(nowSec - chosen.retentionSeconds) + chosen.resolution);
        PeriodAccumulator.checkPeriods(p0, endSec, q.periodSeconds());
        List<PeriodPoint> out = new ArrayList<>();
        Series[] all = registry.ofMetric(q.metric());
        for (Series s : all) {
            if (q.unit() != null && s.unit != q.unit()) {
                continue;
            }
            PeriodAccumulator acc = new PeriodAccumulator(p0, endSec, from, q.periodSeconds(), q.distributions());
            readSeries(s, chosen, from, endSec, acc);
            acc.emit(s.unit, out);
        }
        if (all.length > 1) {
            out.sort(Comparator.comparing(PeriodPoint::timestamp));
        }
        return out;
    }

    private record Located(BlockFile file, BlockFile.ChunkRef ref) {}

    private void readSeries(Series s, Tier tier, long from, long to, PeriodAccumulator acc) {
        var map = blocks.get(tier);
        Long firstBlock = map.floorKey(from);
        var files =
                map.tailMap(firstBlock == null ? from : firstBlock).headMap(to).values();
        List<Located> located = new ArrayList<>();
        Series.HeadSnapshot head;
        // chunks move from the head to block files under the series' monitor: list both under it,
        // or a chunk cut in between would be seen twice or not at all; bodies are read outside
        synchronized (s) {
            for (BlockFile f : files) {
                for (BlockFile.ChunkRef ref : f.chunks(s.id)) {
                    if (ref.lastTs() >= from && ref.firstTs() < to) {
                        located.add(new Located(f, ref));
                    }
                }
            }
            head = s.snapshot(tier, from, to);
        }
        for (Located l : located) {
            try {
                byte[] body = l.file().read(l.ref());
                if (body != null) {
                    ChunkDecoder.decode(tier, l.ref().firstTs(), l.ref().count(), body, 0, body.length, acc);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (head != null) {
            if (head.open() != null) {
                var o = head.open();
                ChunkDecoder.decode(tier, o.firstTs(), o.count(), o.body(), 0, o.body().length, acc);
            }
            for (var e : head.buckets()) {
                acc.aggregate(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * ListMetrics: the distinct metrics matching the filter, ordered by namespace, name and
     * dimensions (the API layer pages over this order).
     */
    public List<MetricId> listMetrics(MetricFilter filter) {
        long recentFrom = options.clock().millis() - RECENT_MILLIS;
        Set<MetricId> seen = new HashSet<>();
        for (Series s : registry.all()) {
            if (filter.recentlyActive() && s.lastActiveMillis < recentFrom) {
                continue;
            }
            if (filter.matches(s.metric)) {
                seen.add(s.metric);
            }
        }
        List<MetricId> out = new ArrayList<>(seen);
        out.sort(Comparator.comparing(MetricId::namespace)
                .thenComparing(MetricId::metricName)
                .thenComparing(m -> m.dimensions().toString()));
        return out;
    }

    /** Bytes on disk per tier (block files), plus the series log and WAL, for stats and tests. */
    public StorageStats stats() {
        Map<Tier, Long> bytes = new EnumMap<>(Tier.class);
        Map<Tier, Integer> files = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            long b = 0;
            for (BlockFile f : blocks.get(t).values()) {
                b += f.size();
            }
            bytes.put(t, b);
            files.put(t, blocks.get(t).size());
        }
        return new StorageStats(bytes, files, registry.fileSize(), wal.size(), registry.size());
    }

    /** Sizes of what is on disk. */
    public record StorageStats(
            Map<Tier, Long> blockBytes, Map<Tier, Integer> blockFiles, long seriesLogBytes, long walBytes, int series) {
        public long totalBlockBytes() {
            return blockBytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("metric store is closed");
        }
    }

    /** Checkpoints (so the next open replays nothing) and closes every file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (background != null) {
            background.shutdown();
            try {
                background.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        checkpoint();
        closed = true;
        try {
            wal.close();
            registry.close();
            for (Tier t : Tier.values()) {
                for (BlockFile f : blocks.get(t).values()) {
                    f.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
