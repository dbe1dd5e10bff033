package dev.berth.policy;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per condition key name that some compiled policy uses (lower-case): compiled
 * conditions and variables hold these instances, and request contexts swap their keys for them, so
 * the lookups of an evaluation compare keys by reference ({@link String#equals} returns on
 * identity) instead of byte by byte.
 *
 * <p>Only policy compilation adds names; a request never does (its keys are looked up, not added),
 * so the table grows with the policies stored, not with what callers send.
 */
final class Keys {

    private static final ConcurrentHashMap<String, String> CANONICAL = new ConcurrentHashMap<>();

    private Keys() {}

    /** The shared instance of {@code lowerKey}, registering it (policy compilation). */
    static String canonical(String lowerKey) {
        return CANONICAL.computeIfAbsent(lowerKey, k -> k);
    }

    /** The shared instance of {@code lowerKey} when a policy uses it, else {@code lowerKey} itself. */
    static String lookup(String lowerKey) {
        return CANONICAL.getOrDefault(lowerKey, lowerKey);
    }
}
