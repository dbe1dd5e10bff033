package dev.berth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A CloudWatch Logs filter pattern, parsed once per FilterLogEvents call and matched against every
 * event it scans. Two families, as CloudWatch has them (docs/logs.md lists the grammar):
 *
 * <ul>
 *   <li><b>Terms</b>: {@code ERROR}, {@code "Failed to"}, {@code ?ERROR ?WARN}, {@code ERROR -Exiting},
 *       {@code %regex%}. Every plain term must occur, no {@code -} term may occur, and when there are
 *       {@code ?} terms at least one of them must occur. An unquoted term matches a whole word
 *       (bounded by characters other than {@code A-Za-z0-9_}), case-sensitively; a quoted term
 *       matches its text anywhere; {@code %...%} is a regular expression found anywhere.</li>
 *   <li><b>JSON</b>: {@code { $.level = "error" }}, {@code { $.latency > 100 && $.path = "/a*" }},
 *       {@code { ($.a = 1) || ($.b IS TRUE) }}, {@code { $.x NOT EXISTS }}, {@code { $.y IS NULL }};
 *       selectors {@code $.a.b}, {@code $.a[0]}; operators {@code = != < > <= >=}; {@code *} in a string
 *       value is a wildcard. An event that is not a JSON object never matches.</li>
 *   <li><b>Space-delimited</b>: {@code [ip, user, ..., status_code = 4*, bytes > 1000]}, see
 *       {@link SpaceDelimitedFilter}.</li>
 * </ul>
 *
 * <p>Term matching works on the UTF-8 bytes of the stored event, so scanning needs no decoding;
 * JSON and regex patterns decode the event. Immutable and thread-safe. A malformed pattern is an
 * {@code InvalidParameterException}.
 */
public sealed interface FilterPattern permits FilterPattern.All, FilterPattern.Terms, JsonFilter, SpaceDelimitedFilter {

    /** Whether the event with these UTF-8 message bytes matches. */
    boolean matches(byte[] buf, int offset, int length);

    default boolean matches(String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        return matches(b, 0, b.length);
    }

    /** Parses {@code text}; null or blank matches every event. */
    static FilterPattern parse(String text, ObjectMapper mapper) {
        if (text == null || text.isBlank()) {
            return All.INSTANCE;
        }
        String t = text.strip();
        if (t.startsWith("{")) {
            return JsonFilter.parse(t, mapper);
        }
        if (t.startsWith("[")) {
            return SpaceDelimitedFilter.parse(t);
        }
        return Terms.parse(t);
    }

    static AwsException invalid(String why) {
        return new AwsException("InvalidParameterException", 400, "Invalid filter pattern: " + why);
    }

    /** The empty pattern. */
    enum All implements FilterPattern {
        INSTANCE;

        @Override
        public boolean matches(byte[] buf, int offset, int length) {
            return true;
        }
    }

    /** One term: its bytes, whether it must be a whole word, or a regular expression. */
    record Term(byte[] bytes, boolean word, Pattern regex) {

        boolean in(byte[] buf, int offset, int length) {
            if (regex != null) {
                return regex.matcher(new String(buf, offset, length, StandardCharsets.UTF_8))
                        .find();
            }
            int n = bytes.length;
            int end = offset + length - n;
            byte first = bytes[0];
            outer:
            for (int i = offset; i <= end; i++) {
                if (buf[i] != first) {
                    continue;
                }
                for (int j = 1; j < n; j++) {
                    if (buf[i + j] != bytes[j]) {
                        continue outer;
                    }
                }
                if (!word
                        || ((i == offset || !wordByte(buf[i - 1]))
                                && (i + n == offset + length || !wordByte(buf[i + n])))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean wordByte(byte b) {
            return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
        }
    }

    /** A term pattern: required terms, optional ({@code ?}) terms, excluded ({@code -}) terms. */
    record Terms(List<Term> required, List<Term> optional, List<Term> excluded) implements FilterPattern {

        @Override
        public boolean matches(byte[] buf, int offset, int length) {
            for (Term t : required) {
                if (!t.in(buf, offset, length)) {
                    return false;
                }
            }
            for (Term t : excluded) {
                if (t.in(buf, offset, length)) {
                    return false;
                }
            }
            if (optional.isEmpty()) {
                return true;
            }
            for (Term t : optional) {
                if (t.in(buf, offset, length)) {
                    return true;
                }
            }
            return false;
        }

        static Terms parse(String text) {
            List<Term> required = new ArrayList<>();
            List<Term> optional = new ArrayList<>();
            List<Term> excluded = new ArrayList<>();
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                List<Term> into = required;
                if (c == '?' || c == '-') {
                    into = c == '?' ? optional : excluded;
                    i++;
                    if (i >= n || Character.isWhitespace(text.charAt(i))) {
                        throw invalid("'" + c + "' must be followed by a term");
                    }
                    c = text.charAt(i);
                }
                if (c == '"') {
                    StringBuilder sb = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char d = text.charAt(i++);
                        if (d == '\\' && i < n) {
                            sb.append(text.charAt(i++));
                        } else if (d == '"') {
                            closed = true;
                            break;
                        } else {
                            sb.append(d);
                        }
                    }
                    if (!closed) {
                        throw invalid("unterminated quoted term");
                    }
                    if (sb.isEmpty()) {
                        throw invalid("empty quoted term");
                    }
                    into.add(new Term(sb.toString().getBytes(StandardCharsets.UTF_8), false, null));
                } else if (c == '%') {
                    int close = text.indexOf('%', i + 1);
                    if (close < 0 || close == i + 1) {
                        throw invalid("a regular expression term must be written %regex%");
                    }
                    try {
                        into.add(new Term(null, false, Pattern.compile(text.substring(i + 1, close))));
                    } catch (PatternSyntaxException e) {
                        throw invalid("bad regular expression: " + e.getDescription());
                    }
                    i = close + 1;
                } else {
                    int start = i;
                    while (i < n && !Character.isWhitespace(text.charAt(i))) {
                        char d = text.charAt(i);
                        if (!(Character.isLetterOrDigit(d)
                                || d == '_'
                                || d == '.'
                                || d == '-'
                                || d == ':'
                                || d == '/'
                                || d == '@'
                                || d == '='
                                || d == '+')) {
                            throw invalid("invalid character '" + d + "' in term; quote terms that contain it");
                        }
                        i++;
                    }
                    String word = text.substring(start, i);
                    boolean plainWord = word.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_');
                    into.add(new Term(word.getBytes(StandardCharsets.UTF_8), plainWord, null));
                }
            }
            return new Terms(List.copyOf(required), List.copyOf(optional), List.copyOf(excluded));
        }
    }

    /** The JSON value a selector points at in {@code root}, or null. */
    static JsonNode select(JsonNode root, List<Object> path) {
        JsonNode cur = root;
        for (Object step : path) {
            if (cur == null) {
                return null;
            }
            cur = step instanceof Integer idx ? (cur.isArray() ? cur.get(idx) : null) : cur.get((String) step);
        }
        return cur;
    }
}
