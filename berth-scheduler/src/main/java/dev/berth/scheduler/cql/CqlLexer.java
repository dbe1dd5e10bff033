package dev.berth.scheduler.cql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Cluster Query Language expression into tokens, each with its 1-based position.
 *
 * <p>Bare words run until white space or one of {@code ( ) [ ] , ' " = < > ! & |}, so values such as
 * {@code t2.*}, {@code us-east-1a}, {@code service:web} or {@code 2018-06-18T22:28:28+00:00} need no
 * quotes; a value containing one of those characters is written in single or double quotes. The
 * argument of {@code =~}/{@code !~} is lexed as a regular expression (see {@link #regex()}), so
 * {@code t2.[a-z]+} or {@code (m5|c5).*} need no quotes either. Words are not classified here: whether
 * {@code in} or {@code and} is a keyword depends on where it stands, which only the parser knows.
 */
final class CqlLexer {

    /** Kinds of token. */
    enum Kind {
        LPAREN,
        RPAREN,
        LBRACKET,
        RBRACKET,
        COMMA,
        AND,
        OR,
        NOT,
        OP,
        WORD,
        STRING,
        INVALID,
        EOF
    }

    /** One token; {@code position} is the 1-based column of its first character. */
    record Token(Kind kind, String text, int position, Operator op) {
        /** How an error message shows the token. */
        String display() {
            return kind == Kind.EOF ? "end of expression" : "'" + text + "'";
        }
    }

    private final String src;
    private int pos;
    /** True right after a match operator: the next bare token is a regular expression. */
    private boolean regexNext;

    private CqlLexer(String src) {
        this.src = src;
    }

    /** Tokenizes {@code src}; the list always ends with an {@link Kind#EOF} token. */
    static List<Token> tokenize(String src) {
        return new CqlLexer(src).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (true) {
            while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
                pos++;
            }
            if (pos >= src.length()) {
                out.add(new Token(Kind.EOF, "", src.length() + 1, null));
                return out;
            }
            Token t = regexNext && src.charAt(pos) != '\'' && src.charAt(pos) != '"' ? regex() : next();
            regexNext = (t.kind() == Kind.OP && (t.op() == Operator.MATCHES || t.op() == Operator.NOT_MATCHES))
                    || (t.kind() == Kind.WORD
                            && (t.text().equals("matches") || t.text().equals("not_matches")));
            out.add(t);
        }
    }

    /**
     * A bare regular expression: runs to white space or to a ')' or ']' that closes nothing opened
     * inside it, so {@code t2.[a-z]+} and {@code (m5|c5).*} need no quotes and
     * {@code not(attribute:a =~ t2.*)} still closes its parenthesis.
     */
    private Token regex() {
        int start = pos;
        int depth = 0;
        while (pos < src.length() && !Character.isWhitespace(src.charAt(pos))) {
            char c = src.charAt(pos);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            }
            pos++;
        }
        if (pos == start) {
            return next();
        }
        return tok(Kind.WORD, start);
    }

    private Token next() {
        int start = pos;
        char c = src.charAt(pos);
        switch (c) {
            case '(':
                pos++;
                return tok(Kind.LPAREN, start);
            case ')':
                pos++;
                return tok(Kind.RPAREN, start);
            case '[':
                pos++;
                return tok(Kind.LBRACKET, start);
            case ']':
                pos++;
                return tok(Kind.RBRACKET, start);
            case ',':
                pos++;
                return tok(Kind.COMMA, start);
            case '\'', '"':
                return quoted(c);
            default:
                break;
        }
        if (src.startsWith("&&", pos)) {
            pos += 2;
            return tok(Kind.AND, start);
        }
        if (src.startsWith("||", pos)) {
            pos += 2;
            return tok(Kind.OR, start);
        }
        for (String sym : new String[] {"==", "!=", ">=", "<=", "=~", "!~", ">", "<"}) {
            if (src.startsWith(sym, pos)) {
                pos += sym.length();
                return op(sym, start);
            }
        }
        if (c == '!') {
            for (String sym : new String[] {"!exists", "!in"}) {
                if (src.startsWith(sym, pos) && !isWordChar(pos + sym.length())) {
                    pos += sym.length();
                    return op(sym, start);
                }
            }
            pos++;
            return tok(Kind.NOT, start);
        }
        if (!isWordChar(pos)) {
            // a lone '=', '&' or '|': nothing valid starts with it
            pos++;
            return tok(Kind.INVALID, start);
        }
        while (isWordChar(pos)) {
            pos++;
        }
        return tok(Kind.WORD, start);
    }

    private Token quoted(char quote) {
        int start = pos;
        int end = src.indexOf(quote, pos + 1);
        if (end < 0) {
            throw CqlException.at(start + 1, src.substring(start), "unterminated quoted string");
        }
        pos = end + 1;
        return new Token(Kind.STRING, src.substring(start + 1, end), start + 1, null);
    }

    private Token tok(Kind kind, int start) {
        return new Token(kind, src.substring(start, pos), start + 1, null);
    }

    private Token op(String sym, int start) {
        Operator op = null;
        for (Operator o : Operator.values()) {
            if (o.symbol().equals(sym)) {
                op = o;
            }
        }
        return new Token(Kind.OP, sym, start + 1, op);
    }

    private boolean isWordChar(int i) {
        if (i >= src.length()) {
            return false;
        }
        char c = src.charAt(i);
        return !Character.isWhitespace(c) && "()[],'\"=<>!&|".indexOf(c) < 0;
    }
}
