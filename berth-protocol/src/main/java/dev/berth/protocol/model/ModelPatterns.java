package dev.berth.protocol.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code pattern} trait of botocore string shapes, compiled for {@link java.util.regex}.
 *
 * <p>AWS validates a member against its pattern as a whole: {@code [\.\-_/#A-Za-z0-9]+} rejects
 * {@code "a b"} although it contains a match, and a pattern with {@code ^...$} means the same
 * thing. So a compiled pattern is used with {@link Matcher#matches()}, never {@code find()}.
 *
 * <p>The patterns are written for ECMAScript-like engines, and a few read differently in Java:
 *
 * <ul>
 *   <li>a backslash-u escape of five or six hex digits, {@code 10000} to {@code 10FFFF} (STS's
 *       {@code arnType}), means a supplementary code point; Java reads a four-digit escape and
 *       then literal digits, so five- and six-digit code points
 *       inside a character class become {@code \x{...}};
 *   <li>{@code [} inside a character class is a literal in ECMAScript but opens a nested class
 *       (union) in Java, and {@code &&} is an intersection in Java: both are escaped inside
 *       classes;
 *   <li>{@code $} may match before a final line terminator in Java: with {@code matches()} the
 *       terminator must still be consumed by the rest of the pattern, so a trailing newline never
 *       slips through.
 * </ul>
 *
 * Each shape's pattern is compiled once, when its model loads.
 */
public final class ModelPatterns {

    private static final Pattern WIDE_ESCAPE = Pattern.compile("\\\\u(1[0-9A-Fa-f]{4}|10[0-9A-Fa-f]{4})(?=[-\\]])");

    private ModelPatterns() {}

    /** Compiles a botocore pattern for whole-value matching; throws on a pattern Java cannot read. */
    public static Pattern compile(String source) {
        return Pattern.compile(translate(source));
    }

    /** Compiles {@code source}, or returns null (the trait is then not enforced) when Java cannot read it. */
    static Pattern compileOrNull(String source) {
        try {
            return compile(source);
        } catch (PatternSyntaxException e) {
            System.getLogger(ModelPatterns.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "model pattern not enforced, Java cannot compile it: " + source,
                            e);
            return null;
        }
    }

    /** The Java regex for an ECMAScript-style model pattern (see the class comment). */
    static String translate(String source) {
        StringBuilder out = new StringBuilder(source.length() + 8);
        boolean inClass = false;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\' && i + 1 < source.length()) {
                Matcher wide = WIDE_ESCAPE.matcher(source).region(i, source.length());
                if (inClass && wide.lookingAt()) {
                    out.append("\\x{").append(wide.group(1)).append('}');
                    i = wide.end() - 1;
                } else {
                    out.append(c).append(source.charAt(i + 1));
                    i++;
                }
                continue;
            }
            if (!inClass) {
                if (c == '[') {
                    inClass = true;
                    out.append(c);
                    // a ']' or '^]' right after the opening bracket is a literal in both engines
                    if (i + 1 < source.length() && source.charAt(i + 1) == '^') {
                        out.append('^');
                        i++;
                    }
                    if (i + 1 < source.length() && source.charAt(i + 1) == ']') {
                        out.append("\\]");
                        i++;
                    }
                    continue;
                }
                out.append(c);
                continue;
            }
            if (c == ']') {
                inClass = false;
                out.append(c);
            } else if (c == '[') {
                out.append("\\[");
            } else if (c == '&' && i + 1 < source.length() && source.charAt(i + 1) == '&') {
                out.append("\\&");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
