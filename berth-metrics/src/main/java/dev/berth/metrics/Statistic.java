package dev.berth.metrics;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statistic a query asks for: one of CloudWatch's five {@code Statistics} or an
 * {@code ExtendedStatistic} ({@code p99}, {@code p99.9}, {@code tm90}, {@code tm(10%:90%)},
 * {@code TM(150:1000)}, {@code wm}, {@code tc}, {@code ts}, {@code PR(:300)}, {@code IQM}).
 *
 * <p>Definitions (see {@code docs/metrics.md}), over an {@link Aggregate}'s distribution of N samples:
 *
 * <ul>
 *   <li>{@code pNN}: nearest rank: the smallest value whose cumulative count reaches NN% of N;
 *       {@code p0} is the minimum, {@code p100} the maximum.
 *   <li>Percent bounds ({@code tm(a%:b%)}, {@code tm99} = {@code tm(0%:99%)}, {@code IQM} =
 *       {@code tm(25%:75%)}): by rank: the lowest a% and the highest (100−b)% of the samples, by
 *       count, are trimmed (a sample straddling a boundary counts with its fraction).
 *       {@code tm} is the mean of the rest, {@code tc} their count, {@code ts} their sum, and
 *       {@code wm} the mean with the trimmed samples replaced by the value at each boundary.
 *   <li>Absolute bounds ({@code tm(lo:hi)}, either side optional): the samples v with lo &lt; v ≤
 *       hi; {@code wm} clamps the others to lo/hi; {@code PR(lo:hi)} is the percentage of samples
 *       in (lo, hi].
 * </ul>
 *
 * <p>Accuracy: exact while the aggregate keeps exact values; otherwise every value used is within
 * 1/256 relative error (see {@link Histogram}), so percentiles are within 0.39% and means of
 * positive values too; near an absolute bound a sample may fall on the wrong side of it.
 * Extended statistics answer null when the distribution is unknown (statistic sets with
 * Minimum ≠ Maximum), as CloudWatch does.
 */
public sealed interface Statistic {

    /** The name CloudWatch uses in requests and responses. */
    String name();

    Double compute(Aggregate a);

    /** SampleCount, Sum, Average, Minimum, Maximum. */
    enum Basic implements Statistic {
        SAMPLE_COUNT("SampleCount"),
        SUM("Sum"),
        AVERAGE("Average"),
        MINIMUM("Minimum"),
        MAXIMUM("Maximum");

        private final String apiName;

        Basic(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }

        @Override
        public Double compute(Aggregate a) {
            if (a.isEmpty()) {
                return null;
            }
            return switch (this) {
                case SAMPLE_COUNT -> a.sampleCount();
                case SUM -> a.sum();
                case AVERAGE -> a.average();
                case MINIMUM -> a.minimum();
                case MAXIMUM -> a.maximum();
            };
        }
    }

    /** {@code pNN}. */
    record Percentile(String name, double percent) implements Statistic {
        @Override
        public Double compute(Aggregate a) {
            return Distributions.percentile(a, percent);
        }
    }

    /** tm, wm, tc, ts. */
    enum TrimKind {
        TM,
        WM,
        TC,
        TS
    }

    /** {@code tm/wm/tc/ts} with bounds in percent (by rank) or absolute values (by value). */
    record Trimmed(String name, TrimKind kind, boolean percentBounds, double lower, double upper) implements Statistic {
        @Override
        public Double compute(Aggregate a) {
            return Distributions.trimmed(a, kind, percentBounds, lower, upper);
        }
    }

    /** {@code PR(lo:hi)}: percentage of samples in (lo, hi]. */
    record PercentileRank(String name, double lower, double upper) implements Statistic {
        @Override
        public Double compute(Aggregate a) {
            return Distributions.percentileRank(a, lower, upper);
        }
    }

    Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(?:\\.\\d{1,10})?|100(?:\\.0{1,10})?)");
    Pattern SHORT_TRIM = Pattern.compile("(tm|wm|tc|ts)(\\d{1,2}(?:\\.\\d{1,10})?)", Pattern.CASE_INSENSITIVE);
    Pattern RANGE = Pattern.compile(
            "(tm|wm|tc|ts|pr)\\(([-+]?[0-9.eE+-]*?)(%?):([-+]?[0-9.eE+-]*?)(%?)\\)", Pattern.CASE_INSENSITIVE);

    /** Parses a statistic name; {@link IllegalArgumentException} when CloudWatch would reject it. */
    static Statistic parse(String s) {
        for (Basic b : Basic.values()) {
            if (b.apiName.equals(s)) {
                return b;
            }
        }
        Matcher m = PERCENTILE.matcher(s);
        if (m.matches()) {
            return new Percentile(s, Double.parseDouble(m.group(1)));
        }
        if (s.equalsIgnoreCase("IQM")) {
            return new Trimmed(s, TrimKind.TM, true, 25, 75);
        }
        m = SHORT_TRIM.matcher(s);
        if (m.matches()) {
            TrimKind kind = TrimKind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
            return new Trimmed(s, kind, true, 0, Double.parseDouble(m.group(2)));
        }
        m = RANGE.matcher(s);
        if (m.matches()) {
            String kind = m.group(1).toUpperCase(Locale.ROOT);
            String lo = m.group(2);
            String hi = m.group(4);
            boolean loPct = !m.group(3).isEmpty();
            boolean hiPct = !m.group(5).isEmpty();
            if (lo.isEmpty() && hi.isEmpty()) {
                throw new IllegalArgumentException("invalid statistic " + s);
            }
            boolean percent = lo.isEmpty() ? hiPct : hi.isEmpty() ? loPct : loPct && hiPct;
            if ((!lo.isEmpty() && loPct != percent) || (!hi.isEmpty() && hiPct != percent)) {
                throw new IllegalArgumentException("mixed percent and absolute bounds in " + s);
            }
            double lower;
            double upper;
            try {
                lower = lo.isEmpty() ? (percent ? 0 : Double.NEGATIVE_INFINITY) : Double.parseDouble(lo);
                upper = hi.isEmpty() ? (percent ? 100 : Double.POSITIVE_INFINITY) : Double.parseDouble(hi);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid statistic " + s);
            }
            if (lower > upper || (percent && (lower < 0 || upper > 100))) {
                throw new IllegalArgumentException("invalid bounds in " + s);
            }
            if (kind.equals("PR")) {
                if (percent) {
                    throw new IllegalArgumentException("PR takes absolute values: " + s);
                }
                return new PercentileRank(s, lower, upper);
            }
            return new Trimmed(s, TrimKind.valueOf(kind), percent, lower, upper);
        }
        throw new IllegalArgumentException("invalid statistic " + s);
    }
}
