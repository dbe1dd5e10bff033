package dev.berth.metrics;

import java.util.Arrays;

/**
 * An append-only bit stream, most significant bit first, the substrate of the Gorilla encoding
 * ({@link ChunkEncoder}). Bits accumulate in a {@code long} and spill into a growable byte array,
 * so writing a few bits costs a shift and an or.
 */
final class BitWriter {

    private byte[] bytes;
    private int byteLength;
    private long acc;
    private int accBits;

    BitWriter(int initialBytes) {
        bytes = new byte[Math.max(16, initialBytes)];
    }

    /** Writes the low {@code n} bits of {@code value} (0 ≤ n ≤ 64). */
    void write(long value, int n) {
        if (n == 0) {
            return;
        }
        if (n < 64) {
            value &= (1L << n) - 1;
        }
        int free = 64 - accBits;
        if (n <= free) {
            acc = n == 64 ? value : (acc << n) | value;
            accBits += n;
            if (accBits == 64) {
                spill();
            }
        } else {
            int first = n - free;
            acc = (acc << free) | (value >>> first);
            accBits = 64;
            spill();
            acc = value & ((1L << first) - 1);
            accBits = first;
        }
    }

    void writeBit(boolean bit) {
        write(bit ? 1 : 0, 1);
    }

    /** Unsigned LEB128-style variable-length integer in 8-bit groups (7 data bits each). */
    void writeVarLong(long v) {
        while ((v & ~0x7FL) != 0) {
            write((v & 0x7F) | 0x80, 8);
            v >>>= 7;
        }
        write(v, 8);
    }

    void writeZigZag(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    private void spill() {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[byteLength++] = (byte) (acc >>> shift);
        }
        acc = 0;
        accBits = 0;
    }

    private void ensure(int more) {
        if (byteLength + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, byteLength + more));
        }
    }

    /** Bits written so far. */
    long bitLength() {
        return byteLength * 8L + accBits;
    }

    /** A copy of the stream, zero-padded to whole bytes. */
    byte[] toByteArray() {
        int tailBytes = (accBits + 7) / 8;
        byte[] out = Arrays.copyOf(bytes, byteLength + tailBytes);
        long tail = accBits == 0 ? 0 : acc << (64 - accBits);
        for (int i = 0; i < tailBytes; i++) {
            out[byteLength + i] = (byte) (tail >>> (56 - 8 * i));
        }
        return out;
    }
}
