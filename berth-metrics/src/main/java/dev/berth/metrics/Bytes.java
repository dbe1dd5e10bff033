package dev.berth.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level varints and strings for the record headers of the WAL, the series log and block
 * files ({@link BitWriter} is for chunk bodies). A growable output buffer and readers over
 * {@link ByteBuffer}.
 */
final class Bytes {

    private byte[] buf;
    private int len;

    Bytes(int capacity) {
        buf = new byte[capacity];
    }

    void reset() {
        len = 0;
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    void put(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void putInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    void setInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    void putDouble(double v) {
        putLong(Double.doubleToRawLongBits(v));
    }

    void putVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    void putZigZag(long v) {
        putVarLong((v << 1) ^ (v >> 63));
    }

    void putBytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    void putString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putVarLong(b.length);
        putBytes(b);
    }

    static long getVarLong(ByteBuffer in) {
        long v = 0;
        int shift = 0;
        while (true) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
            shift += 7;
            if (shift > 63) {
                throw new IllegalStateException("malformed varint");
            }
        }
    }

    static long getZigZag(ByteBuffer in) {
        long v = getVarLong(in);
        return (v >>> 1) ^ -(v & 1);
    }

    static String getString(ByteBuffer in) {
        int n = (int) getVarLong(in);
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
