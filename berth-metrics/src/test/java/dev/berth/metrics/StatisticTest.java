package dev.berth.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StatisticTest {

    /** Bins: every value within 1/256 relative; these tests' values are at most 100. */
    private static final org.assertj.core.data.Offset<Double> ERR = within(100 / 256.0);

    private static Aggregate of(double... values) {
        Aggregate a = new Aggregate();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    private static double stat(Aggregate a, String s) {
        return a.statistic(Statistic.parse(s));
    }

    @Test
    void basicStatisticsOfHandComputedData() {
        Aggregate a = of(4, 8, 15, 16, 23, 42);
        assertThat(stat(a, "SampleCount")).isEqualTo(6);
        assertThat(stat(a, "Sum")).isEqualTo(108);
        assertThat(stat(a, "Average")).isEqualTo(18);
        assertThat(stat(a, "Minimum")).isEqualTo(4);
        assertThat(stat(a, "Maximum")).isEqualTo(42);
    }

    @Test
    void percentilesAreNearestRank() {
        Aggregate a = of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); // 10 distinct values: binned, values within 1/256
        assertThat(stat(a, "p50")).isCloseTo(5, ERR);
        assertThat(stat(a, "p51")).isCloseTo(6, ERR);
        assertThat(stat(a, "p90")).isCloseTo(9, ERR);
        assertThat(stat(a, "p99.9")).isCloseTo(10, ERR);
        assertThat(stat(a, "p0")).isCloseTo(1, ERR);
        assertThat(stat(a, "p100")).isCloseTo(10, ERR);
        Aggregate b = of(3, 1, 2); // exact mode
        assertThat(stat(b, "p34")).isEqualTo(2);
        assertThat(stat(b, "p33")).isEqualTo(1);
    }

    @Test
    void trimmedStatisticsByRankAndByValue() {
        Aggregate a = of(1, 2, 3, 4, 5, 6, 7, 8, 9, 100);
        // tm(10%:90%): drop the lowest and the highest sample
        assertThat(stat(a, "tm(10%:90%)")).isCloseTo((2 + 3 + 4 + 5 + 6 + 7 + 8 + 9) / 8.0, ERR);
        assertThat(stat(a, "tc(10%:90%)")).isCloseTo(8, ERR);
        assertThat(stat(a, "ts(10%:90%)")).isCloseTo(44, ERR);
        // wm: 1 -> 2, 100 -> 9
        assertThat(stat(a, "wm(10%:90%)")).isCloseTo((2 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 9) / 10.0, ERR);
        assertThat(stat(a, "tm90")).isCloseTo(45 / 9.0, ERR);
        assertThat(stat(a, "IQM")).isCloseTo((3 * 0.5 + 4 + 5 + 6 + 7 + 8 * 0.5) / 5.0, ERR);
        // absolute bounds: (2.5, 8.5] (bounds between values: binned values sit within 1/256 of theirs)
        assertThat(stat(a, "TM(2.5:8.5)")).isCloseTo((3 + 4 + 5 + 6 + 7 + 8) / 6.0, ERR);
        assertThat(stat(a, "tc(2.5:8.5)")).isEqualTo(6);
        assertThat(stat(a, "wm(2.5:8.5)")).isCloseTo((2.5 * 2 + 3 + 4 + 5 + 6 + 7 + 8 + 8.5 * 2) / 10, ERR);
        assertThat(stat(a, "PR(:5.5)")).isEqualTo(50);
        assertThat(stat(a, "PR(5.5:100.5)")).isEqualTo(50);
        assertThat(stat(a, "PR(9.5:)")).isEqualTo(10);
    }

    @Test
    void extendedStatisticsNeedADistribution() {
        Aggregate a = new Aggregate();
        a.add(new Datapoint.StatisticSet(4, 10, 1, 4));
        assertThat(a.statistic(Statistic.parse("p50"))).isNull();
        assertThat(a.statistic(Statistic.parse("tm90"))).isNull();
        assertThat(stat(a, "Average")).isEqualTo(2.5);
        Aggregate flat = new Aggregate();
        flat.add(new Datapoint.StatisticSet(4, 12, 3, 3)); // min = max: the distribution is known
        assertThat(stat(flat, "p50")).isEqualTo(3);
    }

    @Test
    void parsingAcceptsCloudWatchNamesAndRejectsOthers() {
        assertThat(Statistic.parse("Average")).isEqualTo(Statistic.Basic.AVERAGE);
        assertThat(Statistic.parse("p99.99")).isInstanceOf(Statistic.Percentile.class);
        assertThat(Statistic.parse("TM(10%:90%)")).isInstanceOf(Statistic.Trimmed.class);
        assertThat(Statistic.parse("PR(100:2000)")).isInstanceOf(Statistic.PercentileRank.class);
        for (String bad : new String[] {"average", "p101", "p", "tm(:)", "tm(90%:10%)", "PR(10%:20%)", "tm(10%:20)"}) {
            assertThatThrownBy(() -> Statistic.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void percentilesOfLargeDistributionsAreWithinTheDocumentedRelativeError() {
        SplittableRandom r = new SplittableRandom(3);
        for (int round = 0; round < 20; round++) {
            int n = 1000 + r.nextInt(20000);
            double[] values = new double[n];
            Aggregate a = new Aggregate();
            for (int i = 0; i < n; i++) {
                // log-normal latencies, some negative values and zeros, spanning many binades
                double v = Math.exp(r.nextGaussian()) * (round % 3 == 0 && i % 10 == 0 ? -1 : 1);
                if (i % 97 == 0) {
                    v = 0;
                }
                values[i] = v;
            }
            // feed through two buckets merged, as a query period does
            Aggregate b = new Aggregate();
            for (int i = 0; i < n; i++) {
                (i % 2 == 0 ? a : b).add(values[i]);
            }
            a.merge(b);
            Arrays.sort(values);
            for (double p : new double[] {1, 10, 25, 50, 75, 90, 99, 99.9}) {
                int rank = (int) Math.ceil(p / 100 * n);
                double exact = values[Math.max(0, rank - 1)];
                double got = a.statistic(new Statistic.Percentile("p" + p, p));
                assertThat(Math.abs(got - exact))
                        .as("p%s round %d", p, round)
                        .isLessThanOrEqualTo(Math.abs(exact) / 256 + 1e-300);
            }
        }
    }

    @Test
    void aDistributionBeyondTheBinLimitStaysBoundedAndAccurateAtTheTop() {
        Aggregate a = new Aggregate();
        int n = 0;
        for (double v = 1e-30; v < 1e30; v *= 1.001) { // 200 binades
            a.add(v);
            n++;
        }
        assertThat(a.histogram().size()).isLessThanOrEqualTo(Histogram.MAX_BINS);
        assertThat(a.sampleCount()).isEqualTo(n);
        double p99 = a.statistic(Statistic.parse("p99"));
        double exact = 1e-30 * Math.pow(1.001, Math.ceil(0.99 * n) - 1);
        assertThat(Math.abs(p99 - exact)).isLessThanOrEqualTo(exact / 256 * 1.0001);
    }
}
