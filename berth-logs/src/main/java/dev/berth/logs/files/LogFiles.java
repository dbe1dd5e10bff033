package dev.berth.logs.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Where CloudWatch Logs events live on disk: append-only segment files per log stream with a
 * sparse time index, under {@code <data-dir>/logs/}. Log group and stream <em>metadata</em> (names,
 * creation times, retention, tags, and the ids below) is in the state store; this class only knows
 * ids.
 *
 * <pre>
 * &lt;data-dir&gt;/logs/
 *   &lt;group id&gt;/                         32 hex chars, fresh for every CreateLogGroup (a re-created
 *     &lt;stream id&gt;/                       group or stream never sees the old one's events)
 *       0000000000000000000.seg         events with sequence numbers 0.. of the stream
 *       0000000000000000000.idx         its sparse index
 *       0000000000000183412.seg         the next segment starts at sequence 183412
 *       0000000000000183412.idx
 *
 * .seg  record*            record = length:int32 timestamp:int64 ingestionTime:int64 message:byte[length]
 *                          (little-endian; message is UTF-8)
 * .idx  entry*             entry  = offset:int64 length:int32 firstSeq:int64 count:int32
 *                                   minTimestamp:int64 maxTimestamp:int64 maxIngestionTime:int64   (48 bytes)
 * </pre>
 *
 * <ul>
 *   <li>A segment is a run of <em>blocks</em> of about 64 KiB; each closed block has one index entry
 *       with the range of its timestamps, so a time-range read opens only the blocks that overlap
 *       (a PutLogEvents batch is chronological, so blocks of a normal stream barely overlap) and a
 *       scan reads whole blocks with one positional read each.</li>
 *   <li>The open block at the end of the newest segment has no index entry yet; opening a stream
 *       rescans from the last indexed block to the end of the file, and cuts off a record torn by a
 *       crash. Index entries are redundant with the data, so only the data file is fsynced (once per
 *       PutLogEvents, before it is acknowledged).</li>
 *   <li>A new segment starts when the active one reaches 64 MiB or its first event was ingested 24 h
 *       ago. Retention deletes whole segments whose newest event is older than the group's retention;
 *       reads hide the expired events of a segment that is only partly expired.</li>
 *   <li>DeleteLogStream / DeleteLogGroup delete the directory after the store transaction commits.</li>
 * </ul>
 *
 * <p>Thread-safe: one {@link StreamLog} per stream directory, opened lazily and shared.
 */
public final class LogFiles implements AutoCloseable {

    private final Path root;
    private final ConcurrentHashMap<String, StreamLog> open = new ConcurrentHashMap<>();

    public LogFiles(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** The stream's log, opened (and created) on first use. */
    public StreamLog stream(String groupId, String streamId) {
        return open.computeIfAbsent(
                groupId + "/" + streamId,
                k -> StreamLog.open(root.resolve(groupId).resolve(streamId)));
    }

    /** Removes a stream's files. */
    public void deleteStream(String groupId, String streamId) {
        StreamLog log = open.remove(groupId + "/" + streamId);
        if (log != null) {
            log.delete();
        } else {
            deleteTree(root.resolve(groupId).resolve(streamId));
        }
    }

    /** Removes a group's files (every stream). */
    public void deleteGroup(String groupId) {
        String prefix = groupId + "/";
        for (String key : open.keySet()) {
            if (key.startsWith(prefix)) {
                StreamLog log = open.remove(key);
                if (log != null) {
                    log.delete();
                }
            }
        }
        deleteTree(root.resolve(groupId));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    @Override
    public void close() {
        open.values().forEach(StreamLog::close);
        open.clear();
    }
}
