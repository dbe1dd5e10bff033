package dev.berth.metrics;

import java.time.Instant;
import java.util.List;

/**
 * Merges decoded buckets into a query's periods. Buckets with equal times from different chunks
 * simply merge, which is what makes split buckets (late data, checkpoints) correct. Without
 * distributions it keeps only count/sum/min/max, the cheap path for basic statistics.
 */
final class PeriodAccumulator implements ChunkDecoder.BucketSink {

    /** Far above CloudWatch's own limits (1,440 per GetMetricStatistics, 100,800 per GetMetricData). */
    static final long MAX_PERIODS = 1_000_000;

    private final long p0;
    private final long from;
    private final long to;
    private final int period;
    private final boolean distributions;
    private final Aggregate[] periods;

    PeriodAccumulator(long p0, long to, long from, int period, boolean distributions) {
        this.p0 = p0;
        this.from = from;
        this.to = to;
        this.period = period;
        this.distributions = distributions;
        this.periods = new Aggregate[checkPeriods(p0, to, period)];
    }

    static int checkPeriods(long p0, long to, int period) {
        long n = Math.max(0, (to - p0 + period - 1) / period);
        if (n > MAX_PERIODS) {
            throw new IllegalArgumentException("a query may span at most " + MAX_PERIODS + " periods, not " + n);
        }
        return (int) n;
    }

    private Aggregate slot(long ts) {
        if (ts < from || ts >= to) {
            return null;
        }
        int i = (int) ((ts - p0) / period);
        Aggregate a = periods[i];
        if (a == null) {
            a = periods[i] = new Aggregate();
        }
        return a;
    }

    @Override
    public void single(long ts, double value) {
        Aggregate a = slot(ts);
        if (a != null) {
            if (distributions) {
                a.add(value, 1);
            } else {
                a.addStatsOnly(1, value, value, value);
            }
        }
    }

    @Override
    public void aggregate(long ts, Aggregate b) {
        Aggregate a = slot(ts);
        if (a != null) {
            if (distributions) {
                a.merge(b);
            } else {
                a.addStatsOnly(b.sampleCount(), b.sum(), b.minimum(), b.maximum());
            }
        }
    }

    @Override
    public boolean wantsDistributions() {
        return distributions;
    }

    @Override
    public void stats(long ts, double count, double sum, double min, double max) {
        Aggregate a = slot(ts);
        if (a != null) {
            a.addStatsOnly(count, sum, min, max);
        }
    }

    void emit(StandardUnit unit, List<PeriodPoint> out) {
        for (int i = 0; i < periods.length; i++) {
            if (periods[i] != null) {
                out.add(new PeriodPoint(Instant.ofEpochSecond(p0 + (long) i * period), unit, periods[i]));
            }
        }
    }
}
