package dev.berth.metrics;

import java.util.Objects;

/**
 * One datapoint to store: the metric, its unit, its time (epoch milliseconds), its storage
 * resolution (1 or 60 seconds) and the value(s). What the API layer builds from each
 * {@code MetricDatum} of PutMetricData.
 */
public record Sample(MetricId metric, StandardUnit unit, long timestampMillis, int storageResolution, Datapoint value) {

    public Sample {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(value, "value");
        if (storageResolution != 1 && storageResolution != 60) {
            throw new IllegalArgumentException("storage resolution must be 1 or 60");
        }
    }

    public static Sample of(MetricId metric, long timestampMillis, double value) {
        return new Sample(metric, StandardUnit.NONE, timestampMillis, 60, new Datapoint.Single(value));
    }

    public static Sample highRes(MetricId metric, long timestampMillis, double value) {
        return new Sample(metric, StandardUnit.NONE, timestampMillis, 1, new Datapoint.Single(value));
    }
}
