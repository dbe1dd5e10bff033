package dev.berth.scheduler.cql;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Value semantics of CQL comparisons, kept apart from parsing so the rules are in one place:
 * numbers compare numerically when both sides parse as numbers and as strings otherwise; agent
 * versions compare segment by segment; {@code registeredAt} arguments take the four date formats
 * ECS documents (a date alone compares by UTC day).
 */
final class CqlValues {

    private CqlValues() {}

    /** Compares as numbers when both parse as numbers, else lexicographically. */
    static int compareLoosely(String a, String b) {
        BigDecimal x = number(a);
        BigDecimal y = number(b);
        if (x != null && y != null) {
            return x.compareTo(y);
        }
        return a.compareTo(b);
    }

    static BigDecimal number(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return null;
        }
        char c = s.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
            return null;
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Compares dotted versions ({@code 1.27.0} &lt; {@code 1.100}); non-numeric segments compare as text. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            int c = compareLoosely(p, q);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** A parsed {@code registeredAt} argument: an instant, or a whole UTC day. */
    record DateArg(Instant instant, LocalDate day) {
        int compareTo(Instant registeredAt) {
            if (day != null) {
                return registeredAt.atOffset(ZoneOffset.UTC).toLocalDate().compareTo(day);
            }
            return registeredAt.compareTo(instant);
        }
    }

    /** Parses one of the documented date formats, or returns {@code null}. */
    static DateArg date(String s) {
        try {
            if (s.length() == 10) {
                return new DateArg(null, LocalDate.parse(s));
            }
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return new DateArg(OffsetDateTime.parse(s).toInstant(), null);
            }
            return new DateArg(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC), null);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
