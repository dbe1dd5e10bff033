package dev.berth.metrics;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every series the store knows, by id and by identity, persisted in the append-only
 * {@code series.log} so chunks and WAL records can name a series by a small integer.
 *
 * <pre>
 * record  = length:int32 | crc32c:int32 | id:varint | unit:byte (StandardUnit ordinal)
 *           | namespace | metricName | dimensions:varint | (name | value)*     strings: varint length + UTF-8
 * </pre>
 *
 * A definition is written (not fsynced) when a series first appears; the store fsyncs this file
 * before the WAL, so a WAL record that survived a crash names a series that survived too (a WAL
 * record naming a lost series lies in the unsynced window and is skipped on replay).
 *
 * <p>Threading: lookups are lock-free ({@link ConcurrentHashMap}, a volatile array); creation is
 * synchronized.
 */
final class SeriesRegistry implements Closeable {

    private record Key(MetricId metric, StandardUnit unit) {}

    private final FileChannel ch;
    private final ConcurrentHashMap<Key, Series> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<MetricId, Series[]> byMetric = new ConcurrentHashMap<>();
    private volatile Series[] byId = new Series[1024];
    private int next;
    private long size;
    private final Bytes scratch = new Bytes(256);

    SeriesRegistry(Path file) throws IOException {
        ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = RecordFile.scan(ch, (offset, payload) -> {
            int id = (int) Bytes.getVarLong(payload);
            StandardUnit unit = StandardUnit.values()[payload.get()];
            String ns = Bytes.getString(payload);
            String name = Bytes.getString(payload);
            int n = (int) Bytes.getVarLong(payload);
            List<MetricId.Dimension> dims = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                dims.add(new MetricId.Dimension(Bytes.getString(payload), Bytes.getString(payload)));
            }
            register(new Series(id, new MetricId(ns, name, dims), unit));
            next = Math.max(next, id + 1);
            return true;
        });
    }

    private void register(Series s) {
        byKey.put(new Key(s.metric, s.unit), s);
        byMetric.merge(s.metric, new Series[] {s}, (a, b) -> {
            Series[] n = Arrays.copyOf(a, a.length + 1);
            n[a.length] = b[0];
            return n;
        });
        Series[] arr = byId;
        if (s.id >= arr.length) {
            arr = Arrays.copyOf(arr, Math.max(arr.length * 2, s.id + 1));
        }
        arr[s.id] = s;
        byId = arr;
    }

    Series get(MetricId metric, StandardUnit unit) {
        return byKey.get(new Key(metric, unit));
    }

    Series byId(int id) {
        Series[] arr = byId;
        return id >= 0 && id < arr.length ? arr[id] : null;
    }

    /** Every unit's series of a metric. */
    Series[] ofMetric(MetricId metric) {
        Series[] s = byMetric.get(metric);
        return s == null ? new Series[0] : s;
    }

    Iterable<Series> all() {
        return byKey.values();
    }

    int size() {
        return byKey.size();
    }

    Series getOrCreate(MetricId metric, StandardUnit unit) throws IOException {
        Series s = byKey.get(new Key(metric, unit));
        return s != null ? s : create(metric, unit);
    }

    private synchronized Series create(MetricId metric, StandardUnit unit) throws IOException {
        Series s = byKey.get(new Key(metric, unit));
        if (s != null) {
            return s;
        }
        s = new Series(next++, metric, unit);
        scratch.reset();
        scratch.putInt(0);
        scratch.putInt(0);
        scratch.putVarLong(s.id);
        scratch.put(unit.ordinal());
        scratch.putString(metric.namespace());
        scratch.putString(metric.metricName());
        scratch.putVarLong(metric.dimensions().size());
        for (MetricId.Dimension d : metric.dimensions()) {
            scratch.putString(d.name());
            scratch.putString(d.value());
        }
        RecordFile.seal(scratch);
        RecordFile.writeFully(ch, ByteBuffer.wrap(scratch.array(), 0, scratch.length()), size);
        size += scratch.length();
        register(s);
        return s;
    }

    void sync() throws IOException {
        ch.force(false);
    }

    synchronized long fileSize() {
        return size;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
