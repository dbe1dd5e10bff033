package dev.berth.metrics;

import java.util.List;

/**
 * ListMetrics' filters: namespace and metric name (null: any), dimension filters (a metric
 * matches when it has every named dimension, with the given value when one is given), and
 * {@code recentlyActive} (CloudWatch's {@code PT3H}: data received in the last three hours).
 */
public record MetricFilter(
        String namespace, String metricName, List<DimensionFilter> dimensions, boolean recentlyActive) {

    /** A dimension name with an optional value (null: any value). */
    public record DimensionFilter(String name, String value) {}

    public MetricFilter {
        dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
    }

    public static MetricFilter all() {
        return new MetricFilter(null, null, List.of(), false);
    }

    boolean matches(MetricId m) {
        if (namespace != null && !namespace.equals(m.namespace())) {
            return false;
        }
        if (metricName != null && !metricName.equals(m.metricName())) {
            return false;
        }
        for (DimensionFilter f : dimensions) {
            String v = m.dimension(f.name());
            if (v == null || (f.value() != null && !f.value().equals(v))) {
                return false;
            }
        }
        return true;
    }
}
