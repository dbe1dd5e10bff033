package dev.berth.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The framing every file of the engine shares: {@code length:int32 crc32c:int32 payload}, where
 * the CRC covers the payload. A scan stops at the first record that is cut short or fails its CRC
 * and the file is truncated there: that is how a write torn by a crash (or a power loss that kept
 * only some pages) is dropped on open. Appends are single {@code write} calls at the end.
 */
final class RecordFile {

    static final int HEADER = 8;

    /** Receives each intact record; returns false to stop the scan and truncate from this record. */
    interface Visitor {
        boolean record(long offset, ByteBuffer payload) throws IOException;
    }

    private RecordFile() {}

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** Fills in the header of a record whose payload starts at byte 8 of {@code out}. */
    static void seal(Bytes out) {
        int payload = out.length() - HEADER;
        out.setInt(0, payload);
        out.setInt(4, crc(out.array(), HEADER, payload));
    }

    /**
     * Visits the intact records of {@code ch} and truncates it after the last one accepted.
     * Returns the new length.
     */
    static long scan(FileChannel ch, Visitor visitor) throws IOException {
        long size = ch.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (pos + HEADER <= size) {
            header.clear();
            readFully(ch, header, pos);
            header.flip();
            int len = header.getInt();
            int crc = header.getInt();
            if (len < 0 || pos + HEADER + len > size) {
                break;
            }
            byte[] payload = new byte[len];
            readFully(ch, ByteBuffer.wrap(payload), pos + HEADER);
            if (crc(payload, 0, len) != crc) {
                break;
            }
            if (!visitor.record(pos, ByteBuffer.wrap(payload))) {
                break;
            }
            pos += HEADER + len;
        }
        if (pos < size) {
            ch.truncate(pos);
            ch.force(true);
        }
        return pos;
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }
}
