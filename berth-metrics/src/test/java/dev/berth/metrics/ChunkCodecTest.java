package dev.berth.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {

    record Decoded(long ts, Aggregate a, Double single) {}

    private static List<Decoded> roundTrip(Tier tier, long[] ts, List<Aggregate> aggs) {
        ChunkEncoder enc = new ChunkEncoder(tier, ts[0]);
        for (int i = 0; i < ts.length; i++) {
            enc.append(ts[i], aggs.get(i));
        }
        byte[] body = enc.body();
        List<Decoded> out = new ArrayList<>();
        ChunkDecoder.decode(tier, ts[0], enc.count(), body, 0, body.length, new ChunkDecoder.BucketSink() {
            @Override
            public void single(long t, double value) {
                out.add(new Decoded(t, null, value));
            }

            @Override
            public void aggregate(long t, Aggregate a) {
                out.add(new Decoded(t, a, null));
            }
        });
        return out;
    }

    private static Aggregate single(double v) {
        Aggregate a = new Aggregate();
        a.add(v);
        return a;
    }

    static final double[] EDGES = {
        0.0,
        -0.0,
        1.0,
        -1.0,
        Double.MIN_VALUE,
        -Double.MIN_VALUE,
        Double.MIN_NORMAL,
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        1e-300,
        1e300,
        3.141592653589793,
        0.1,
        0.2,
        0.30000000000000004,
        42,
        42,
        42,
        Math.nextUp(42.0),
        Math.nextDown(42.0),
        1L << 53,
        -(1L << 62),
        7,
        7,
        0.0,
        -0.0,
        -0.0
    };

    @Test
    void singleValuesRoundTripBitForBitIncludingEdgesAndIrregularTimes() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 3000;
        long[] ts = new long[n];
        List<Aggregate> aggs = new ArrayList<>();
        double[] values = new double[n];
        long t = 1_700_000_000L;
        for (int i = 0; i < n; i++) {
            // regular, jittered, big gaps and huge jumps: every delta-of-delta code
            t += switch (i % 7) {
                case 0, 1, 2 -> 10;
                case 3 -> 1 + r.nextInt(100);
                case 4 -> 1 + r.nextInt(400);
                case 5 -> 1 + r.nextInt(3000);
                default -> 1 + r.nextInt(1_000_000);
            };
            ts[i] = t;
            double v =
                    switch (i % 5) {
                        case 0 -> EDGES[i / 5 % EDGES.length];
                        case 1 -> Double.longBitsToDouble(r.nextLong());
                        case 2 -> r.nextDouble() * 100;
                        case 3 -> Math.round(r.nextDouble() * 10);
                        default -> values[Math.max(0, i - 1)];
                    };
            if (!Double.isFinite(v)) {
                v = 1.5;
            }
            values[i] = v;
            aggs.add(single(v));
        }
        List<Decoded> out = roundTrip(Tier.SECOND, ts, aggs);
        assertThat(out).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(out.get(i).ts()).as("ts %d", i).isEqualTo(ts[i]);
            assertThat(Double.doubleToRawLongBits(out.get(i).single()))
                    .as("value %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
        }
    }

    @Test
    void aggregatesRoundTripWithTheirDistributions() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 500;
        long[] ts = new long[n];
        List<Aggregate> aggs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_040L + 60L * i * (1 + i % 3);
            Aggregate a = new Aggregate();
            switch (i % 4) {
                case 0 -> {
                    for (int k = 0; k < 3; k++) {
                        a.add(r.nextDouble()); // exact mode
                    }
                }
                case 1 -> {
                    for (int k = 0; k < 200; k++) {
                        a.add(r.nextGaussian() * 1e6); // binned mode, both signs
                    }
                }
                case 2 -> a.add(new Datapoint.StatisticSet(10, 55, 1, 10)); // no distribution
                default -> a.add(new Datapoint.Distribution(new double[] {5, -0.0}, new double[] {2.5, 3}));
            }
            aggs.add(a);
        }
        List<Decoded> out = roundTrip(Tier.MINUTE, ts, aggs);
        for (int i = 0; i < n; i++) {
            Aggregate want = aggs.get(i);
            Aggregate got = out.get(i).a();
            assertThat(out.get(i).ts()).isEqualTo(ts[i]);
            assertThat(got.sampleCount()).isEqualTo(want.sampleCount());
            assertThat(got.sum()).isEqualTo(want.sum());
            assertThat(got.minimum()).isEqualTo(want.minimum());
            assertThat(got.maximum()).isEqualTo(want.maximum());
            assertThat(got.distributionKnown()).isEqualTo(want.distributionKnown());
            for (String p : List.of("p0", "p10", "p50", "p90", "p99.9", "tm(10%:90%)", "wm90", "PR(0:1000)")) {
                Statistic s = Statistic.parse(p);
                assertThat(got.statistic(s)).as("%s of bucket %d", p, i).isEqualTo(want.statistic(s));
            }
        }
    }

    @Test
    void aRegularTenSecondSeriesCostsThreeBitsPerUnchangedPoint() {
        int n = 360;
        long[] ts = new long[n];
        List<Aggregate> aggs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_000L + 10L * i;
            aggs.add(single(i < n / 2 ? 5.0 : 6.0));
        }
        ChunkEncoder enc = new ChunkEncoder(Tier.SECOND, ts[0]);
        for (int i = 0; i < n; i++) {
            enc.append(ts[i], aggs.get(i));
        }
        // dod '0' + value flag '0' + xor '0' = 3 bits, plus the first points' full encodings
        assertThat(enc.sizeBits()).isLessThan(3L * n + 200);
    }
}
