package dev.berth.policy;

import java.math.BigDecimal;

/**
 * One value of a request context key, as text (the form AWS request contexts carry every value in),
 * with the typed readings the condition operators need parsed on first use and kept: a request's
 * {@code aws:CurrentTime} is read as a date by every date condition of every policy, and parsing it
 * once per request instead of once per condition is most of what makes conditions cheap.
 *
 * <p>The cached readings are written without synchronisation: each is a pure function of the
 * text, so two threads racing compute the same immutable object.
 */
final class ContextValue {

    private static final Object INVALID = new Object();

    final String text;
    private Object number;
    private Object epochMillis;
    private Object address;

    ContextValue(String text) {
        this.text = text;
    }

    /** The value as a number, or null when it is not one. */
    BigDecimal number() {
        Object n = number;
        if (n == null) {
            try {
                n = new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                n = INVALID;
            }
            number = n;
        }
        return n == INVALID ? null : (BigDecimal) n;
    }

    /** The value as a date (ISO 8601 or epoch seconds) in epoch milliseconds, or null. */
    Long epochMillis() {
        Object d = epochMillis;
        if (d == null) {
            Long parsed = Dates.parse(text);
            d = parsed == null ? INVALID : parsed;
            epochMillis = d;
        }
        return d == INVALID ? null : (Long) d;
    }

    /** The value as an IPv4 or IPv6 address (4 or 16 bytes), or null. */
    byte[] address() {
        Object a = address;
        if (a == null) {
            byte[] parsed = Cidr.parseAddress(text.trim());
            a = parsed == null ? INVALID : parsed;
            address = a;
        }
        return a == INVALID ? null : (byte[]) a;
    }

    @Override
    public String toString() {
        return text;
    }
}
