package dev.berth.scheduler.cql;

import java.util.Map;

/**
 * The comparison operators of the Cluster Query Language, with the symbol and the word spelling
 * that ECS accepts for each ({@code ==} and {@code equals}, {@code !in} and {@code not_in}, ...).
 */
public enum Operator {
    EQ("==", "equals"),
    NE("!=", "not_equals"),
    GT(">", "greater_than"),
    GE(">=", "greater_than_equal"),
    LT("<", "less_than"),
    LE("<=", "less_than_equal"),
    EXISTS("exists", "exists"),
    NOT_EXISTS("!exists", "not_exists"),
    IN("in", "in"),
    NOT_IN("!in", "not_in"),
    MATCHES("=~", "matches"),
    NOT_MATCHES("!~", "not_matches");

    private static final Map<String, Operator> WORDS = Map.ofEntries(
            Map.entry("equals", EQ),
            Map.entry("not_equals", NE),
            Map.entry("greater_than", GT),
            Map.entry("greater_than_equal", GE),
            Map.entry("less_than", LT),
            Map.entry("less_than_equal", LE),
            Map.entry("exists", EXISTS),
            Map.entry("not_exists", NOT_EXISTS),
            Map.entry("in", IN),
            Map.entry("not_in", NOT_IN),
            Map.entry("matches", MATCHES),
            Map.entry("not_matches", NOT_MATCHES));

    private final String symbol;
    private final String word;

    Operator(String symbol, String word) {
        this.symbol = symbol;
        this.word = word;
    }

    public String symbol() {
        return symbol;
    }

    public String word() {
        return word;
    }

    /** The operator spelled as a word ({@code equals}, {@code not_in}...), or {@code null}. */
    static Operator ofWord(String text) {
        return WORDS.get(text);
    }

    /** True for the operators that take no argument. */
    boolean unary() {
        return this == EXISTS || this == NOT_EXISTS;
    }

    /** True for the operators whose argument is a bracketed list. */
    boolean takesList() {
        return this == IN || this == NOT_IN;
    }
}
