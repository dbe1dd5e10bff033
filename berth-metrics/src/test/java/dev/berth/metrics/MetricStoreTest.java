package dev.berth.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricStoreTest {

    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    static final MetricId CPU = MetricId.of("AWS/ECS", "CPUUtilization", "ClusterName", "default");

    @TempDir
    Path dir;

    TestClock clock = new TestClock(T0.plus(Duration.ofHours(1)));

    MetricStore open() {
        return MetricStore.open(dir, StoreOptions.manual(clock));
    }

    static double stat(PeriodPoint p, String s) {
        return p.statistic(Statistic.parse(s));
    }

    @Test
    void rollUpsOfHighResolutionDataInEveryTier() {
        try (MetricStore store = open()) {
            // 1..120 at one value per second from T0: two minutes
            for (int i = 0; i < 120; i++) {
                store.put(Sample.highRes(CPU, T0.plusSeconds(i).toEpochMilli(), i + 1));
            }
            List<PeriodPoint> seconds = store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(10), 5));
            assertThat(seconds).hasSize(2);
            assertThat(stat(seconds.get(0), "Sum")).isEqualTo(1 + 2 + 3 + 4 + 5);
            assertThat(stat(seconds.get(1), "Average")).isEqualTo(8);
            List<PeriodPoint> minutes = store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(120), 60));
            assertThat(minutes).extracting(PeriodPoint::timestamp).containsExactly(T0, T0.plusSeconds(60));
            assertThat(stat(minutes.get(0), "SampleCount")).isEqualTo(60);
            assertThat(stat(minutes.get(0), "Sum")).isEqualTo(60 * 61 / 2);
            assertThat(stat(minutes.get(1), "Minimum")).isEqualTo(61);
            assertThat(stat(minutes.get(1), "Maximum")).isEqualTo(120);
            List<PeriodPoint> hour = store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(3600), 3600));
            assertThat(hour).hasSize(1);
            assertThat(stat(hour.get(0), "Sum")).isEqualTo(120 * 121 / 2);
            assertThat(stat(hour.get(0), "p50")).isCloseTo(60, org.assertj.core.data.Percentage.withPercentage(0.4));
            List<PeriodPoint> five = store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(600), 300));
            assertThat(stat(five.get(0), "Average")).isEqualTo(60.5);
        }
    }

    @Test
    void standardResolutionDataStartsAtTheMinuteTier() {
        try (MetricStore store = open()) {
            store.put(List.of(
                    Sample.of(CPU, T0.plusSeconds(5).toEpochMilli(), 10),
                    Sample.of(CPU, T0.plusSeconds(50).toEpochMilli(), 20),
                    new Sample(
                            CPU,
                            StandardUnit.PERCENT,
                            T0.plusSeconds(70).toEpochMilli(),
                            60,
                            new Datapoint.StatisticSet(3, 30, 5, 15))));
            assertThat(store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(120), 10)))
                    .isEmpty();
            List<PeriodPoint> m = store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(120), 60));
            // two units: answered separately, in time order
            assertThat(m).hasSize(2);
            assertThat(m.get(0).unit()).isEqualTo(StandardUnit.NONE);
            assertThat(stat(m.get(0), "Average")).isEqualTo(15);
            assertThat(m.get(1).unit()).isEqualTo(StandardUnit.PERCENT);
            assertThat(stat(m.get(1), "SampleCount")).isEqualTo(3);
            assertThat(m.get(1).statistic(Statistic.parse("p50"))).isNull();
            var percentOnly = new MetricQuery(CPU, StandardUnit.PERCENT, T0, T0.plusSeconds(120), 60, true);
            assertThat(store.query(percentOnly)).hasSize(1);
        }
    }

    @Test
    void lateDataAndSplitBucketsMergeInQueries() {
        try (MetricStore store = open()) {
            store.put(Sample.highRes(CPU, T0.plusSeconds(100).toEpochMilli(), 1));
            store.put(Sample.highRes(CPU, T0.plusSeconds(200).toEpochMilli(), 2));
            store.put(Sample.highRes(CPU, T0.plusSeconds(100).toEpochMilli(), 3)); // late: before the newest
            store.checkpoint(); // heads written out as chunks
            store.put(Sample.highRes(CPU, T0.plusSeconds(100).toEpochMilli(), 4)); // same second again
            List<PeriodPoint> p = store.query(MetricQuery.of(CPU, T0.plusSeconds(100), T0.plusSeconds(101), 1));
            assertThat(p).hasSize(1);
            assertThat(stat(p.get(0), "SampleCount")).isEqualTo(3);
            assertThat(stat(p.get(0), "Sum")).isEqualTo(8);
            List<PeriodPoint> h = store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(3600), 3600));
            assertThat(stat(h.get(0), "Sum")).isEqualTo(10);
        }
    }

    @Test
    void dataSurvivesACleanRestartAndACrash() {
        MetricStore store = open();
        for (int i = 0; i < 1000; i++) {
            store.put(Sample.highRes(CPU, T0.plusSeconds(i).toEpochMilli(), i));
        }
        store.close();
        try (MetricStore again = open()) {
            assertThat(sum(again, 1)).isEqualTo(999 * 1000 / 2);
            for (int i = 1000; i < 1500; i++) {
                again.put(Sample.highRes(CPU, T0.plusSeconds(i).toEpochMilli(), i));
            }
            again.checkpoint();
            for (int i = 1500; i < 2000; i++) { // only in the WAL and the head
                again.put(Sample.highRes(CPU, T0.plusSeconds(i).toEpochMilli(), i));
            }
            // no close: as if the process died (its files stay as they are)
            try (MetricStore recovered = open()) {
                assertThat(sum(recovered, 1)).isEqualTo(1999 * 2000 / 2);
                assertThat(sum(recovered, 60)).isEqualTo(1999 * 2000 / 2);
                assertThat(recovered.listMetrics(MetricFilter.all())).containsExactly(CPU);
            }
        }
    }

    private static double sum(MetricStore s, int period) {
        return s.query(new MetricQuery(CPU, null, T0, T0.plusSeconds(3600), period, false)).stream()
                .mapToDouble(p -> p.aggregate().sum())
                .sum();
    }

    @Test
    void tornTailsAreCutOffOnOpen() throws IOException {
        MetricStore store = open();
        for (int i = 0; i < 300; i++) {
            store.put(Sample.highRes(CPU, T0.plusSeconds(i).toEpochMilli(), 1));
        }
        store.checkpoint();
        store.put(Sample.highRes(CPU, T0.plusSeconds(500).toEpochMilli(), 7)); // in the WAL only
        // a crash while writing: a half record at the end of the WAL, the series log and a block
        Path wal;
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            wal = s.findFirst().orElseThrow();
        }
        long walIntact = Files.size(wal);
        appendGarbage(wal, new byte[] {0, 0, 0, 100, 1, 2, 3});
        appendGarbage(dir.resolve("series.log"), new byte[] {0, 0, 0, 5, 9, 9, 9, 9, 1});
        Path block;
        try (Stream<Path> s = Files.list(dir.resolve("1s"))) {
            block = s.findFirst().orElseThrow();
        }
        long blockIntact = Files.size(block);
        // a full-length record whose CRC does not match (pages written out of order)
        appendGarbage(block, new byte[] {0, 0, 0, 2, 1, 2, 3, 4, 5, 6});
        try (MetricStore recovered = open()) {
            assertThat(Files.size(block)).isGreaterThanOrEqualTo(blockIntact);
            assertThat(sum(recovered, 1)).isEqualTo(307);
            recovered.put(Sample.highRes(CPU, T0.plusSeconds(600).toEpochMilli(), 1));
            assertThat(sum(recovered, 1)).isEqualTo(308);
        }
        assertThat(walIntact).isPositive();
        try (MetricStore again = open()) {
            assertThat(sum(again, 1)).isEqualTo(308);
        }
    }

    private static void appendGarbage(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(bytes));
        }
    }

    @Test
    void retentionDeletesExpiredBlocksAndQueriesHideExpiredData() {
        try (MetricStore store = open()) {
            for (int i = 0; i < 3600; i += 10) {
                store.put(Sample.highRes(CPU, T0.plusSeconds(i).toEpochMilli(), 1));
            }
            store.checkpoint();
            int secondFiles = store.stats().blockFiles().get(Tier.SECOND);
            assertThat(secondFiles).isEqualTo(1);
            clock.advance(Duration.ofHours(3)); // now T0+4h: the 1 s block [T0, T0+1h) has expired
            assertThat(store.enforceRetention()).isEqualTo(1);
            assertThat(store.stats().blockFiles().get(Tier.SECOND)).isZero();
            assertThat(store.stats().blockFiles().get(Tier.MINUTE)).isEqualTo(1);
            // older than 3 h: only multiples of 60 answer, from the minute tier
            assertThat(store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(3600), 10)))
                    .isEmpty();
            assertThat(store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(3600), 60)))
                    .hasSize(60);
            clock.advance(Duration.ofDays(16));
            assertThat(store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(3600), 60)))
                    .isEmpty();
            assertThat(store.query(MetricQuery.of(CPU, T0, T0.plusSeconds(3600), 300)))
                    .hasSize(12);
            store.enforceRetention();
            assertThat(store.stats().blockFiles().get(Tier.MINUTE)).isZero();
            clock.advance(Duration.ofDays(500));
            store.enforceRetention();
            assertThat(store.stats().totalBlockBytes()).isZero();
            // data older than a tier's retention is not stored in it
            store.put(Sample.highRes(CPU, T0.toEpochMilli(), 1));
            store.checkpoint();
            assertThat(store.stats().totalBlockBytes()).isZero();
        }
    }

    @Test
    void listMetricsFiltersByNamespaceNameDimensionsAndRecentActivity() {
        MetricId mem = MetricId.of("AWS/ECS", "MemoryUtilization", "ClusterName", "default", "ServiceName", "web");
        MetricId custom = MetricId.of("App", "Requests", "ServiceName", "web");
        try (MetricStore store = open()) {
            store.put(Sample.of(CPU, T0.toEpochMilli(), 1));
            store.put(Sample.of(mem, T0.toEpochMilli(), 1));
            store.put(new Sample(mem, StandardUnit.PERCENT, T0.toEpochMilli(), 60, new Datapoint.Single(2)));
            clock.advance(Duration.ofHours(4));
            store.put(Sample.of(custom, clock.millis(), 1));
            assertThat(store.listMetrics(MetricFilter.all())).containsExactly(CPU, mem, custom);
            assertThat(store.listMetrics(new MetricFilter("AWS/ECS", null, null, false)))
                    .containsExactly(CPU, mem);
            var byService = List.of(new MetricFilter.DimensionFilter("ServiceName", null));
            assertThat(store.listMetrics(new MetricFilter(null, null, byService, false)))
                    .containsExactly(mem, custom);
            var byValue = List.of(new MetricFilter.DimensionFilter("ClusterName", "other"));
            assertThat(store.listMetrics(new MetricFilter(null, null, byValue, false)))
                    .isEmpty();
            assertThat(store.listMetrics(new MetricFilter(null, "CPUUtilization", null, false)))
                    .containsExactly(CPU);
            assertThat(store.listMetrics(new MetricFilter(null, null, null, true)))
                    .containsExactly(custom);
        }
    }

    @Test
    void dimensionOrderDoesNotChangeTheIdentity() {
        MetricId a = MetricId.of("N", "M", "b", "2", "a", "1");
        MetricId b = MetricId.of("N", "M", "a", "1", "b", "2");
        assertThat(a).isEqualTo(b);
        try (MetricStore store = open()) {
            store.put(Sample.of(a, T0.toEpochMilli(), 1));
            store.put(Sample.of(b, T0.toEpochMilli(), 2));
            assertThat(store.query(MetricQuery.of(b, T0, T0.plusSeconds(60), 60)))
                    .singleElement()
                    .satisfies(p -> assertThat(stat(p, "Sum")).isEqualTo(3));
        }
    }

    @Test
    void queriesSeeDataInChunksHeadAndLateBucketsTogether() {
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 7200; i++) { // two 1 s blocks: the first chunk is cut at the block boundary
            batch.add(Sample.highRes(CPU, T0.plusSeconds(i).toEpochMilli(), 2));
        }
        clock.advance(Duration.ofHours(1));
        try (MetricStore store = open()) {
            store.put(batch);
            assertThat(store.stats().blockFiles().get(Tier.SECOND)).isEqualTo(1);
            assertThat(sum(store, 1)).isEqualTo(7200);
            assertThat(store.query(new MetricQuery(CPU, null, T0, T0.plusSeconds(7200), 7200, false)))
                    .singleElement()
                    .satisfies(p -> assertThat(p.aggregate().sum()).isEqualTo(14400));
        }
    }

    @Test
    void aQueryOfTooManyPeriodsIsRefused() {
        try (MetricStore store = open()) {
            var q = MetricQuery.of(CPU, T0, T0.plus(Duration.ofDays(30)), 1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.query(q))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.query(MetricQuery.of(CPU, T0, T0.plus(Duration.ofDays(30)), 60)))
                    .isEmpty();
        }
    }
}
