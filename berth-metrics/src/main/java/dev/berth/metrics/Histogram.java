package dev.berth.metrics;

import java.util.Arrays;

/**
 * The value distribution of one bucket: what percentiles and the trimmed statistics are computed
 * from, since count/sum/min/max alone cannot answer them.
 *
 * <p><b>Two modes.</b> Up to {@link #EXACT_LIMIT} distinct values it keeps the exact values with
 * their (possibly fractional) counts, so small buckets, such as a 1-minute bucket of 10-second
 * data, answer percentiles exactly. Beyond that it switches to log-linear bins: a value's bin is
 * its IEEE 754 exponent plus the top {@link #MANTISSA_BITS} bits of its mantissa, i.e. 128 bins per
 * power of two, so a bin spans a relative width of at most 1/128 and its midpoint is within
 * <b>1/256 ≈ 0.39% relative error</b> of every value in it (the same idea as HdrHistogram and
 * DDSketch, but computed from the bits with no logarithm). Counts are exact, so the <em>rank</em> a
 * percentile picks is exact; only the value returned for it is approximate, and it is clamped to
 * the bucket's exact minimum and maximum. Values with a magnitude below 2^-1022 (subnormals) share
 * bins with an absolute, not relative, error below 2^-1029.
 *
 * <p><b>Bounded.</b> Bins live in {@link DenseBins}: per sign at most {@link #MAX_BINS} consecutive
 * bins (32 binades, a factor of 4·10^9 between the smallest and largest magnitude, at full
 * resolution; at most 32 KiB per sign); beyond, the bins nearest zero are merged, which costs
 * accuracy only for the values of smallest magnitude, the way DDSketch collapses.
 *
 * <p>Not thread-safe: owned by one {@link Aggregate}.
 */
final class Histogram {

    static final int EXACT_LIMIT = 4;
    static final int MANTISSA_BITS = 7;
    static final int MAX_BINS = 4096;
    private static final int SHIFT = 52 - MANTISSA_BITS;

    private boolean binned;
    private double[] values; // exact mode, ascending
    private double[] counts; // exact mode
    private int size; // exact mode
    private DenseBins bins; // binned mode
    private int[] sortedKeys; // binned mode: cache of bins in order, dropped on change
    private double[] sortedCounts;

    Histogram() {
        values = new double[2];
        counts = new double[2];
    }

    Histogram copy() {
        Histogram h = new Histogram();
        h.binned = binned;
        if (binned) {
            h.values = null;
            h.counts = null;
            h.bins = bins.copy();
        } else {
            h.values = values.clone();
            h.counts = counts.clone();
            h.size = size;
        }
        return h;
    }

    static int key(double v) {
        long bits = Double.doubleToRawLongBits(v);
        int mag = (int) ((bits & Long.MAX_VALUE) >>> SHIFT);
        return bits < 0 ? -mag : mag;
    }

    static double representative(int key) {
        if (key == 0) {
            return 0.0;
        }
        int mag = Math.abs(key);
        double v = Double.longBitsToDouble(((long) mag << SHIFT) | (1L << (SHIFT - 1)));
        return key < 0 ? -v : v;
    }

    boolean isBinned() {
        return binned;
    }

    private void sorted() {
        if (sortedKeys == null) {
            Object[] a = bins.toArrays();
            sortedKeys = (int[]) a[0];
            sortedCounts = (double[]) a[1];
            size = (int) a[2];
        }
    }

    /** Distinct values (exact mode) or non-empty bins. */
    int size() {
        if (binned) {
            sorted();
        }
        return size;
    }

    /** The i-th smallest value (a bin's midpoint in binned mode). */
    double valueAt(int i) {
        if (binned) {
            sorted();
            return representative(sortedKeys[i]);
        }
        return values[i];
    }

    double countAt(int i) {
        if (binned) {
            sorted();
            return sortedCounts[i];
        }
        return counts[i];
    }

    void add(double v, double count) {
        if (count <= 0) {
            return;
        }
        if (!binned) {
            int i = Arrays.binarySearch(values, 0, size, v);
            if (i >= 0) { // binarySearch orders by Double.compare: a hit has the same bits
                counts[i] += count;
                return;
            }
            i = -i - 1;
            if (size < EXACT_LIMIT) {
                if (size == values.length) {
                    values = Arrays.copyOf(values, Math.min(EXACT_LIMIT, size * 2));
                    counts = Arrays.copyOf(counts, values.length);
                }
                System.arraycopy(values, i, values, i + 1, size - i);
                System.arraycopy(counts, i, counts, i + 1, size - i);
                values[i] = v;
                counts[i] = count;
                size++;
                return;
            }
            toBinned();
        }
        addBin(key(v), count);
    }

