package dev.berth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A JSON filter pattern ({@code { $.level = "error" && $.latency > 100 }}): a small recursive-descent
 * parser into an expression tree, and its evaluation against an event parsed as JSON. Precedence:
 * parentheses, then {@code &&}, then {@code ||}. Immutable and thread-safe.
 */
public record JsonFilter(Expr root, ObjectMapper mapper) implements FilterPattern {

    /** A node of the expression tree. */
    sealed interface Expr permits And, Or, Compare, Check {
        boolean eval(JsonNode event);
    }

    record And(Expr left, Expr right) implements Expr {
        public boolean eval(JsonNode e) {
            return left.eval(e) && right.eval(e);
        }
    }

    record Or(Expr left, Expr right) implements Expr {
        public boolean eval(JsonNode e) {
            return left.eval(e) || right.eval(e);
        }
    }

    /** {@code selector op value}; the value is a string (with {@code *} wildcards) or a number. */
    record Compare(List<Object> path, String op, String text, BigDecimal number) implements Expr {
        public boolean eval(JsonNode e) {
            JsonNode v = FilterPattern.select(e, path);
            if (v == null || v.isMissingNode() || v.isContainerNode()) {
                return false;
            }
            if (number != null) {
                if (!v.isNumber()) {
                    return false;
                }
                int c = v.decimalValue().compareTo(number);
                return switch (op) {
                    case "=" -> c == 0;
                    case "!=" -> c != 0;
                    case "<" -> c < 0;
                    case ">" -> c > 0;
                    case "<=" -> c <= 0;
                    default -> c >= 0;
                };
            }
            if (v.isNull()) {
                return false;
            }
            boolean eq = wildcard(text).matcher(v.asText()).matches();
            return op.equals("=") == eq;
        }

        private static Pattern wildcard(String s) {
            StringBuilder re = new StringBuilder();
            for (String part : s.split("\\*", -1)) {
                if (!re.isEmpty() || s.startsWith("*")) {
                    re.append(".*");
                }
                re.append(Pattern.quote(part));
            }
            return Pattern.compile(s.equals("*") ? ".*" : re.toString(), Pattern.DOTALL);
        }
    }

    /** {@code IS TRUE|FALSE|NULL}, {@code NOT EXISTS}. */
    record Check(List<Object> path, String what) implements Expr {
        public boolean eval(JsonNode e) {
            JsonNode v = FilterPattern.select(e, path);
            return switch (what) {
                case "TRUE" -> v != null && v.isBoolean() && v.booleanValue();
                case "FALSE" -> v != null && v.isBoolean() && !v.booleanValue();
                case "NULL" -> v != null && v.isNull();
                default -> v == null || v.isMissingNode();
            };
        }
    }

