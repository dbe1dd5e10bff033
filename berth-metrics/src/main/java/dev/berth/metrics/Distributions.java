package dev.berth.metrics;

/**
 * The arithmetic of the extended statistics over an {@link Aggregate}'s distribution, kept apart
 * from {@link Statistic} (which parses and names them) so the walk over sorted (value, count)
 * entries is written once. Definitions and accuracy: {@link Statistic}.
 */
final class Distributions {

    private Distributions() {}

    /** Sorted (value, count) view of an aggregate; values clamped to its exact min/max. */
    private record Entries(double[] values, double[] counts, int size, double total) {}

    private static Entries entries(Aggregate a) {
        if (a.isEmpty() || !a.distributionKnown()) {
            return null;
        }
        Histogram h = a.histogram();
        if (h == null) {
            return new Entries(new double[] {a.minimum()}, new double[] {a.sampleCount()}, 1, a.sampleCount());
        }
        int n = h.size();
        double[] v = new double[n];
        double[] c = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(a.minimum(), Math.min(a.maximum(), h.valueAt(i)));
            c[i] = h.countAt(i);
            total += c[i];
        }
        if (h.isBinned()) { // the extremes are known exactly
            v[0] = a.minimum();
            v[n - 1] = a.maximum();
        }
        return new Entries(v, c, n, total);
    }

    static Double percentile(Aggregate a, double p) {
        Entries e = entries(a);
        if (e == null) {
            return null;
        }
        if (p <= 0) {
            return a.minimum();
        }
        if (p >= 100) {
            return a.maximum();
        }
        double rank = p / 100 * e.total;
        double cum = 0;
        for (int i = 0; i < e.size; i++) {
            cum += e.counts[i];
            if (cum >= rank * (1 - 1e-12)) {
                return e.values[i];
            }
        }
        return e.values[e.size - 1];
    }

    static Double trimmed(Aggregate a, Statistic.TrimKind kind, boolean percent, double lower, double upper) {
        Entries e = entries(a);
        if (e == null) {
            return null;
        }
        double inWeight = 0;
        double inSum = 0;
        double belowWeight = 0;
        double aboveWeight = 0;
        double loValue;
        double hiValue;
        if (percent) {
            double lo = lower / 100 * e.total;
            double hi = upper / 100 * e.total;
            double cum = 0;
            loValue = e.values[0];
            hiValue = e.values[e.size - 1];
            for (int i = 0; i < e.size; i++) {
                double start = cum;
                double end = cum + e.counts[i];
                cum = end;
                double w = Math.max(0, Math.min(end, hi) - Math.max(start, lo));
                inWeight += w;
                inSum += w * e.values[i];
                if (start <= lo && lo < end) {
                    loValue = e.values[i];
                }
                if (start < hi && hi <= end) {
                    hiValue = e.values[i];
                }
            }
            belowWeight = lo;
            aboveWeight = e.total - hi;
        } else {
            loValue = lower;
            hiValue = upper;
            for (int i = 0; i < e.size; i++) {
                double v = e.values[i];
                if (v <= lower) {
                    belowWeight += e.counts[i];
                } else if (v > upper) {
                    aboveWeight += e.counts[i];
                } else {
                    inWeight += e.counts[i];
                    inSum += e.counts[i] * v;
                }
            }
        }
        return switch (kind) {
            case TC -> inWeight;
            case TS -> inSum;
            case TM -> inWeight > 0 ? inSum / inWeight : null;
            case WM -> {
                double s = inSum;
                if (belowWeight > 0) {
                    s += belowWeight * loValue;
                }
                if (aboveWeight > 0) {
                    s += aboveWeight * hiValue;
                }
                yield s / e.total;
            }
        };
    }

    static Double percentileRank(Aggregate a, double lower, double upper) {
        Entries e = entries(a);
        if (e == null) {
            return null;
        }
        double in = 0;
        for (int i = 0; i < e.size; i++) {
            if (e.values[i] > lower && e.values[i] <= upper) {
                in += e.counts[i];
            }
        }
        return 100 * in / e.total;
    }
}
