package dev.berth.metrics.bench;

import java.util.SplittableRandom;

/**
 * Value generators for the benchmarks, from kind to unkind to compression: what metrics look
 * like in practice (counters of small integers, gauges with two decimals that move a little) and
 * a worst case (random doubles).
 */
public enum SeriesData {
    /** Request counts per 10 s: small integers. */
    COUNTER {
        @Override
        public double next(SplittableRandom r, double prev) {
            return r.nextInt(50);
        }
    },
    /** CPU/memory utilisation in percent with two decimals, a random walk. */
    GAUGE {
        @Override
        public double next(SplittableRandom r, double prev) {
            double v = prev + (r.nextInt(201) - 100) / 100.0;
            return Math.round(Math.max(0, Math.min(100, v)) * 100) / 100.0;
        }
    },
    /** Uniform random doubles: nothing to compress in the values. */
    RANDOM {
        @Override
        public double next(SplittableRandom r, double prev) {
            return r.nextDouble() * 1000;
        }
    };

    public abstract double next(SplittableRandom r, double prev);
}
