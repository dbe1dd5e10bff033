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
