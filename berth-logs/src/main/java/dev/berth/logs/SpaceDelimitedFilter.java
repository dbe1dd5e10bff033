package dev.berth.logs;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A space-delimited filter pattern ({@code [ip, user, username, timestamp, request, status_code = 4*, bytes]}),
 * CloudWatch's pattern for log lines made of fields (Apache/NGINX access logs and the like).
 *
 * <p>The event is cut into fields at spaces; text enclosed in {@code "..."} or {@code [...]} is one
 * field (without the enclosing characters), so {@code [10/Oct/2000:13:55:36 -0700]} and
 * {@code "GET /a.gif HTTP/1.0"} each count as one. Every pattern field names one event field, and
 * {@code ...} stands for any number of fields (none included); without {@code ...} the event must
 * have exactly as many fields as the pattern. A named field may carry conditions on fields of the
 * pattern: {@code =} / {@code !=} with a number (numeric comparison), a string with {@code *}
 * wildcards (bare or in double quotes) or a {@code %regex%}; {@code < <= > >=} with a number;
 * joined by {@code &&} (binds tighter) and {@code ||}. A field that is not a number never satisfies
 * a numeric condition.
 *
 * <p>Matching tries every way the {@code ...} can spread (a backtracking match; patterns have few
 * of them) and succeeds when one assignment satisfies every condition. Immutable and thread-safe.
 */
public record SpaceDelimitedFilter(List<String> fields, List<Cond> conditions) implements FilterPattern {

    /** {@link #fields} entry for {@code ...}. */
    static final String ELLIPSIS = "...";

    /** A condition tree over named fields. */
    sealed interface Cond permits And, Or, Compare {
        boolean eval(Map<String, String> values);
    }

    record And(Cond left, Cond right) implements Cond {
        public boolean eval(Map<String, String> v) {
            return left.eval(v) && right.eval(v);
        }
    }

    record Or(Cond left, Cond right) implements Cond {
        public boolean eval(Map<String, String> v) {
            return left.eval(v) || right.eval(v);
        }
    }

    /** {@code field op value}: exactly one of number, glob, regex is set. */
    record Compare(String field, String op, BigDecimal number, Pattern glob, Pattern regex) implements Cond {
        public boolean eval(Map<String, String> values) {
            String v = values.get(field);
            if (v == null) {
                return false;
            }
            if (number != null) {
                BigDecimal n = SpaceDelimitedFilter.number(v);
                if (n == null) {
                    return false;
                }
                int c = n.compareTo(number);
                return switch (op) {
                    case "=" -> c == 0;
                    case "!=" -> c != 0;
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }
            boolean eq =
                    regex != null ? regex.matcher(v).find() : glob.matcher(v).matches();
            return op.equals("=") == eq;
        }
    }

    @Override
    public boolean matches(byte[] buf, int offset, int length) {
        List<String> values = split(new String(buf, offset, length, StandardCharsets.UTF_8));
        return assign(0, 0, values, new HashMap<>());
    }

    /** Binds pattern field {@code p} onwards to event fields {@code v} onwards; true when some binding passes. */
    private boolean assign(int p, int v, List<String> values, Map<String, String> bound) {
        if (p == fields.size()) {
            if (v != values.size()) {
                return false;
            }
            for (Cond c : conditions) {
                if (!c.eval(bound)) {
                    return false;
                }
            }
            return true;
        }
        String name = fields.get(p);
        if (name.equals(ELLIPSIS)) {
            for (int skip = values.size() - v; skip >= 0; skip--) {
                if (assign(p + 1, v + skip, values, bound)) {
                    return true;
                }
            }
            return false;
        }
        if (v >= values.size()) {
            return false;
        }
        String before = bound.put(name, values.get(v));
        boolean ok = assign(p + 1, v + 1, values, bound);
        if (before == null) {
            bound.remove(name);
        } else {
            bound.put(name, before);
        }
        return ok;
    }

    /** Cuts an event into fields: space-separated, {@code "..."} and {@code [...]} kept whole. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
                continue;
            }
            if (c == '"' || c == '[') {
                char close = c == '"' ? '"' : ']';
                int end = s.indexOf(close, i + 1);
                if (end < 0) {
                    end = n;
                }
                out.add(s.substring(i + 1, end));
                i = end + 1;
                continue;
            }
            int start = i;
            while (i < n && " \t\n\r".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            out.add(s.substring(start, i));
        }
        return out;
    }

    static BigDecimal number(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return null;
        }
        char c = s.charAt(0);
        if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) {
            return null;
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- parsing

    static SpaceDelimitedFilter parse(String text) {
        Parser p = new Parser(text);
        p.skip();
        p.expect('[');
        List<String> fields = new ArrayList<>();
        List<Cond> conds = new ArrayList<>();
        List<Compare> compares = new ArrayList<>();
        p.skip();
        if (p.peek() == ']') {
            throw FilterPattern.invalid("a space-delimited pattern needs at least one field");
        }
        while (true) {
            p.skip();
            if (p.text.startsWith(ELLIPSIS, p.i)) {
                p.i += ELLIPSIS.length();
                fields.add(ELLIPSIS);
            } else {
                String name = p.name();
                fields.add(name);
                p.skip();
                if (p.peekOperator()) {
                    conds.add(p.orExpr(name, compares));
                }
            }
            p.skip();
            char c = p.next();
            if (c == ']') {
                break;
            }
            if (c != ',') {
                throw FilterPattern.invalid("expected ',' or ']' in the space-delimited pattern at position " + p.i);
            }
        }
        p.skip();
        if (p.i < p.text.length()) {
            throw FilterPattern.invalid("unexpected text after ']': " + p.text.substring(p.i));
        }
        for (Compare c : compares) {
            if (!fields.contains(c.field())) {
                throw FilterPattern.invalid(
                        "the condition names field '" + c.field() + "', which the pattern does not define");
            }
        }
        return new SpaceDelimitedFilter(List.copyOf(fields), List.copyOf(conds));
    }

    /** Recursive descent over the pattern text. */
    private static final class Parser {
        final String text;
        int i;

