package dev.berth.metrics;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The write-ahead log: every put is appended here (one record per call) before it changes the
 * in-memory head, so the head, whose open chunks are not on disk yet, can be rebuilt after a crash.
 * Files {@code wal/<generation:020d>.wal}; a checkpoint writes the head out as chunks and starts
 * the next generation, and the older file is deleted. Chunks in block files carry the generation
 * they were written under, so on open the chunks of every generation still present as a WAL are
 * dropped and that WAL replayed: no datapoint counts twice.
 *
 * <pre>
 * record  = length:int32 | crc32c:int32 | ingestMillis:int64 | n:varint | sample*
 * sample  = seriesId:varint | timestamp:zigzag (ms, delta to the previous sample) | resolution:byte
 *           | kind:byte (0 value, 1 statistic set, 2 values/counts) | doubles (8 bytes each;
 *           kind 2: n:varint then n values and n counts)
 * </pre>
 *
 * Appends are one positional {@code write} each (synchronized); {@link #sync} is {@code fdatasync}.
 */
final class Wal implements Closeable {

    final long generation;
    final Path path;
    private final FileChannel ch;
    private long size;

    private Wal(long generation, Path path, FileChannel ch, long size) {
        this.generation = generation;
        this.path = path;
        this.ch = ch;
        this.size = size;
    }

    static Path file(Path dir, long generation) {
        return dir.resolve(String.format("%020d.wal", generation));
    }

    /** Generations present in {@code dir}, ascending. */
    static List<Long> generations(Path dir) throws IOException {
        List<Long> gens = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{20}\\.wal"))
                    .forEach(n -> gens.add(Long.parseLong(n.substring(0, 20))));
        }
        gens.sort(null);
        return gens;
    }

    /** Creates a new, empty generation and makes its directory entry durable. */
    static Wal create(Path dir, long generation) throws IOException {
        Path p = file(dir, generation);
        FileChannel ch =
                FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ch.truncate(0);
        ch.force(true);
        syncDirectory(dir);
        return new Wal(generation, p, ch, 0);
    }

    /** Replays one generation's intact records (a torn tail is truncated) into {@code visitor}. */
    static void replay(Path dir, long generation, RecordFile.Visitor visitor) throws IOException {
        try (FileChannel ch =
                FileChannel.open(file(dir, generation), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            RecordFile.scan(ch, visitor);
        }
    }

    synchronized void append(Bytes record) throws IOException {
        RecordFile.writeFully(ch, ByteBuffer.wrap(record.array(), 0, record.length()), size);
        size += record.length();
    }

    synchronized long size() {
        return size;
    }

    void sync() throws IOException {
        ch.force(false);
    }

    void delete() throws IOException {
        ch.close();
        Files.deleteIfExists(path);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems do not allow fsync on directories; the entry is then as durable as they make it
        }
    }

    /** Encodes one sample into a WAL record under construction. */
    static void encodeSample(Bytes out, int seriesId, long prevTs, Sample s) {
        out.putVarLong(seriesId);
        out.putZigZag(s.timestampMillis() - prevTs);
        out.put(s.storageResolution());
        switch (s.value()) {
            case Datapoint.Single v -> {
                out.put(0);
                out.putDouble(v.value());
            }
            case Datapoint.StatisticSet v -> {
                out.put(1);
                out.putDouble(v.sampleCount());
                out.putDouble(v.sum());
                out.putDouble(v.minimum());
                out.putDouble(v.maximum());
            }
            case Datapoint.Distribution v -> {
                out.put(2);
                out.putVarLong(v.values().length);
                for (double d : v.values()) {
                    out.putDouble(d);
                }
                for (double d : v.counts()) {
                    out.putDouble(d);
                }
            }
        }
    }

    static Datapoint decodeValue(ByteBuffer in) {
        int kind = in.get();
        return switch (kind) {
            case 0 -> new Datapoint.Single(in.getDouble());
            case 1 -> new Datapoint.StatisticSet(in.getDouble(), in.getDouble(), in.getDouble(), in.getDouble());
            case 2 -> {
                int n = (int) Bytes.getVarLong(in);
                double[] v = new double[n];
                double[] c = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = in.getDouble();
                }
                for (int i = 0; i < n; i++) {
                    c[i] = in.getDouble();
                }
                yield new Datapoint.Distribution(v, c);
            }
            default -> throw new IllegalStateException("unknown sample kind " + kind);
        };
    }
}
