package dev.berth.metrics;

/**
 * Gorilla's XOR compression of one stream of doubles (Pelkonen et al., VLDB 2015, section 4.1.2),
 * with the state one stream needs: the previous value and the previous window of meaningful bits.
 *
 * <ul>
 *   <li>{@code 0}: same value as the previous one;
 *   <li>{@code 10} + meaningful bits: the XOR fits in the previous window of leading/trailing zeros;
 *   <li>{@code 11} + 5 bits leading zeros + 6 bits (length − 1) + the meaningful bits.
 * </ul>
 *
 * The first value of a stream is XORed with 0, i.e. written in the third form. Values are compared
 * as bits, so +0.0 and −0.0 survive a round trip.
 */
final class XorCodec {

    private long prev;
    private int leading = -1;
    private int trailing;

    /** Sets the previous value without writing (a value another path of {@link ValueCodec} wrote). */
    void reset(double value) {
        prev = Double.doubleToRawLongBits(value);
    }

    /** Writes a value; with a null {@code out} only the previous value is updated. */
    void write(BitWriter out, double value) {
        long bits = Double.doubleToRawLongBits(value);
        long xor = bits ^ prev;
        prev = bits;
        if (out == null) {
            return;
        }
        if (xor == 0) {
            out.write(0, 1);
            return;
        }
        int lead = Math.min(31, Long.numberOfLeadingZeros(xor));
        int trail = Long.numberOfTrailingZeros(xor);
        if (leading >= 0 && lead >= leading && trail >= trailing) {
            out.write(0b10, 2);
            out.write(xor >>> trailing, 64 - leading - trailing);
            return;
        }
        int length = 64 - lead - trail;
        out.write(0b11, 2);
        out.write(lead, 5);
        out.write(length - 1, 6);
        out.write(xor >>> trail, length);
        leading = lead;
        trailing = trail;
    }

    double read(BitReader in) {
        if (!in.readBit()) {
            return Double.longBitsToDouble(prev);
        }
        if (in.readBit()) {
            leading = (int) in.read(5);
            int length = (int) in.read(6) + 1;
            trailing = 64 - leading - length;
        }
        int length = 64 - leading - trailing;
        long xor = in.read(length) << trailing;
        prev ^= xor;
        return Double.longBitsToDouble(prev);
    }
}
