package dev.berth.metrics;

/**
 * Builds one chunk: the buckets of one series in one tier and one block, in strictly increasing
 * time order, Gorilla-compressed into a bit stream (the head's open chunk is one of these).
 *
 * <p>Per bucket, in bits (times in units of the tier's resolution):
 *
 * <pre>
 *  timestamp  1st bucket: nothing (the chunk header holds it)
 *             2nd: delta as a varint
 *             then delta-of-delta D: '0' (D=0) | '10'+7 bits (-63..64) | '110'+9 bits (-255..256)
 *                                    | '1110'+12 bits (-2047..2048) | '1111'+32 bits
 *  value      '0' + V(value)                           one sample (count 1): the common case
 *             '1' + V(count) V(sum) V(min) V(max) + distribution:
 *                   '0'  all samples equal (min = max)  |  '10' unknown (spread statistic set)
 *                   '11' + histogram (see Histogram.encode)
 * </pre>
 *
 * Each value field is its own {@link ValueCodec} stream (Gorilla's XOR plus a decimal path; the
 * single value shares the sum's stream), so a repeated value costs one bit and a regular 10-second
 * series of unchanged values 3 bits a bucket; a two-decimal gauge that moves costs about 13.
 * Not thread-safe: owned by a series' head under its lock.
 */
final class ChunkEncoder {

    final long blockStart;
    final long firstTs;
    private final int resolution;
    private final BitWriter bits = new BitWriter(64);
    private final ValueCodec sumX = new ValueCodec();
    private final ValueCodec countX = new ValueCodec();
    private final ValueCodec minX = new ValueCodec();
    private final ValueCodec maxX = new ValueCodec();
    private int count;
    private long lastTs;
    private long lastDelta;

    ChunkEncoder(Tier tier, long firstTs) {
        this.resolution = tier.resolution;
        this.blockStart = tier.blockStart(firstTs);
        this.firstTs = firstTs;
    }

    int count() {
        return count;
    }

    long lastTs() {
        return lastTs;
    }

    /** Appends a bucket; {@code ts} must be later than the last one and in this chunk's block. */
    void append(long ts, Aggregate a) {
        long units = (ts - lastTs) / resolution;
        if (count == 0) {
            if (ts != firstTs) {
                throw new IllegalStateException("first bucket must be at firstTs");
            }
        } else if (count == 1) {
            bits.writeVarLong(units);
            lastDelta = units;
        } else {
            long dod = units - lastDelta;
            if (dod == 0) {
                bits.write(0, 1);
            } else if (dod >= -63 && dod <= 64) {
                bits.write(0b10, 2);
                bits.write(dod, 7);
            } else if (dod >= -255 && dod <= 256) {
                bits.write(0b110, 3);
                bits.write(dod, 9);
            } else if (dod >= -2047 && dod <= 2048) {
                bits.write(0b1110, 4);
                bits.write(dod, 12);
            } else {
                bits.write(0b1111, 4);
                bits.write(dod, 32);
            }
            lastDelta = units;
        }
        lastTs = ts;
        count++;
        encodeValue(a);
    }

    private void encodeValue(Aggregate a) {
        boolean single = a.sampleCount() == 1 && a.histogram() == null && a.distributionKnown();
        if (single) {
            bits.write(0, 1);
            sumX.write(bits, a.sum());
            return;
        }
        bits.write(1, 1);
        countX.write(bits, a.sampleCount());
        sumX.write(bits, a.sum());
        minX.write(bits, a.minimum());
        maxX.write(bits, a.maximum());
        if (!a.distributionKnown()) {
            bits.write(0b10, 2);
        } else if (a.histogram() == null) {
            bits.write(0, 1);
        } else {
            bits.write(0b11, 2);
            a.histogram().encode(bits, a.minimum());
        }
    }

    /** The bit stream so far, padded to whole bytes. */
    byte[] body() {
        return bits.toByteArray();
    }

    /** An immutable copy for readers: what {@link ChunkDecoder#decode} needs. */
    record Frozen(long firstTs, int count, byte[] body) {}

    Frozen freeze() {
        return new Frozen(firstTs, count, body());
    }

    long sizeBits() {
        return bits.bitLength();
    }
}
