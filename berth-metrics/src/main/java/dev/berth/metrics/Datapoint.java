package dev.berth.metrics;

import java.util.Arrays;

/**
 * What one PutMetricData datum carries besides its identity and time: one value, a statistic set,
 * or a Values/Counts distribution (CloudWatch's three forms of {@code MetricDatum}).
 *
 * <p>A sealed type so the aggregation code handles each form exhaustively. NaN and infinities are
 * rejected here because CloudWatch rejects them and the storage's statistics assume finite values.
 */
public sealed interface Datapoint {

    /** The number of samples this datapoint stands for. */
    double sampleCount();

    /** {@code Value}: one sample. */
    record Single(double value) implements Datapoint {
        public Single {
            requireFinite(value);
        }

        @Override
        public double sampleCount() {
            return 1;
        }
    }

    /** {@code StatisticValues}: samples aggregated by the client; no distribution is known. */
    record StatisticSet(double sampleCount, double sum, double minimum, double maximum) implements Datapoint {
        public StatisticSet {
            requireFinite(sampleCount);
            requireFinite(sum);
            requireFinite(minimum);
            requireFinite(maximum);
            if (!(sampleCount > 0) || minimum > maximum) {
                throw new IllegalArgumentException("invalid statistic set");
            }
        }
    }

    /**
     * {@code Values} with {@code Counts} (each count defaults to 1): up to 150 distinct values per
     * datum in CloudWatch; the engine does not limit it.
     */
    record Distribution(double[] values, double[] counts) implements Datapoint {
        public Distribution {
            if (values.length == 0 || values.length != counts.length) {
                throw new IllegalArgumentException("values and counts must be non-empty and of equal length");
            }
            for (int i = 0; i < values.length; i++) {
                requireFinite(values[i]);
                requireFinite(counts[i]);
                if (counts[i] < 0) {
                    throw new IllegalArgumentException("negative count");
                }
            }
            values = values.clone();
            counts = counts.clone();
        }

        public static Distribution ofValues(double... values) {
            double[] counts = new double[values.length];
            Arrays.fill(counts, 1);
            return new Distribution(values, counts);
        }

        @Override
        public double sampleCount() {
            double n = 0;
            for (double c : counts) {
                n += c;
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Distribution d && Arrays.equals(values, d.values) && Arrays.equals(counts, d.counts);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(values) + Arrays.hashCode(counts);
        }

        @Override
        public String toString() {
            return "Distribution" + Arrays.toString(values) + "x" + Arrays.toString(counts);
        }
    }

    private static void requireFinite(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("CloudWatch accepts only finite numbers, got " + v);
        }
    }
}
