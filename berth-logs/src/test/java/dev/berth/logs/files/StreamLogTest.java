package dev.berth.logs.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segment files: append, time-range scans through the sparse index, recovery after a crash, retention. */
class StreamLogTest {

    @TempDir
    Path dir;

    record Seen(long seq, long ts, String message) {}

    static List<Seen> scan(StreamLog log, long from, long to) {
        List<Seen> out = new ArrayList<>();
        log.scan(from, to, (seq, ts, ingest, buf, off, len) -> {
            out.add(new Seen(seq, ts, new String(buf, off, len, StandardCharsets.UTF_8)));
            return true;
        });
        return out;
    }

    static void appendRange(StreamLog log, long firstTs, int n, int size, long ingest) {
        long[] ts = new long[n];
        String[] msgs = new String[n];
        for (int i = 0; i < n; i++) {
            ts[i] = firstTs + i;
            msgs[i] = ("event " + (firstTs + i) + " ").repeat(Math.max(1, size / 16));
        }
        log.append(ts, msgs, ingest);
    }

    @Test
    void appendsAndScansByTimeRange() {
        LogFiles files = new LogFiles(dir);
        StreamLog log = files.stream("g", "s");
        assertThat(log.append(new long[] {10, 20, 30}, new String[] {"a", "b", "ü€"}, 100))
                .isZero();
        assertThat(log.append(new long[] {5}, new String[] {"late"}, 101)).isEqualTo(3);
        assertThat(scan(log, Long.MIN_VALUE, Long.MAX_VALUE))
                .containsExactly(
                        new Seen(0, 10, "a"), new Seen(1, 20, "b"), new Seen(2, 30, "ü€"), new Seen(3, 5, "late"));
        assertThat(scan(log, 15, 30)).extracting(Seen::message).containsExactly("b", "ü€");
        StreamLog.Stats st = log.stats();
        assertThat(st.firstEventTimestamp()).isEqualTo(5);
        assertThat(st.lastEventTimestamp()).isEqualTo(30);
        assertThat(st.lastIngestionTime()).isEqualTo(101);
        assertThat(st.nextSeq()).isEqualTo(4);
        files.close();
    }

    @Test
    void manyBlocksAreIndexedAndSurviveReopening() throws IOException {
        LogFiles files = new LogFiles(dir);
        StreamLog log = files.stream("g", "s");
        for (int b = 0; b < 20; b++) {
            appendRange(log, b * 1000L, 1000, 200, 1);
        }
        List<Seen> window = scan(log, 7_500, 7_509);
        assertThat(window)
                .extracting(Seen::ts)
                .containsExactly(7500L, 7501L, 7502L, 7503L, 7504L, 7505L, 7506L, 7507L, 7508L, 7509L);
        assertThat(window.getFirst().seq()).isEqualTo(7500);
        Path idx = dir.resolve("g/s/0000000000000000000.idx");
        assertThat(Files.size(idx))
                .as("one index entry per closed 64 KiB block")
                .isGreaterThan(48L * 40);
        files.close();

        StreamLog again = new LogFiles(dir).stream("g", "s");
        assertThat(again.stats().nextSeq()).isEqualTo(20_000);
        assertThat(scan(again, 19_990, Long.MAX_VALUE)).hasSize(10);
        assertThat(again.append(new long[] {99_999}, new String[] {"after reopen"}, 2))
                .isEqualTo(20_000);
    }

    @Test
    void aTornRecordAndALostIndexAreRepairedOnOpen() throws IOException {
        LogFiles files = new LogFiles(dir);
        StreamLog log = files.stream("g", "s");
        appendRange(log, 0, 2000, 100, 1);
        files.close();
        Path seg = dir.resolve("g/s/0000000000000000000.seg");
        long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 200, 0, 0, 0, 1, 2, 3}), size); // half a record
        }
        Files.write(dir.resolve("g/s/0000000000000000000.idx"), new byte[0]); // index lost

        StreamLog again = new LogFiles(dir).stream("g", "s");
        assertThat(Files.size(seg)).isEqualTo(size);
        assertThat(again.stats().nextSeq()).isEqualTo(2000);
        assertThat(scan(again, 1500, 1501)).extracting(Seen::seq).containsExactly(1500L, 1501L);
        assertThat(again.append(new long[] {5000}, new String[] {"next"}, 2)).isEqualTo(2000);
        assertThat(scan(again, 5000, 5000)).extracting(Seen::message).containsExactly("next");
    }

    @Test
    void retentionDeletesWholeExpiredSegmentsOnly() throws IOException {
        LogFiles files = new LogFiles(dir);
        StreamLog log = files.stream("g", "s");
        long day = StreamLog.SEGMENT_MILLIS;
        appendRange(log, 0, 10, 10, 0); // segment 1: ingested at t=0
        appendRange(log, day, 10, 10, day); // a day later: segment 2
        appendRange(log, 2 * day, 10, 10, 2 * day); // segment 3
        assertThat(log.segmentCount()).isEqualTo(3);
        long freed = log.dropOlderThan(day + 5); // segment 2 holds day..day+9: not wholly expired
        assertThat(freed).isPositive();
        assertThat(log.segmentCount()).isEqualTo(2);
        try (Stream<Path> left = Files.list(dir.resolve("g/s"))) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly(
                            "0000000000000000010.idx",
                            "0000000000000000010.seg",
                            "0000000000000000020.idx",
                            "0000000000000000020.seg");
        }
        assertThat(scan(log, Long.MIN_VALUE, Long.MAX_VALUE)).hasSize(20);
        assertThat(log.stats().firstEventTimestamp()).isEqualTo(day);
    }

    @Test
    void deletingAGroupRemovesItsFiles() {
        LogFiles files = new LogFiles(dir);
        files.stream("g1", "a").append(new long[] {1}, new String[] {"x"}, 1);
        files.stream("g1", "b").append(new long[] {1}, new String[] {"x"}, 1);
        files.stream("g2", "a").append(new long[] {1}, new String[] {"x"}, 1);
        files.deleteGroup("g1");
        assertThat(dir.resolve("g1")).doesNotExist();
        assertThat(dir.resolve("g2/a")).exists();
        files.deleteStream("g2", "a");
        assertThat(dir.resolve("g2/a")).doesNotExist();
    }
}
