package dev.berth.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads the date forms IAM's date condition operators accept: ISO 8601 (W3C profile: {@code
 * 2026-12-08}, {@code 2026-12-08T01:02:03Z}, with fractions or an offset, or without a zone, read as
 * UTC) and epoch time in seconds ({@code 1765155723}, what {@code aws:EpochTime} holds).
 */
final class Dates {

    private Dates() {}

    /**
     * The common form {@code yyyy-MM-ddTHH:mm:ss[.SSS]Z} (what {@code aws:CurrentTime} holds) without
     * java.time's general parser, which costs microseconds; {@link Long#MIN_VALUE} for anything else.
     */
    static long isoUtc(String t) {
        int n = t.length();
        if (n < 20
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':'
                || t.charAt(n - 1) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        int millis = 0;
        if (n > 20) {
            if (t.charAt(19) != '.' || n - 1 - 20 < 1 || n - 1 - 20 > 9) {
                return Long.MIN_VALUE;
            }
            int frac = digits(t, 20, Math.min(23, n - 1));
            if (frac < 0 || digits(t, 20, n - 1) < 0) {
                return Long.MIN_VALUE;
            }
            for (int k = n - 1 - 20; k < 3; k++) {
                frac *= 10;
            }
            millis = frac;
        }
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return Long.MIN_VALUE;
        }
        if (day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return Long.MIN_VALUE;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** The decimal number in {@code t[from, to)}, or -1 when it has a non-digit (at most 9 digits). */
    private static int digits(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Epoch milliseconds, or null when the text is no date IAM understands. */
    static Long parse(String raw) {
        String text = raw.trim();
        if (text.isEmpty()) {
            return null;
        }
        boolean digits = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-') && c != '.') {
                digits = false;
                break;
            }
        }
        if (digits) {
            try {
                return Math.round(Double.parseDouble(text) * 1000);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        long fast = isoUtc(text);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text)
                        .atStartOfDay()
                        .toInstant(ZoneOffset.UTC)
                        .toEpochMilli();
            }
            char last = text.charAt(text.length() - 1);
            if (last == 'Z' || last == 'z') {
                return Instant.parse(text.toUpperCase()).toEpochMilli();
            }
            int t = text.indexOf('T');
            if (t > 0 && (text.indexOf('+', t) > 0 || text.indexOf('-', t) > 0)) {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
