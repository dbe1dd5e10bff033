package dev.berth.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ValueCodecTest {

    private static long roundTrip(double[] values) {
        BitWriter out = new BitWriter(16);
        ValueCodec enc = new ValueCodec();
        for (double v : values) {
            enc.write(out, v);
        }
        byte[] bytes = out.toByteArray();
        BitReader in = new BitReader(bytes, 0, bytes.length);
        ValueCodec dec = new ValueCodec();
        for (int i = 0; i < values.length; i++) {
            assertThat(Double.doubleToRawLongBits(dec.read(in)))
                    .as("value %d: %s", i, values[i])
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
        }
        return out.bitLength();
    }

    @Test
    void everyPathRoundTripsExactly() {
        SplittableRandom r = new SplittableRandom(5);
        double[] values = new double[20_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (r.nextInt(10)) {
                case 0 -> ChunkCodecTest.EDGES[r.nextInt(ChunkCodecTest.EDGES.length)];
                case 1 -> r.nextInt(1000) / 100.0; // 2 decimals
                case 2 -> r.nextInt(1_000_000) / 1e6; // 6 decimals
                case 3 -> (double) r.nextLong(1L << 53) * (r.nextBoolean() ? 1 : -1); // big integers: 56-bit deltas
                case 4 -> r.nextDouble() * 1e-5; // not decimal
                case 5 -> i > 0 ? values[i - 1] : 0; // repeats
                case 6 -> i > 0 ? values[i - 1] + 0.01 : 0; // float error makes some non-decimal
                case 7 -> -r.nextInt(100);
                case 8 -> 0.1 * r.nextInt(10); // 0.30000000000000004 and friends
                default -> Double.longBitsToDouble(r.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL);
            };
        }
        roundTrip(values);
    }

    @Test
    void aTwoDecimalRandomWalkCostsUnderTwoBytesAValue() {
        SplittableRandom r = new SplittableRandom(9);
        double[] values = new double[10_000];
        double v = 50;
        for (int i = 0; i < values.length; i++) {
            v = Math.round((v + (r.nextInt(201) - 100) / 100.0) * 100) / 100.0;
            values[i] = v;
        }
        long bits = roundTrip(values);
        assertThat(bits / 8.0 / values.length).isLessThan(1.6); // plain Gorilla XOR: about 6.5
    }
}
