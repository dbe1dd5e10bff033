package dev.berth.protocol.sigv4;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Case-insensitive access to the headers of a {@link SignedRequest}: header names arrive in whatever
 * case the client wrote, while SigV4 names them in lower case.
 *
 * <p>One small map is built per request; {@link String#toLowerCase} returns the same instance for
 * names that are already lower case, so HTTP/2 and most SDK traffic allocate no new names.
 */
final class Headers {

    private Headers() {}

    static Map<String, List<String>> lowerCased(Map<String, List<String>> headers) {
        Map<String, List<String>> out = HashMap.newHashMap(headers.size());
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            List<String> values = e.getValue();
            List<String> previous = out.putIfAbsent(name, values);
            if (previous != null) { // the same header under two spellings: keep both, in map order
                List<String> merged = new ArrayList<>(previous);
                merged.addAll(values);
                out.put(name, merged);
            }
        }
        return out;
    }

    /** The first value of a header, by lower-case name, or {@code null}. */
    static String first(Map<String, List<String>> lowerCaseHeaders, String lowerCaseName) {
        List<String> values = lowerCaseHeaders.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
