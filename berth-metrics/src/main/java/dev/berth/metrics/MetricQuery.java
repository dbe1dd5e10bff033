package dev.berth.metrics;

import java.time.Instant;
import java.util.Objects;

/**
 * A statistics query over one metric, as GetMetricStatistics and each metric of GetMetricData ask:
 * the time range [start, end), the period, an optional unit (null: every unit, each answered
 * separately as CloudWatch does), and whether the answer needs distributions (percentiles and
 * trimmed statistics); without, periods carry only SampleCount/Sum/Minimum/Maximum, which is
 * cheaper.
 *
 * <p>The period must be positive; which periods return data depends on the age of {@code start}
 * as in CloudWatch (see {@link MetricStore#query}). A query spanning more than a million periods is
 * refused ({@link IllegalArgumentException}); the API layer enforces CloudWatch's smaller limits.
 */
public record MetricQuery(
        MetricId metric, StandardUnit unit, Instant start, Instant end, int periodSeconds, boolean distributions) {

    public MetricQuery {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (periodSeconds <= 0) {
            throw new IllegalArgumentException("period must be positive");
        }
    }

    public static MetricQuery of(MetricId metric, Instant start, Instant end, int periodSeconds) {
        return new MetricQuery(metric, null, start, end, periodSeconds, true);
    }
}
