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

    private static final java.lang.invoke.VarHandle LONG_BE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /** The 8 bytes from {@code i}, big-endian, zeros past the end. */
    private long load64(int i) {
        if (i + 8 <= end) {
            return (long) LONG_BE.get(bytes, i);
        }
        long w = 0;
        for (int k = 0; k < 8; k++) {
            w = (w << 8) | (i + k < end ? bytes[i + k] & 0xFF : 0);
        }
        return w;
    }

    long read(int n) {
        if (n == 0) {
            return 0;
        }
        if (n > 56) {
            long hi = read(n - 32);
            return (hi << 32) | read(32);
        }
        int bitOff = (int) (bitPos & 7);
        long w = load64((int) (bitPos >>> 3));
        bitPos += n;
        return (w << bitOff) >>> (64 - n);
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
