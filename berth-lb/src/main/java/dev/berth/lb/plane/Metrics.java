package dev.berth.lb.plane;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The CloudWatch metrics of the load balancers ({@code AWS/ApplicationELB} and
 * {@code AWS/NetworkELB} names: RequestCount, TargetResponseTime, HTTPCode_Target_2XX_Count, ...,
 * HealthyHostCount, ActiveConnectionCount), kept in memory as one-minute buckets for the last
 * {@link #RETENTION_MINUTES} minutes so that a CloudWatch API and auto scaling can query them later.
 *
 * <p>A series is named by metric name plus dimensions (e.g. {@code LoadBalancer=app/web/50dc...},
 * {@code TargetGroup=targetgroup/web/73e2...}). Recording is lock-free (adders in the current
 * bucket), so the data plane's event loops can record every request; queries aggregate buckets.
 */
public final class Metrics {

    public static final int RETENTION_MINUTES = 24 * 60;

    /** Statistics of one bucket, as CloudWatch reports them. */
    public record Datapoint(long epochMinute, double sum, long sampleCount, double minimum, double maximum) {

        public double average() {
            return sampleCount == 0 ? 0 : sum / sampleCount;
        }
    }

    private static final class Bucket {
        final DoubleAdder sum = new DoubleAdder();
        final LongAdder count = new LongAdder();
        volatile double min = Double.MAX_VALUE;
        volatile double max = -Double.MAX_VALUE;

        void add(double v) {
            sum.add(v);
            count.increment();
            if (v < min || v > max) {
                synchronized (this) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
    }

    /** One series: its buckets and a shortcut to the current minute's, so recording is one comparison and two adds. */
    public final class Series {
        private final ConcurrentNavigableMap<Long, Bucket> buckets = new ConcurrentSkipListMap<>();
        private volatile long currentMinute = -1;
        private volatile Bucket current;

        public void add(double value) {
            long minute = clock.millis() / 60_000;
            Bucket b = current;
            if (minute != currentMinute || b == null) {
                b = buckets.computeIfAbsent(minute, m -> new Bucket());
                buckets.headMap(minute - RETENTION_MINUTES).clear();
                current = b;
                currentMinute = minute;
            }
            b.add(value);
        }
    }

    private final Clock clock;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    public Metrics(Clock clock) {
        this.clock = clock;
    }

    /** The series key: name and dimensions in a fixed order. */
    public static String key(String name, String dimensionName, String dimensionValue) {
        return name + "|" + dimensionName + "=" + dimensionValue;
    }

    /** The series named {@code key}, created empty if needed; hot paths keep the handle. */
    public Series series(String key) {
        return series.computeIfAbsent(key, k -> new Series());
    }

    public void record(String key, double value) {
        series(key).add(value);
    }

    /** One datapoint per minute with data in [fromMillis, toMillis). */
    public List<Datapoint> query(String key, long fromMillis, long toMillis) {
        List<Datapoint> out = new ArrayList<>();
        Series found = series.get(key);
        if (found == null) {
            return out;
        }
        found.buckets
                .subMap(fromMillis / 60_000, true, (toMillis - 1) / 60_000, true)
                .forEach((m, b) -> {
                    long n = b.count.sum();
                    out.add(new Datapoint(m, b.sum.sum(), n, n == 0 ? 0 : b.min, n == 0 ? 0 : b.max));
                });
        return out;
    }

    /** The series keys that exist, for discovery (ListMetrics). */
    public List<String> keys() {
        return new ArrayList<>(series.keySet());
    }
}