    @Override
    public boolean matches(byte[] buf, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r')) {
            i++;
        }
        if (i >= end || buf[i] != '{') {
            return false;
        }
        JsonNode event;
        try {
            event = mapper.readTree(buf, offset, length);
        } catch (IOException e) {
            return false;
        }
        return event != null && event.isObject() && root.eval(event);
    }

    static JsonFilter parse(String text, ObjectMapper mapper) {
        Parser p = new Parser(text);
        p.expect("{");
        Expr e = p.or();
        p.expect("}");
        p.skip();
        if (p.pos < text.length()) {
            throw FilterPattern.invalid("unexpected text after '}': " + text.substring(p.pos));
        }
        return new JsonFilter(e, mapper);
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean peek(String t) {
            skip();
            return s.startsWith(t, pos);
        }

        void expect(String t) {
            if (!peek(t)) {
                throw FilterPattern.invalid("expected '" + t + "' at position " + pos);
            }
            pos += t.length();
        }

        Expr or() {
            Expr e = and();
            while (peek("||")) {
                pos += 2;
                e = new Or(e, and());
            }
            return e;
        }

        Expr and() {
            Expr e = unary();
            while (peek("&&")) {
                pos += 2;
                e = new And(e, unary());
            }
            return e;
        }

        Expr unary() {
            if (peek("(")) {
                pos++;
                Expr e = or();
                expect(")");
                return e;
            }
            List<Object> path = selector();
            skip();
            if (keyword("IS")) {
                for (String w : List.of("TRUE", "FALSE", "NULL")) {
                    if (keyword(w)) {
                        return new Check(path, w);
                    }
                }
                throw FilterPattern.invalid("IS must be followed by TRUE, FALSE or NULL");
            }
            if (keyword("NOT")) {
                if (keyword("EXISTS")) {
                    return new Check(path, "NOT EXISTS");
                }
                throw FilterPattern.invalid("NOT must be followed by EXISTS");
            }
            String op = null;
            for (String o : List.of("!=", "<=", ">=", "=", "<", ">")) {
                if (s.startsWith(o, pos)) {
                    op = o;
                    break;
                }
            }
            if (op == null) {
                throw FilterPattern.invalid("expected a comparison operator (=, !=, <, >, <=, >=) at position " + pos);
            }
            pos += op.length();
            skip();
            if (pos >= s.length()) {
                throw FilterPattern.invalid("missing value after " + op);
            }
            if (s.charAt(pos) == '"') {
                String str = quoted();
                if (!op.equals("=") && !op.equals("!=")) {
                    throw FilterPattern.invalid("strings can only be compared with = or !=");
                }
                return new Compare(path, op, str, null);
            }
            int start = pos;
            while (pos < s.length() && !Character.isWhitespace(s.charAt(pos)) && "()&|}".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            String word = s.substring(start, pos);
            if (word.isEmpty()) {
                throw FilterPattern.invalid("missing value after " + op);
            }
            try {
                return new Compare(path, op, null, new BigDecimal(word));
            } catch (NumberFormatException e) {
                if (!op.equals("=") && !op.equals("!=")) {
                    throw FilterPattern.invalid("'" + word + "' is not a number; " + op + " compares numbers");
                }
                return new Compare(path, op, word, null);
            }
        }

        boolean keyword(String w) {
            skip();
            if (s.startsWith(w, pos)
                    && (pos + w.length() == s.length() || !Character.isLetter(s.charAt(pos + w.length())))) {
                pos += w.length();
                return true;
            }
            return false;
        }

        String quoted() {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    sb.append(s.charAt(pos++));
                } else if (c == '"') {
                    return sb.toString();
                } else {
                    sb.append(c);
                }
            }
            throw FilterPattern.invalid("unterminated string");
        }

        List<Object> selector() {
            skip();
            if (pos >= s.length() || s.charAt(pos) != '$') {
                throw FilterPattern.invalid("expected a selector starting with '$' at position " + pos);
            }
            pos++;
            List<Object> path = new ArrayList<>();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '.') {
                    pos++;
                    int start = pos;
                    while (pos < s.length()
                            && (Character.isLetterOrDigit(s.charAt(pos)) || "_-@$".indexOf(s.charAt(pos)) >= 0)) {
                        pos++;
                    }
                    if (start == pos) {
                        throw FilterPattern.invalid("empty field name in selector at position " + pos);
                    }
                    path.add(s.substring(start, pos));
                } else if (c == '[') {
                    int close = s.indexOf(']', pos);
                    if (close < 0) {
                        throw FilterPattern.invalid("unterminated '[' in selector");
                    }
                    try {
                        path.add(Integer.parseInt(s.substring(pos + 1, close).strip()));
                    } catch (NumberFormatException e) {
                        throw FilterPattern.invalid("array index must be a number: " + s.substring(pos, close + 1));
                    }
                    pos = close + 1;
                } else {
                    break;
                }
            }
            if (path.isEmpty()) {
                throw FilterPattern.invalid("a selector must name a field, e.g. $.level");
            }
            return path;
        }
    }
}
