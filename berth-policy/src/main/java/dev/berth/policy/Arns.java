package dev.berth.policy;

import java.util.ArrayList;
import java.util.List;

/** Splitting ARN text into its six segments, ignoring colons inside policy variables. */
final class Arns {

    private Arns() {}

    /** The six segments of {@code arn:partition:service:region:account:resource}, or null. */
    static List<String> split(String s) {
        if (!s.startsWith("arn:")) {
            return null;
        }
        List<String> parts = new ArrayList<>(6);
        int start = 0;
        int depth = 0;
        for (int i = 0; i < s.length() && parts.size() < 5; i++) {
            char c = s.charAt(i);
            if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                depth++;
            } else if (c == '}' && depth > 0) {
                depth--;
            } else if (c == ':' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (parts.size() < 5) {
            return null;
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** The account segment of an ARN, or null. */
    static String account(String arn) {
        List<String> p = split(arn);
        return p == null ? null : p.get(4);
    }
}
