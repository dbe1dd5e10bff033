package dev.berth.logs.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One append-only segment file of a log stream and its sparse time index (layout in
 * {@link LogFiles}). Holds the index in memory: the closed blocks and the open tail block.
 *
 * <p>Not thread-safe for writers: {@link StreamLog} serialises appends under its lock and hands
 * readers an immutable {@link Snapshot}; reads are positional and never move a file position, so
 * they run concurrently with appends.
 */
final class Segment {

    /** Bytes of a record header: length (4), timestamp (8), ingestion time (8). */
    static final int HEADER = 20;
    /** Bytes of one index entry. */
    static final int INDEX_ENTRY = 48;
    /** A block is closed (and its index entry written) once it holds this many bytes. */
    static final int BLOCK_BYTES = 64 * 1024;

    /** A run of consecutive records with the range of their timestamps: the unit a read skips or scans. */
    record Block(long offset, int length, long firstSeq, int count, long minTs, long maxTs, long maxIngest) {
        Block plus(int recordBytes, long ts, long ingest) {
            return new Block(
                    offset,
                    length + recordBytes,
                    firstSeq,
                    count + 1,
                    Math.min(minTs, ts),
                    Math.max(maxTs, ts),
                    Math.max(maxIngest, ingest));
        }
    }

    /** What a reader may see: closed blocks plus the tail block as of the snapshot. */
    record Snapshot(Segment segment, List<Block> blocks) {}

    private final Path data;
    private final Path index;
    private final long firstSeq;
    private final FileChannel channel;
    private final FileChannel indexChannel;
    private final List<Block> closed = new ArrayList<>();
    private Block tail;
    private long size;
    private long firstIngest = Long.MAX_VALUE;

    private Segment(Path dir, long firstSeq, boolean create) throws IOException {
        this.firstSeq = firstSeq;
        this.data = dir.resolve(String.format("%019d.seg", firstSeq));
        this.index = dir.resolve(String.format("%019d.idx", firstSeq));
        var opts = create
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE
                }
                : new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        this.channel = FileChannel.open(data, opts);
        this.indexChannel =
                FileChannel.open(index, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    static Segment create(Path dir, long firstSeq) throws IOException {
        Segment s = new Segment(dir, firstSeq, true);
        s.tail = new Block(0, 0, firstSeq, 0, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
        return s;
    }

    /**
     * Opens an existing segment: trusts the index entries that lie inside the data file, rescans the
     * records after them, and cuts off a torn record at the end (a crash mid-append).
     */
    static Segment open(Path dir, long firstSeq) throws IOException {
        Segment s = new Segment(dir, firstSeq, false);
        s.recover();
        return s;
    }

    private void recover() throws IOException {
        long dataSize = channel.size();
        long entries = indexChannel.size() / INDEX_ENTRY;
        ByteBuffer buf = ByteBuffer.allocate((int) (entries * INDEX_ENTRY)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(indexChannel, buf, 0);
        buf.flip();
        long expectedOffset = 0;
        long expectedSeq = firstSeq;
        for (long i = 0; i < entries; i++) {
            Block b = new Block(
                    buf.getLong(),
                    buf.getInt(),
                    buf.getLong(),
                    buf.getInt(),
                    buf.getLong(),
                    buf.getLong(),
                    buf.getLong());
            if (b.offset() != expectedOffset || b.firstSeq() != expectedSeq || b.offset() + b.length() > dataSize) {
                break;
            }
            closed.add(b);
            expectedOffset = b.offset() + b.length();
            expectedSeq = b.firstSeq() + b.count();
        }
        indexChannel.truncate((long) closed.size() * INDEX_ENTRY);
        tail = new Block(expectedOffset, 0, expectedSeq, 0, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
        long pos = expectedOffset;
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        while (pos + HEADER <= dataSize) {
            header.clear();
            readFully(channel, header, pos);
            header.flip();
            int len = header.getInt();
            if (len < 0 || pos + HEADER + len > dataSize) {
                break;
            }
            long ts = header.getLong();
            long ingest = header.getLong();
            tail = tail.plus(HEADER + len, ts, ingest);
            pos += HEADER + len;
            maybeCloseTail();
        }
        if (pos < dataSize) {
            channel.truncate(pos);
        }
        size = pos;
        for (Block b : blocks()) {
            if (b.count() > 0) {
                firstIngest = Math.min(firstIngest, ingestOfFirstRecord(b));
                break;
            }
        }
    }

    private long ingestOfFirstRecord(Block b) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, header, b.offset());
        header.flip();
        header.getInt();
        header.getLong();
        return header.getLong();
    }

    /** Appends encoded records (see {@link #encode}) and makes them durable before returning. */
    void append(ByteBuffer records, long[] timestamps, int[] recordBytes, long ingest) throws IOException {
        long pos = size;
        while (records.hasRemaining()) {
            pos += channel.write(records, pos);
        }
        channel.force(false);
        if (firstIngest == Long.MAX_VALUE) {
            firstIngest = ingest;
        }
        for (int i = 0; i < timestamps.length; i++) {
            tail = tail.plus(recordBytes[i], timestamps[i], ingest);
            maybeCloseTail();
        }
        size = pos;
    }

    private void maybeCloseTail() throws IOException {
        if (tail.length() >= BLOCK_BYTES) {
            ByteBuffer e = ByteBuffer.allocate(INDEX_ENTRY).order(ByteOrder.LITTLE_ENDIAN);
            e.putLong(tail.offset())
                    .putInt(tail.length())
                    .putLong(tail.firstSeq())
                    .putInt(tail.count())
                    .putLong(tail.minTs())
                    .putLong(tail.maxTs())
                    .putLong(tail.maxIngest())
                    .flip();
            long at = (long) closed.size() * INDEX_ENTRY;
            while (e.hasRemaining()) {
                at += indexChannel.write(e, at);
            }
            closed.add(tail);
            tail = new Block(
                    tail.offset() + tail.length(),
                    0,
                    tail.firstSeq() + tail.count(),
                    0,
                    Long.MAX_VALUE,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE);
        }
    }

    /** Closed blocks and the tail (if it holds anything), as of now. */
    List<Block> blocks() {
        List<Block> out = new ArrayList<>(closed.size() + 1);
        out.addAll(closed);
        if (tail.count() > 0) {
            out.add(tail);
        }
        return out;
    }

    Snapshot snapshot() {
        return new Snapshot(this, List.copyOf(blocks()));
    }

    long firstSeq() {
        return firstSeq;
    }

    long nextSeq() {
        return tail.firstSeq() + tail.count();
    }

    long size() {
        return size;
    }

    /** Ingestion time of the first record, or {@link Long#MAX_VALUE} when empty. */
    long firstIngest() {
        return firstIngest;
    }

    long minTs() {
        return blocks().stream().mapToLong(Block::minTs).min().orElse(Long.MAX_VALUE);
    }

    long maxTs() {
        return blocks().stream().mapToLong(Block::maxTs).max().orElse(Long.MIN_VALUE);
    }

    long maxIngest() {
        return blocks().stream().mapToLong(Block::maxIngest).max().orElse(Long.MIN_VALUE);
    }

    /** Reads one block's bytes. */
    ByteBuffer read(Block b) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(b.length()).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, buf, b.offset());
        buf.flip();
        return buf;
    }

    void close() {
        try {
            channel.close();
            indexChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete() {
        close();
        try {
            Files.deleteIfExists(data);
            Files.deleteIfExists(index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of " + ch);
            }
            p += n;
        }
    }
}
