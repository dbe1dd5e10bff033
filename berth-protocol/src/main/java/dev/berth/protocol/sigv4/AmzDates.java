package dev.berth.protocol.sigv4;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads and writes the two timestamp shapes SigV4 uses: the ISO-8601 basic form
 * {@code 20150830T123600Z} of {@code X-Amz-Date}, and the RFC 1123 form of the HTTP {@code Date}
 * header that older clients sign instead.
 *
 * <p>The basic form is parsed by hand (it is on every request and has a fixed layout); the RFC 1123
 * form goes through {@link DateTimeFormatter}, as it is rare.
 */
final class AmzDates {

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss zzz", Locale.US);

    private AmzDates() {}

    /** Epoch seconds of {@code yyyyMMdd'T'HHmmss'Z'}, or {@link Long#MIN_VALUE} when it is not that shape. */
    static long parseBasic(String s) {
        if (s == null || s.length() != 16 || s.charAt(8) != 'T' || s.charAt(15) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 4, 6);
        int day = digits(s, 6, 8);
        int hour = digits(s, 9, 11);
        int minute = digits(s, 11, 13);
        int second = digits(s, 13, 15);
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
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return Long.MIN_VALUE; // e.g. 20150231
        }
    }

    /**
     * Epoch seconds of an RFC 1123 date such as {@code Fri, 09 Sep 2011 23:36:00 GMT}, or
     * {@link Long#MIN_VALUE}. The day-of-week is not checked against the date (AWS's own test suite
     * signs "Mon, 09 Sep 2011", a Friday).
     */
    static long parseHttpDate(String s) {
        String value = s.trim();
        int comma = value.indexOf(',');
        try {
            return ZonedDateTime.parse(value.substring(comma + 1).trim(), HTTP_DATE)
                    .toEpochSecond();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The basic form of {@code epochSecond}, e.g. {@code 20150830T123600Z}. */
    static String formatBasic(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(16);
        pad(sb, t.getYear(), 4);
        pad(sb, t.getMonthValue(), 2);
        pad(sb, t.getDayOfMonth(), 2);
        sb.append('T');
        pad(sb, t.getHour(), 2);
        pad(sb, t.getMinute(), 2);
        pad(sb, t.getSecond(), 2);
        return sb.append('Z').toString();
    }

    static String formatBasic(Instant instant) {
        return formatBasic(instant.getEpochSecond());
    }

    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void pad(StringBuilder sb, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(digits);
    }
}
