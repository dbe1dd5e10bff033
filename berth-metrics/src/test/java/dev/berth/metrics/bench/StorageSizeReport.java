package dev.berth.metrics.bench;

import dev.berth.metrics.Datapoint;
import dev.berth.metrics.MetricId;
import dev.berth.metrics.MetricStore;
import dev.berth.metrics.Sample;
import dev.berth.metrics.StandardUnit;
import dev.berth.metrics.StoreOptions;
import dev.berth.metrics.Tier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.Deflater;

/**
 * Bytes on disk per datapoint: 1,000 regular 10-second series over 24 h per kind of data
 * ({@link SeriesData}), high resolution (so every tier holds them) and standard resolution, written
 * through {@link MetricStore#put} with the clock following the data and checkpointed hourly as in
 * production, then measured per tier. Peers in the same run: the raw rows (4-byte series id,
 * 8-byte timestamp, 8-byte value) and those rows sorted by series and deflated (zlib level 6),
 * what a general-purpose compressor makes of the same data.
 *
 * <p>Usage: {@code StorageSizeReport [series] [hours]}. Prints a Markdown table.
 */
public final class StorageSizeReport {

    public static void main(String[] args) throws IOException {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        System.out.println(
                "| data | resolution | datapoints | 1 s tier | 60 s tier | 5 min tier | 1 h tier | all tiers | raw rows | deflated rows |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (SeriesData kind : SeriesData.values()) {
            for (int resolution : new int[] {1, 60}) {
                run(kind, resolution, series, hours);
            }
        }
    }

    static void run(SeriesData kind, int resolution, int series, int hours) throws IOException {
        Path dir = Files.createTempDirectory("metrics-size");
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        AtomicLong now = new AtomicLong(start.toEpochMilli());
        MetricStore store = MetricStore.open(dir, StoreOptions.manual(() -> Instant.ofEpochMilli(now.get())));
        MetricId[] ids = new MetricId[series];
        for (int i = 0; i < series; i++) {
            ids[i] = MetricId.of("Bench", "Latency", "Service", "svc-" + i);
        }
        SplittableRandom r = new SplittableRandom(42);
        double[] last = new double[series];
        int points = hours * 360;
        double[][] values = new double[series][points];
        List<Sample> batch = new ArrayList<>(series);
        long nextCheckpoint = start.toEpochMilli() + 3600_000L;
        for (int p = 0; p < points; p++) {
            long ts = start.toEpochMilli() + p * 10_000L;
            now.set(ts);
            batch.clear();
            for (int i = 0; i < series; i++) {
                last[i] = kind.next(r, last[i]);
                values[i][p] = last[i];
                batch.add(new Sample(ids[i], StandardUnit.PERCENT, ts, resolution, new Datapoint.Single(last[i])));
            }
            store.put(batch);
            if (ts >= nextCheckpoint) {
                store.checkpoint();
                nextCheckpoint += 3600_000L;
            }
        }
        store.checkpoint();
        MetricStore.StorageStats stats = store.stats();
        store.close();
        long n = (long) series * points;
        long raw = n * 20;
        long deflated = deflate(values, points);
        StringBuilder row = new StringBuilder();
        row.append("| ")
                .append(kind.name().toLowerCase())
                .append(" | ")
                .append(resolution)
                .append(" s | ")
                .append(String.format("%,d", n))
                .append(" | ");
        for (Tier t : Tier.values()) {
            long b = stats.blockBytes().get(t);
            row.append(b == 0 ? "—" : String.format("%.2f B", (double) b / n)).append(" | ");
        }
        row.append(String.format("%.2f B", (double) stats.totalBlockBytes() / n))
                .append(" | ");
        row.append(String.format("%.2f B", (double) raw / n)).append(" | ");
        row.append(String.format("%.2f B", (double) deflated / n)).append(" |");
        System.out.println(row);
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static long deflate(double[][] values, int points) {
        Deflater d = new Deflater(6);
        byte[] out = new byte[1 << 16];
        long total = 0;
        ByteBuffer row = ByteBuffer.allocate(20);
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        for (int i = 0; i < values.length; i++) {
            for (int p = 0; p < points; p++) {
                row.clear();
                row.putInt(i).putLong(1_764_547_200_000L + p * 10_000L).putDouble(values[i][p]);
                chunk.write(row.array(), 0, 20);
            }
            d.setInput(chunk.toByteArray());
            chunk.reset();
            while (!d.needsInput()) {
                total += d.deflate(out);
            }
        }
        d.finish();
        while (!d.finished()) {
            total += d.deflate(out);
        }
        return total;
    }
}
