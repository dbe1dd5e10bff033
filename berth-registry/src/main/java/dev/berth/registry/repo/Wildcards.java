package dev.berth.registry.repo;

/**
 * ECR's tag wildcard: {@code *} matches any run of characters (including none), everything else
 * matches itself, and the whole tag must match ({@code prod*} matches {@code prod-1}, not
 * {@code preprod}). Used by lifecycle {@code tagPatternList} and tag mutability exclusion filters.
 * Matching is linear in the lengths (greedy with backtracking to the last star), so a hostile
 * pattern cannot make it slow.
 */
public final class Wildcards {

    private Wildcards() {}

    public static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** How many {@code *} the pattern holds. */
    public static int stars(String pattern) {
        return (int) pattern.chars().filter(c -> c == '*').count();
    }
}
