package dev.berth.metrics;

/** Reads what {@link BitWriter} wrote, from a byte range; reading past the end yields zero bits. */
final class BitReader {

    private final byte[] bytes;
    private final int end;
    private long bitPos;

    BitReader(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.end = offset + length;
        this.bitPos = offset * 8L;
    }

    long read(int n) {
        long v = 0;
        int remaining = n;
        while (remaining > 0) {
            int byteIndex = (int) (bitPos >>> 3);
            int bitInByte = (int) (bitPos & 7);
            int avail = 8 - bitInByte;
            int take = Math.min(avail, remaining);
            int b = byteIndex < end ? bytes[byteIndex] & 0xFF : 0;
            int bits = (b >>> (avail - take)) & ((1 << take) - 1);
            v = (v << take) | bits;
            remaining -= take;
            bitPos += take;
        }
        return v;
    }

    boolean readBit() {
        int byteIndex = (int) (bitPos >>> 3);
        int b = byteIndex < end ? bytes[byteIndex] & 0xFF : 0;
        boolean bit = ((b >>> (7 - (int) (bitPos & 7))) & 1) != 0;
        bitPos++;
        return bit;
    }

    long readVarLong() {
        long v = 0;
        int shift = 0;
        while (true) {
            long b = read(8);
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
            shift += 7;
            if (shift > 63) {
                throw new IllegalStateException("malformed varint");
            }
        }
    }

    long readZigZag() {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }
}
