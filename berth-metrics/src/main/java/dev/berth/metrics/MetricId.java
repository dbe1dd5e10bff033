package dev.berth.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The identity of a CloudWatch metric: namespace, metric name and a set of up to 30 dimensions.
 *
 * <p>Exists because CloudWatch treats every distinct combination as its own metric: dimensions are a
 * set (order in a request does not matter), so the constructor sorts them by name, which makes
 * {@code equals}/{@code hashCode} the identity CloudWatch uses. Validation of lengths and characters
 * belongs to the API layer; this record enforces only what the storage relies on (no duplicate
 * dimension names, at most {@link #MAX_DIMENSIONS}).
 */
public record MetricId(String namespace, String metricName, List<Dimension> dimensions) {

    /** CloudWatch's limit of dimensions per metric. */
    public static final int MAX_DIMENSIONS = 30;

    /** One name/value pair of a metric's identity. */
    public record Dimension(String name, String value) {
        public Dimension {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public MetricId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricName, "metricName");
        if (dimensions.size() > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("at most " + MAX_DIMENSIONS + " dimensions");
        }
        List<Dimension> sorted = new ArrayList<>(dimensions);
        sorted.sort(Comparator.comparing(Dimension::name));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException(
                        "duplicate dimension " + sorted.get(i).name());
            }
        }
        dimensions = List.copyOf(sorted);
    }

    public static MetricId of(String namespace, String metricName, String... nameValues) {
        if (nameValues.length % 2 != 0) {
            throw new IllegalArgumentException("dimension names and values come in pairs");
        }
        List<Dimension> dims = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            dims.add(new Dimension(nameValues[i], nameValues[i + 1]));
        }
        return new MetricId(namespace, metricName, dims);
    }

    /** The value of the named dimension, or null. */
    public String dimension(String name) {
        for (Dimension d : dimensions) {
            if (d.name().equals(name)) {
                return d.value();
            }
        }
        return null;
    }
}
