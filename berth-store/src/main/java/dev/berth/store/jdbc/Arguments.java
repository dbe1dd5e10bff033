package dev.berth.store.jdbc;

/**
 * Validation of the arguments of {@link dev.berth.store.Transaction} calls, and the key-range
 * arithmetic that turns a key prefix into a half-open range.
 *
 * <p>Both backends call the same checks, so they reject exactly the same inputs. Beyond the rules
 * in the {@code Transaction} Javadoc, keys and documents must not contain NUL (PostgreSQL
 * {@code text} cannot store it) and keys must not contain unpaired surrogates (they have no UTF-8
 * form, and UTF-8 byte order is what makes H2 and PostgreSQL agree on code-point order).
 * Stateless and thread-safe.
 */
final class Arguments {

    static final int MAX_KEY_LENGTH = 1024;
    /** PostgreSQL cannot index a B-tree entry above 2704 bytes; the kind and overhead need the rest. */
    static final int MAX_KEY_UTF8_BYTES = 2048;

    static final int MAX_JSON_LENGTH = 1 << 20;
    static final int MAX_SCAN_LIMIT = 10_000;

    private Arguments() {}

    static String kind(String kind) {
        if (kind == null || kind.isEmpty() || kind.length() > 64) {
            throw new IllegalArgumentException("kind must be 1 to 64 characters of [a-z0-9-]: " + kind);
        }
        for (int i = 0; i < kind.length(); i++) {
            char c = kind.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                throw new IllegalArgumentException("kind must be 1 to 64 characters of [a-z0-9-]: " + kind);
            }
        }
        return kind;
    }

    static String key(String key) {
        return text("key", key, false);
    }

    static String counter(String name) {
        return text("counter name", name, false);
    }

    /** A key prefix: like a key but may be empty; null means empty. */
    static String prefix(String prefix) {
        return prefix == null ? "" : text("key prefix", prefix, true);
    }

    static String json(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("document must be non-empty JSON text");
        }
        if (json.length() > MAX_JSON_LENGTH) {
            throw new IllegalArgumentException(
                    "document is " + json.length() + " characters, more than " + MAX_JSON_LENGTH);
        }
        if (json.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("document must not contain NUL characters");
        }
        return json;
    }

    static int limit(int limit) {
        if (limit < 1 || limit > MAX_SCAN_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_SCAN_LIMIT + ": " + limit);
        }
        return limit;
    }

    static long version(long version) {
        if (version < 1) {
            throw new IllegalArgumentException("versions start at 1: " + version);
        }
        return version;
    }

    private static String text(String what, String s, boolean emptyAllowed) {
        if (s == null || (!emptyAllowed && s.isEmpty())) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        if (s.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_KEY_LENGTH + " characters");
        }
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
            if (c == '\0') {
                throw new IllegalArgumentException(what + " must not contain NUL characters");
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " contains an unpaired surrogate at index " + i);
            }
        }
        if (bytes > MAX_KEY_UTF8_BYTES) {
            throw new IllegalArgumentException(
                    what + " is " + bytes + " bytes in UTF-8, more than " + MAX_KEY_UTF8_BYTES);
        }
        return s;
    }

    /**
     * The smallest string greater than every string that starts with {@code prefix}, in
     * code-point order, or null when there is none (empty prefix, or only U+10FFFF code points).
     * Keys starting with the prefix are exactly those in {@code [prefix, successor)}, which lets a
     * prefix scan be an index range scan with no LIKE escaping.
     */
    static String prefixSuccessor(String prefix) {
        int[] cps = prefix.codePoints().toArray();
        for (int n = cps.length; n > 0; n--) {
            int last = cps[n - 1];
            if (last < Character.MAX_CODE_POINT) {
                int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
                cps[n - 1] = next;
                return new String(cps, 0, n);
            }
        }
        return null;
    }
}
