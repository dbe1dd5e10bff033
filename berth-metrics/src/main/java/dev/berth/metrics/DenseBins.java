package dev.berth.metrics;

import java.util.Arrays;

/**
 * The binned form of a {@link Histogram}: two dense arrays of counts indexed by bin magnitude (one
 * for positive values, one for negative) plus a count of zeros, DDSketch's layout. Adding a value
 * is an array increment, with no search and no shifting: sorted arrays with binary search cost
 * ~200 ns a value when a 1-hour bucket of a moving gauge was built from them, this a few.
 *
 * <p>Each side spans at most {@link Histogram#MAX_BINS} consecutive magnitudes; a value that would
 * widen it further merges the bins nearest zero into the lowest bin kept, so accuracy is lost only
 * for the values of smallest magnitude.
 */
final class DenseBins {

    private static final class Side {
        int base; // magnitude of counts[0]
        double[] counts;
        int min = Integer.MAX_VALUE; // smallest magnitude in use
        int max = Integer.MIN_VALUE;

        Side copy() {
            Side s = new Side();
            s.base = base;
            s.counts = counts == null ? null : counts.clone();
            s.min = min;
            s.max = max;
            return s;
        }

        void add(int mag, double c) {
            if (counts == null) {
                counts = new double[64];
                base = Math.max(0, mag - 32);
                min = max = mag;
            } else if (mag < min || mag > max) {
                int newMin = Math.min(min, mag);
                int newMax = Math.max(max, mag);
                if (newMax - newMin + 1 > Histogram.MAX_BINS) {
                    int floor = newMax - Histogram.MAX_BINS + 1;
                    collapseBelow(floor);
                    newMin = Math.max(newMin, floor);
                    mag = Math.max(mag, floor);
                }
                ensure(newMin, newMax);
                min = newMin;
                max = newMax;
            }
            counts[mag - base] += c;
        }

        private void collapseBelow(int floor) {
            if (min >= floor) {
                return;
            }
            double moved = 0;
            for (int m = min; m < floor && m <= max; m++) {
                moved += counts[m - base];
                counts[m - base] = 0;
            }
            ensure(floor, Math.max(max, floor));
            counts[floor - base] += moved;
            min = floor;
            max = Math.max(max, floor);
        }

        private void ensure(int lo, int hi) {
            if (lo >= base && hi < base + counts.length) {
                return;
            }
            int span = hi - lo + 1;
            int len = Math.max(counts.length * 2, span + 64);
            int newBase = lo < base ? Math.max(0, hi - len + 1) : lo;
            newBase = Math.min(newBase, lo);
            double[] n = new double[len];
            if (min <= max) {
                System.arraycopy(counts, min - base, n, min - newBase, max - min + 1);
            }
            counts = n;
            base = newBase;
        }
    }

    private Side pos = new Side();
    private Side neg = new Side();
    private double zeros;

    DenseBins copy() {
        DenseBins b = new DenseBins();
        b.pos = pos.copy();
        b.neg = neg.copy();
        b.zeros = zeros;
        return b;
    }

    /** Adds to the bin of signed key {@code k} (see {@link Histogram#key}). */
    void add(int k, double c) {
        if (k > 0) {
            pos.add(k, c);
        } else if (k < 0) {
            neg.add(-k, c);
        } else {
            zeros += c;
        }
    }

    /** Visits non-empty bins in ascending order of value: (signed key, count). */
    interface Visitor {
        void bin(int key, double count);
    }

    void forEach(Visitor v) {
        if (neg.counts != null) {
            for (int m = neg.max; m >= neg.min; m--) {
                double c = neg.counts[m - neg.base];
                if (c != 0) {
                    v.bin(-m, c);
                }
            }
        }
        if (zeros != 0) {
            v.bin(0, zeros);
        }
        if (pos.counts != null) {
            for (int m = pos.min; m <= pos.max; m++) {
                double c = pos.counts[m - pos.base];
                if (c != 0) {
                    v.bin(m, c);
                }
            }
        }
    }

    /** Sorted (keys, counts) arrays of the non-empty bins. */
    Object[] toArrays() {
        int[] keys = new int[16];
        double[] counts = new double[16];
        int[] n = {0};
        int[][] k = {keys};
        double[][] c = {counts};
        forEach((key, count) -> {
            if (n[0] == k[0].length) {
                k[0] = Arrays.copyOf(k[0], n[0] * 2);
                c[0] = Arrays.copyOf(c[0], n[0] * 2);
            }
            k[0][n[0]] = key;
            c[0][n[0]] = count;
            n[0]++;
        });
        return new Object[] {k[0], c[0], n[0]};
    }
}
