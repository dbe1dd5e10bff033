package dev.berth.metrics;

/**
 * Reads the buckets of a chunk written by {@link ChunkEncoder} and hands them to a
 * {@link BucketSink}; single-sample buckets go through {@link BucketSink#single} without an
 * {@link Aggregate} being allocated, which is what keeps long-range queries cheap.
 */
final class ChunkDecoder {

    /** Receives decoded buckets in time order. */
    interface BucketSink {
        void single(long ts, double value);

        /** The aggregate is owned by the sink from then on. */
        void aggregate(long ts, Aggregate a);

        /** Whether {@link #aggregate} needs distributions; if not, {@link #stats} is called instead. */
        default boolean wantsDistributions() {
            return true;
        }

        /** A bucket of several samples when distributions are not wanted. */
        default void stats(long ts, double count, double sum, double min, double max) {
            aggregate(ts, new Aggregate(count, sum, min, max, null, false));
        }
    }

    private ChunkDecoder() {}

    static void decode(Tier tier, long firstTs, int count, byte[] body, int offset, int length, BucketSink sink) {
        BitReader in = new BitReader(body, offset, length);
        ValueCodec sumX = new ValueCodec();
        ValueCodec countX = new ValueCodec();
        ValueCodec minX = new ValueCodec();
        ValueCodec maxX = new ValueCodec();
        long ts = firstTs;
        long delta = 0;
        int res = tier.resolution;
        for (int i = 0; i < count; i++) {
            if (i == 1) {
                delta = in.readVarLong();
                ts += delta * res;
            } else if (i > 1) {
                long dod;
                if (!in.readBit()) {
                    dod = 0;
                } else if (!in.readBit()) {
                    dod = signExtend(in.read(7), 7);
                } else if (!in.readBit()) {
                    dod = signExtend(in.read(9), 9);
                } else if (!in.readBit()) {
                    dod = signExtend(in.read(12), 12);
                } else {
                    dod = signExtend(in.read(32), 32);
                }
                delta += dod;
                ts += delta * res;
            }
            if (!in.readBit()) {
                sink.single(ts, sumX.read(in));
                continue;
            }
            double n = countX.read(in);
            double sum = sumX.read(in);
            double min = minX.read(in);
            double max = maxX.read(in);
            boolean want = sink.wantsDistributions();
            Aggregate a;
            if (!in.readBit()) {
                a = want ? new Aggregate(n, sum, min, max, null, true) : null;
            } else if (!in.readBit()) {
                a = want ? new Aggregate(n, sum, min, max, null, false) : null;
            } else if (want) {
                a = new Aggregate(n, sum, min, max, Histogram.decode(in, min), true);
            } else {
                Histogram.skip(in);
                a = null;
            }
            if (want) {
                sink.aggregate(ts, a);
            } else {
                sink.stats(ts, n, sum, min, max);
            }
        }
    }

    /** Two's complement of an n-bit field; values above 2^(n-1) wrap to negatives (Prometheus's trick). */
    private static long signExtend(long v, int n) {
        if (v > (1L << (n - 1))) {
            v -= 1L << n;
        }
        return v;
    }
}
