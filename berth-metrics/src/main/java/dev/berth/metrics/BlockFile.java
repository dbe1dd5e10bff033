package dev.berth.metrics;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One block of one tier: every immutable chunk whose buckets fall into
 * [{@link #blockStart}, blockStart + {@link Tier#blockSeconds}), in one append-only file
 * {@code <tier>/<blockStart>.blk}, with an in-memory index series id → chunk locations.
 *
 * <p>Exists so that retention is a file deletion and a query opens only the blocks of its time
 * range. The index is rebuilt by scanning the chunk headers on open (a few bytes per chunk, no
 * body decoding); it is not stored, so only the data has to be durable.
 *
 * <p>Threading: {@link #append} is synchronized (one writer at a time per file); readers use
 * positional reads of ranges that were written before the index published them, so they never
 * wait for writers. The index maps to immutable arrays replaced on append.
 *
 * <pre>
 * record  = length:int32 | crc32c:int32 | payload
 * payload = seriesId:varint | generation:varint | firstTs:zigzag (epoch s) | lastTs-firstTs:varint
 *           | buckets:varint | body (ChunkEncoder bits, to the end of the record)
 * </pre>
 */
final class BlockFile implements Closeable {

    /** Where one chunk is; {@code bodyOffset} is absolute in the file. */
    record ChunkRef(long bodyOffset, int bodyLength, long firstTs, long lastTs, int count) {}

    private static final ChunkRef[] NONE = new ChunkRef[0];

    final Tier tier;
    final long blockStart;
    final Path path;
    private final FileChannel ch;
    private final ConcurrentHashMap<Integer, ChunkRef[]> index = new ConcurrentHashMap<>();
    private long size;
    private final Bytes scratch = new Bytes(1024);
    private volatile boolean closed;

    private BlockFile(Tier tier, long blockStart, Path path, FileChannel ch) {
        this.tier = tier;
        this.blockStart = blockStart;
        this.path = path;
        this.ch = ch;
    }

    long blockEnd() {
        return blockStart + tier.blockSeconds;
    }

    /** Observes each chunk kept while a block is opened (series id, newest bucket time). */
    interface ChunkObserver {
        void chunk(int seriesId, long lastTs, long generation);
    }

    /**
     * Opens (or creates) a block file, dropping a torn tail and every chunk of generation ≥
     * {@code firstReplayedGeneration} (their data is replayed from the WAL).
     */
    static BlockFile open(Path path, Tier tier, long blockStart, long firstReplayedGeneration, ChunkObserver observer)
            throws IOException {
        FileChannel ch =
                FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        BlockFile f = new BlockFile(tier, blockStart, path, ch);
        f.size = RecordFile.scan(ch, (offset, payload) -> {
            int start = payload.position();
            int seriesId = (int) Bytes.getVarLong(payload);
            long gen = Bytes.getVarLong(payload);
            if (gen >= firstReplayedGeneration) {
                return false;
            }
            long firstTs = Bytes.getZigZag(payload);
            long lastTs = firstTs + Bytes.getVarLong(payload);
            int count = (int) Bytes.getVarLong(payload);
            int headerLen = payload.position() - start;
            f.publish(
                    seriesId,
                    new ChunkRef(
                            offset + RecordFile.HEADER + headerLen,
                            payload.limit() - headerLen,
                            firstTs,
                            lastTs,
                            count));
            observer.chunk(seriesId, lastTs, gen);
            return true;
        });
        return f;
    }

    private void publish(int seriesId, ChunkRef ref) {
        index.compute(seriesId, (k, old) -> {
            if (old == null) {
                return new ChunkRef[] {ref};
            }
            ChunkRef[] n = Arrays.copyOf(old, old.length + 1);
            n[old.length] = ref;
            return n;
        });
    }

    /** Appends a chunk (no fsync: see {@link #sync}). */
    synchronized void append(int seriesId, long generation, ChunkEncoder chunk) throws IOException {
        byte[] body = chunk.body();
        scratch.reset();
        scratch.putInt(0);
        scratch.putInt(0);
        scratch.putVarLong(seriesId);
        scratch.putVarLong(generation);
        scratch.putZigZag(chunk.firstTs);
        scratch.putVarLong(chunk.lastTs() - chunk.firstTs);
        scratch.putVarLong(chunk.count());
        int headerEnd = scratch.length();
        scratch.putBytes(body);
        RecordFile.seal(scratch);
        long at = size;
        RecordFile.writeFully(ch, ByteBuffer.wrap(scratch.array(), 0, scratch.length()), at);
        size = at + scratch.length();
        publish(seriesId, new ChunkRef(at + headerEnd, body.length, chunk.firstTs, chunk.lastTs(), chunk.count()));
    }

    ChunkRef[] chunks(int seriesId) {
        ChunkRef[] refs = index.get(seriesId);
        return refs == null ? NONE : refs;
    }

    /** Reads a chunk body; null if the block was deleted by retention meanwhile. */
    byte[] read(ChunkRef ref) throws IOException {
        byte[] body = new byte[ref.bodyLength()];
        try {
            RecordFile.readFully(ch, ByteBuffer.wrap(body), ref.bodyOffset());
        } catch (java.nio.channels.ClosedChannelException e) {
            if (closed) {
                return null;
            }
            throw e;
        }
        return body;
    }

    synchronized long size() {
        return size;
    }

    void sync() throws IOException {
        ch.force(false);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        ch.close();
    }
}
