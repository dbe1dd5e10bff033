package dev.berth.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A compiled wildcard pattern of the policy language: {@code *} (any run of characters, also across
 * {@code :} and {@code /}, as IAM matches resources against the whole ARN string) and {@code ?} (one
 * character), optionally with policy variables ({@code ${aws:username}}) that are substituted at
 * evaluation time as literal text.
 *
 * <p>Why not {@link java.util.regex.Pattern}: every API call matches actions and resources of every
 * statement, so the common shapes get a test without a loop ({@code *}, exact text, {@code prefix*})
 * and the rest a scan over pre-split literal chunks that backtracks only to the last star (the
 * classic wildcard algorithm), jumping with {@link String#indexOf} to the next occurrence of the
 * text after a star. Variables are looked up in place; matching allocates nothing.
 *
 * <p>The same class holds plain templates (a string with variables and no wildcards, for {@code
 * StringEquals}): {@link #resolve} produces the text, {@link #matches} compares it.
 */
final class Glob {

    /** Results of matching a pattern that may contain variables. */
    static final int NO_MATCH = 0;

    static final int MATCH = 1;
    /** A variable had no value and no default: the statement does not apply. */
    static final int UNRESOLVED = -1;

    private static final Object STAR = new Object();
    private static final Object QMARK = new Object();

    /** A variable reference {@code ${key}} or {@code ${key, 'default'}}; {@code key} is lower-case. */
    record Variable(String key, String defaultValue) {}

    private enum Shape {
        ANY,
        EXACT,
        PREFIX,
        GENERAL
    }

    private final String source;
    /** Literal chunks (String), STAR, QMARK or Variable. */
    private final Object[] tokens;

    private final Shape shape;
    private final String literal;
    private final boolean hasVariables;

    private Glob(String source, Object[] tokens) {
        this.source = source;
        this.tokens = tokens;
        boolean vars = false;
        for (Object t : tokens) {
            vars |= t instanceof Variable;
        }
        this.hasVariables = vars;
        if (!vars && tokens.length == 1 && tokens[0] == STAR) {
            shape = Shape.ANY;
            literal = "";
        } else if (!vars && tokens.length == 0) {
            shape = Shape.EXACT;
            literal = "";
        } else if (!vars && tokens.length == 1 && tokens[0] instanceof String s) {
            shape = Shape.EXACT;
            literal = s;
        } else if (!vars && tokens.length == 2 && tokens[0] instanceof String s && tokens[1] == STAR) {
            shape = Shape.PREFIX;
            literal = s;
        } else {
            shape = Shape.GENERAL;
            literal = null;
        }
    }

    /**
     * Compiles {@code text}. {@code wildcards}: {@code *} and {@code ?} are wildcards (else literal);
     * {@code variables}: {@code ${...}} is a policy variable (only in 2012-10-17 documents);
     * {@code lowerCase}: the pattern is lower-cased, to be matched against lower-cased input (actions:
     * the evaluator lower-cases the request's action once, then every comparison is exact).
     */
    static Glob compile(String text, boolean wildcards, boolean variables, boolean lowerCase) {
        List<Object> tokens = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (variables && c == '$' && i + 1 < n && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close > 0) {
                    String inner = text.substring(i + 2, close).trim();
                    i = close + 1;
                    switch (inner) {
                        case "*", "?", "$" -> lit.append(inner);
                        default -> {
                            flush(lit, tokens, lowerCase);
                            tokens.add(variable(inner));
                        }
                    }
                    continue;
                }
            }
            if (wildcards && (c == '*' || c == '?')) {
                flush(lit, tokens, lowerCase);
                Object w = c == '*' ? STAR : QMARK;
                if (!(w == STAR && !tokens.isEmpty() && tokens.getLast() == STAR)) {
                    tokens.add(w);
                }
            } else {
                lit.append(c);
            }
            i++;
        }
        flush(lit, tokens, lowerCase);
        return new Glob(text, tokens.toArray());
    }

    private static Variable variable(String inner) {
        int comma = inner.indexOf(',');
        if (comma < 0) {
            return new Variable(Keys.canonical(inner.toLowerCase(Locale.ROOT)), null);
        }
        String key = Keys.canonical(inner.substring(0, comma).trim().toLowerCase(Locale.ROOT));
        String def = inner.substring(comma + 1).trim();
        if (def.length() >= 2 && def.startsWith("'") && def.endsWith("'")) {
            def = def.substring(1, def.length() - 1);
        }
        return new Variable(key, def);
    }

    private static void flush(StringBuilder lit, List<Object> tokens, boolean lowerCase) {
        if (!lit.isEmpty()) {
            String s = lit.toString();
            tokens.add(lowerCase ? s.toLowerCase(Locale.ROOT) : s);
            lit.setLength(0);
        }
    }

    String source() {
        return source;
    }

    boolean hasVariables() {
        return hasVariables;
    }

    boolean isAny() {
        return shape == Shape.ANY;
    }

    /** Matches {@code input}; {@link #UNRESOLVED} when a variable has no value in {@code context}. */
    int matches(String input, RequestContext context) {
        switch (shape) {
            case ANY:
                return MATCH;
            case EXACT:
                return input.equals(literal) ? MATCH : NO_MATCH;
            case PREFIX:
                return input.startsWith(literal) ? MATCH : NO_MATCH;
            default:
                break;
        }
        if (hasVariables) {
            // Every variable must resolve before matching: an unresolved one makes the statement not
            // apply, which is not the same as "no match" under NotResource or a negated operator.
            for (Object t : tokens) {
                if (t instanceof Variable v && value(v, context) == null) {
                    return UNRESOLVED;
                }
            }
        }
        return match(tokens, input, context) ? MATCH : NO_MATCH;
    }

    private String value(Variable v, RequestContext context) {
        String value = context == null ? null : context.variable(v.key);
        if (value == null) {
            return v.defaultValue;
        }
        return value;
    }

    /** The text with variables substituted (wildcards kept as written); null when unresolvable. */
    String resolve(RequestContext context) {
        if (!hasVariables) {
            return shape == Shape.EXACT ? literal : render(tokens);
        }
        Object[] toks = tokens.clone();
        for (int k = 0; k < toks.length; k++) {
            if (toks[k] instanceof Variable v) {
                String value = context == null ? null : context.variable(v.key);
                if (value == null) {
                    value = v.defaultValue;
                }
                if (value == null) {
                    return null;
                }
                toks[k] = value;
            }
        }
        return render(toks);
    }

    private static String render(Object[] toks) {
        StringBuilder b = new StringBuilder();
        for (Object t : toks) {
            b.append(t == STAR ? "*" : t == QMARK ? "?" : (String) t);
        }
        return b.toString();
    }

    /** The wildcard algorithm over chunks: backtrack to the last star, one character further each time. */
    private boolean match(Object[] toks, String s, RequestContext context) {
        int n = toks.length;
        int len = s.length();
        int ti = 0;
        int si = 0;
        int starTi = -1;
        int starSi = 0;
        while (true) {
            if (ti < n) {
                Object t = toks[ti];
                if (t == STAR) {
                    if (ti == n - 1) {
                        return true;
                    }
                    starTi = ti++;
                    starSi = si;
                    continue;
                }
                if (t == QMARK) {
                    if (si < len) {
                        si++;
                        ti++;
                        continue;
                    }
                } else {
                    String lit = t instanceof Variable v ? value(v, context) : (String) t;
                    if (s.startsWith(lit, si)) {
                        si += lit.length();
                        ti++;
                        continue;
                    }
                }
            } else if (si == len) {
                return true;
            }
            if (starTi < 0 || starSi >= len) {
                return false;
            }
            starSi++;
            if (toks[starTi + 1] instanceof String next) {
                // the star is followed by literal text: jump to its next occurrence
                int at = s.indexOf(next, starSi);
                if (at < 0) {
                    return false;
                }
                starSi = at;
            }
            si = starSi;
            ti = starTi + 1;
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