        Parser(String text) {
            this.text = text;
        }

        void skip() {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
        }

        char peek() {
            return i < text.length() ? text.charAt(i) : '\0';
        }

        char next() {
            if (i >= text.length()) {
                throw FilterPattern.invalid("the space-delimited pattern is missing its closing ']'");
            }
            return text.charAt(i++);
        }

        void expect(char c) {
            if (next() != c) {
                throw FilterPattern.invalid("expected '" + c + "' at position " + (i - 1));
            }
        }

        String name() {
            int start = i;
            while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                i++;
            }
            if (start == i) {
                throw FilterPattern.invalid("expected a field name or '...' at position " + start);
            }
            return text.substring(start, i);
        }

        boolean peekOperator() {
            char c = peek();
            return c == '=' || c == '!' || c == '<' || c == '>';
        }

        Cond orExpr(String field, List<Compare> all) {
            Cond left = andExpr(field, all);
            skip();
            while (text.startsWith("||", i)) {
                i += 2;
                left = new Or(left, andExpr(null, all));
                skip();
            }
            return left;
        }

        Cond andExpr(String field, List<Compare> all) {
            Cond left = compare(field, all);
            skip();
            while (text.startsWith("&&", i)) {
                i += 2;
                left = new And(left, compare(null, all));
                skip();
            }
            return left;
        }

        /** {@code [name] op value}; the first comparison of a field omits the name. */
        Compare compare(String field, List<Compare> all) {
            skip();
            String name = field != null ? field : name();
            skip();
            String op;
            if (text.startsWith("!=", i) || text.startsWith("<=", i) || text.startsWith(">=", i)) {
                op = text.substring(i, i + 2);
                i += 2;
            } else if (peek() == '=' || peek() == '<' || peek() == '>') {
                op = String.valueOf(next());
                if (op.equals("=") && peek() == '=') {
                    throw FilterPattern.invalid("unknown operator '==' at position " + (i - 1));
                }
            } else {
                throw FilterPattern.invalid(
                        "expected a comparison operator (=, !=, <, <=, >, >=) after '" + name + "'");
            }
            skip();
            Compare c = value(name, op);
            all.add(c);
            return c;
        }

        Compare value(String field, String op) {
            char c = peek();
            String raw;
            boolean quoted = false;
            if (c == '"') {
                int end = text.indexOf('"', i + 1);
                if (end < 0) {
                    throw FilterPattern.invalid("unterminated quoted value for field '" + field + "'");
                }
                raw = text.substring(i + 1, end);
                i = end + 1;
                quoted = true;
            } else if (c == '%') {
                int end = text.indexOf('%', i + 1);
                if (end < 0 || end == i + 1) {
                    throw FilterPattern.invalid("a regular expression value must be written %regex%");
                }
                String re = text.substring(i + 1, end);
                i = end + 1;
                if (!op.equals("=") && !op.equals("!=")) {
                    throw FilterPattern.invalid("a regular expression can only be compared with = or !=");
                }
                try {
                    return new Compare(field, op, null, null, Pattern.compile(re));
                } catch (PatternSyntaxException e) {
                    throw FilterPattern.invalid("bad regular expression: " + e.getDescription());
                }
            } else {
                int start = i;
                while (i < text.length() && ",] \t&|".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                raw = text.substring(start, i);
            }
            if (raw.isEmpty() && !quoted) {
                throw FilterPattern.invalid("field '" + field + "' has an operator but no value");
            }
            BigDecimal number = quoted ? null : number(raw);
            if (number != null) {
                return new Compare(field, op, number, null, null);
            }
            if (!op.equals("=") && !op.equals("!=")) {
                throw FilterPattern.invalid("'" + op + "' needs a number, found '" + raw + "'");
            }
            return new Compare(field, op, null, glob(raw), null);
        }

        static Pattern glob(String s) {
            StringBuilder re = new StringBuilder();
            int from = 0;
            for (int star = s.indexOf('*'); star >= 0; star = s.indexOf('*', from)) {
                re.append(Pattern.quote(s.substring(from, star))).append(".*");
                from = star + 1;
            }
            re.append(Pattern.quote(s.substring(from)));
            return Pattern.compile(re.toString(), Pattern.DOTALL);
        }
    }
}
