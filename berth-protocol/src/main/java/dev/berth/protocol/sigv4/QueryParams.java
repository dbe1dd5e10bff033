package dev.berth.protocol.sigv4;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw query string split into decoded name/value pairs, once per request, serving both the
 * presigned-URL parameters ({@code X-Amz-Credential}, ...) and the canonical query string.
 *
 * <p>Decoding is lenient: a {@code %} not followed by two hex digits stays literal, and {@code +}
 * stays a plus sign (SigV4 clients encode spaces as {@code %20}; a client that leaves {@code +} raw
 * signs it as {@code %2B}). Empty pieces ({@code a&&b}) are dropped, a piece without {@code =} has an
 * empty value.
 */
final class QueryParams {

    static final QueryParams EMPTY = new QueryParams(List.of(), List.of());

    private final List<String> names;
    private final List<String> values;

    private QueryParams(List<String> names, List<String> values) {
        this.names = names;
        this.values = values;
    }

    static QueryParams parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        List<String> names = new ArrayList<>(8);
        List<String> values = new ArrayList<>(8);
        int start = 0;
        int length = rawQuery.length();
        while (start <= length) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                if (eq < 0 || eq > end) {
                    names.add(decode(rawQuery, start, end));
                    values.add("");
                } else {
                    names.add(decode(rawQuery, start, eq));
                    values.add(decode(rawQuery, eq + 1, end));
                }
            }
            start = end + 1;
        }
        return new QueryParams(names, values);
    }

    int size() {
        return names.size();
    }

    String name(int i) {
        return names.get(i);
    }

    String value(int i) {
        return values.get(i);
    }

    /** The first value of {@code name} (exact case, as AWS's parameter names are), or {@code null}. */
    String first(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    static String decode(String s, int from, int to) {
        int percent = s.indexOf('%', from);
        if (percent < 0 || percent >= to) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '%'
                    && i + 2 < to
                    && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write((Character.digit(s.charAt(i + 1), 16) << 4) | Character.digit(s.charAt(i + 2), 16));
                i += 3;
            } else if (c < 0x80) {
                out.write(c);
                i++;
            } else {
                int cp = s.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
