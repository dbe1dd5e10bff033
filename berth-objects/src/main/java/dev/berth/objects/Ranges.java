package dev.berth.objects;

/**
 * HTTP {@code Range: bytes=...} for GetObject, as S3 applies it: one range only ({@code a-b},
 * {@code a-}, {@code -n}); an end past the object is clamped; a start at or past the end is
 * {@code InvalidRange} (416); a header S3 would ignore (not {@code bytes=}, several ranges,
 * unparseable) means the whole object.
 */
final class Ranges {

    private Ranges() {}

    /** {@code {first, last}} inclusive, or null for the whole object. */
    static long[] parse(String header, long size) {
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long suffix = Long.parseLong(b);
                if (suffix <= 0 || size == 0) {
                    throw S3Errors.invalidRange(size);
                }
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (last < first) {
                return null;
            }
            if (first >= size) {
                throw S3Errors.invalidRange(size);
            }
            return new long[] {first, Math.min(last, size - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
