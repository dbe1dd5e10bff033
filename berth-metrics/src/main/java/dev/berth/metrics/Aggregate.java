package dev.berth.metrics;

/**
 * The aggregate of the samples in one bucket or query period: SampleCount, Sum, Minimum, Maximum
 * and, while it is known, the value distribution ({@link Histogram}) behind percentiles and the
 * trimmed statistics.
 *
 * <p>Exists because every tier stores aggregates, not datapoints: a 1-second bucket with one value
 * is the common case and is stored as just that value, but two puts in the same second, a statistic
 * set or a Values/Counts array all become one aggregate, and roll-ups and query periods are merges of
 * aggregates. The distribution is dropped (percentiles become unavailable) once a statistic set with
 * {@code Minimum != Maximum} is merged, as CloudWatch documents for statistic sets.
 *
 * <p>Mutable and not thread-safe: the engine confines each to a series lock or to one query; the
 * ones a query returns belong to the caller.
 */
public final class Aggregate {

    private double count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    /** Null either while the aggregate holds one distinct value (implied) or when unknown. */
    private Histogram histogram;

    private boolean distributionKnown = true;

    public Aggregate() {}

    Aggregate(double count, double sum, double min, double max, Histogram histogram, boolean distributionKnown) {
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        this.histogram = histogram;
        this.distributionKnown = distributionKnown;
    }

    public double sampleCount() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double average() {
        return sum / count;
    }

    public double minimum() {
        return min;
    }

    public double maximum() {
        return max;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Whether percentiles and trimmed statistics can be computed (no spread statistic set merged). */
    public boolean distributionKnown() {
        return distributionKnown;
    }

    Histogram histogram() {
        return histogram;
    }

    /** One sample. */
    public void add(double v) {
        add(v, 1);
    }

    /** {@code weight} samples of value {@code v}. */
    void add(double v, double weight) {
        if (weight <= 0) {
            return;
        }
        boolean wasEmpty = count == 0;
        boolean wasSingle = !wasEmpty && histogram == null && min == max && distributionKnown;
        double single = min;
        count += weight;
        sum = wasEmpty ? v * weight : sum + v * weight; // keeps -0.0 a -0.0
        if (v < min || (v == min && wasEmpty)) {
            min = v;
        }
        if (v > max || (v == max && wasEmpty)) {
            max = v;
        }
        if (!distributionKnown || wasEmpty) {
            return;
        }
        if (wasSingle) {
            if (Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(single)) {
                return;
            }
            histogram = new Histogram();
            histogram.add(single, count - weight);
        }
        histogram.add(v, weight);
    }

    public void add(Datapoint dp) {
        switch (dp) {
            case Datapoint.Single s -> add(s.value(), 1);
            case Datapoint.Distribution d -> {
                for (int i = 0; i < d.values().length; i++) {
                    add(d.values()[i], d.counts()[i]);
                }
            }
            case Datapoint.StatisticSet s -> {
                if (s.minimum() == s.maximum()) {
                    add(s.minimum(), s.sampleCount());
                    // the client's sum wins over min*count (rounding)
                    sum += s.sum() - s.minimum() * s.sampleCount();
                } else {
                    addSpread(s.sampleCount(), s.sum(), s.minimum(), s.maximum());
                }
            }
        }
    }

    /** Merges samples known only by count/sum/min/max (drops the distribution). */
    void addStatsOnly(double n, double s, double lo, double hi) {
        addSpread(n, s, lo, hi);
    }

    private void addSpread(double n, double s, double lo, double hi) {
        count += n;
        sum += s;
        min = Math.min(min, lo);
        max = Math.max(max, hi);
        distributionKnown = false;
        histogram = null;
    }

    public void merge(Aggregate o) {
        if (o.count == 0) {
            return;
        }
        if (!o.distributionKnown) {
            addSpread(o.count, o.sum, o.min, o.max);
            return;
        }
        if (o.histogram == null) { // one distinct value
            double s = sum;
            add(o.min, o.count);
            sum = s + o.sum;
            return;
        }
        if (count == 0) {
            count = o.count;
            sum = o.sum;
            min = o.min;
            max = o.max;
            histogram = o.histogram.copy();
            return;
        }
        double s = sum + o.sum;
        double n = count + o.count;
        boolean wasSingle = histogram == null && distributionKnown;
        double single = min;
        double singleCount = count;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        count = n;
        sum = s;
        if (!distributionKnown) {
            return;
        }
        if (wasSingle) {
            histogram = o.histogram.copy();
            histogram.add(single, singleCount);
        } else {
            histogram.merge(o.histogram);
        }
    }

    public Aggregate copy() {
        return new Aggregate(count, sum, min, max, histogram == null ? null : histogram.copy(), distributionKnown);
    }

    /** The value of a statistic, or null when it cannot be computed (empty, or no distribution). */
    public Double statistic(Statistic s) {
        return s.compute(this);
    }

    @Override
    public String toString() {
        return "Aggregate[n=" + count + ", sum=" + sum + ", min=" + min + ", max=" + max
                + (distributionKnown ? (histogram == null ? "" : ", " + histogram.size() + " values") : ", no dist")
                + "]";
    }
}