    private void toBinned() {
        DenseBins b = new DenseBins();
        for (int i = 0; i < size; i++) {
            b.add(key(values[i]), counts[i]);
        }
        binned = true;
        bins = b;
        values = null;
        counts = null;
        size = 0;
        sortedKeys = null;
    }

    private void addBin(int k, double count) {
        bins.add(k, count);
        sortedKeys = null;
    }

    void merge(Histogram other) {
        if (other.binned) {
            if (!binned) {
                toBinned();
            }
            other.bins.forEach(this::addBin);
        } else {
            for (int i = 0; i < other.size; i++) {
                add(other.values[i], other.counts[i]);
            }
        }
    }

    double total() {
        double t = 0;
        for (int i = 0; i < size(); i++) {
            t += countAt(i);
        }
        return t;
    }

    // ---- encoding (see ChunkEncoder for where it sits in a chunk) ----

    /**
     * Writes the distribution of an aggregate whose exact minimum is {@code min}: the first bin is
     * written relative to min's bin and the first exact value XORed with min, both usually 1 bit.
     */
    void encode(BitWriter out, double min) {
        out.writeBit(binned);
        out.writeVarLong(size());
        if (binned) {
            int[] keys = sortedKeys;
            double[] counts = sortedCounts;
            for (int i = 0; i < size; i++) {
                if (i == 0) {
                    long d = (long) keys[0] - key(min);
                    writeKeyGap(out, (int) ((d << 1) ^ (d >> 63)));
                } else {
                    writeKeyGap(out, keys[i] - keys[i - 1] - 1);
                }
                writeCount(out, counts[i]);
            }
        } else {
            XorCodec xor = new XorCodec();
            xor.reset(min);
            for (int i = 0; i < size; i++) {
                xor.write(out, values[i]);
                writeCount(out, counts[i]);
            }
        }
    }

    /** Gap between consecutive bin keys minus one: {@code 0}, {@code 10}+4, {@code 110}+10, {@code 111}+32 bits. */
    private static void writeKeyGap(BitWriter out, int gap) {
        if (gap == 0) {
            out.write(0, 1);
        } else if (gap < 16) {
            out.write(0b10, 2);
            out.write(gap, 4);
        } else if (gap < 1024) {
            out.write(0b110, 3);
            out.write(gap, 10);
        } else {
            out.write(0b111, 3);
            out.write(gap, 32);
        }
    }

    private static int readKeyGap(BitReader in) {
        if (!in.readBit()) {
            return 0;
        }
        if (!in.readBit()) {
            return (int) in.read(4);
        }
        return in.readBit() ? (int) in.read(32) : (int) in.read(10);
    }

    /** Reads past an encoded distribution without building it (queries of basic statistics). */
    static void skip(BitReader in) {
        boolean binned = in.readBit();
        int size = (int) in.readVarLong();
        XorCodec xor = binned ? null : new XorCodec();
        for (int i = 0; i < size; i++) {
            if (binned) {
                readKeyGap(in);
            } else {
                xor.read(in);
            }
            readCount(in);
        }
    }

    static Histogram decode(BitReader in, double min) {
        boolean binned = in.readBit();
        int size = (int) in.readVarLong();
        Histogram h = new Histogram();
        if (binned) {
            h.binned = true;
            h.values = null;
            h.counts = null;
            h.bins = new DenseBins();
            int key = 0;
            for (int i = 0; i < size; i++) {
                if (i == 0) {
                    long z = readKeyGap(in) & 0xFFFFFFFFL;
                    key = (int) (key(min) + ((z >>> 1) ^ -(z & 1)));
                } else {
                    key = key + 1 + readKeyGap(in);
                }
                h.bins.add(key, readCount(in));
            }
            return h;
        }
        double[] values = new double[Math.max(2, size)];
        double[] counts = new double[Math.max(2, size)];
        XorCodec xor = new XorCodec();
        xor.reset(min);
        for (int i = 0; i < size; i++) {
            values[i] = xor.read(in);
            counts[i] = readCount(in);
        }
        h.values = values;
        h.counts = counts;
        h.size = size;
        return h;
    }

    /** A count: {@code 0} for 1, {@code 10} + varint for other whole numbers, {@code 11} + 64 bits. */
    static void writeCount(BitWriter out, double c) {
        long l = (long) c;
        if (c == 1.0) {
            out.write(0, 1);
        } else if (l == c && l >= 0 && l < (1L << 53)) {
            out.write(0b10, 2);
            out.writeVarLong(l);
        } else {
            out.write(0b11, 2);
            out.write(Double.doubleToRawLongBits(c), 64);
        }
    }

    static double readCount(BitReader in) {
        if (!in.readBit()) {
            return 1.0;
        }
        return in.readBit() ? Double.longBitsToDouble(in.read(64)) : (double) in.readVarLong();
    }
}
