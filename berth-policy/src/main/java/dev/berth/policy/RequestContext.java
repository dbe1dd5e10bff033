package dev.berth.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The condition keys of one request and their values ({@code aws:SourceIp}, {@code aws:username},
 * {@code aws:PrincipalTag/team}, {@code ecs:cluster}, {@code aws:TagKeys}, ...): what conditions test
 * and what policy variables ({@code ${aws:username}}) are substituted with.
 *
 * <p>Keys are case-insensitive, as IAM treats condition keys, so they are lower-cased once here and
 * compiled policies hold lower-cased keys. Values are kept as written (case-sensitive as AWS
 * compares them) and may be single-valued or multivalued; a key with an empty list of values is
 * treated as absent by {@code ForAllValues}/{@code ForAnyValue} and by {@code Null}. Immutable once
 * built; build one per request.
 */
public final class RequestContext {

    private static final ContextValue[] NONE = new ContextValue[0];
    private static final RequestContext EMPTY = new RequestContext(Map.of());

    private final Map<String, ContextValue[]> values;

    private RequestContext(Map<String, ContextValue[]> values) {
        this.values = values;
    }

    public static RequestContext empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A context from a map of key to value; each value is a String or a Collection of Strings. */
    public static RequestContext of(Map<String, ?> map) {
        Builder b = builder();
        map.forEach((k, v) -> {
            if (v instanceof Collection<?> c) {
                b.putAll(k, c.stream().map(String::valueOf).toList());
            } else {
                b.put(k, String.valueOf(v));
            }
        });
        return b.build();
    }

    /** The values of {@code lowerKey} (already lower-case), or null when the key is absent. */
    ContextValue[] values(String lowerKey) {
        return values.get(lowerKey);
    }

    /** The values of a key (any case), empty when absent. */
    public List<String> get(String key) {
        ContextValue[] v = values.get(key.toLowerCase(Locale.ROOT));
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(v.length);
        for (ContextValue c : v) {
            out.add(c.text);
        }
        return out;
    }

    public boolean contains(String key) {
        return values.containsKey(key.toLowerCase(Locale.ROOT));
    }

    /** A policy variable's value: the key's only value; null when absent or multivalued. */
    String variable(String lowerKey) {
        ContextValue[] v = values.get(lowerKey);
        return v == null || v.length != 1 ? null : v[0].text;
    }

    /** A new context with this one's keys plus (replacing) {@code other}'s. */
    public RequestContext with(RequestContext other) {
        Map<String, ContextValue[]> merged = new HashMap<>(values);
        merged.putAll(other.values);
        return new RequestContext(merged);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        values.forEach((k, v) -> b.append(k).append('=').append(List.of(v)).append(", "));
        return b.append('}').toString();
    }

    /** Collects keys; a key put twice keeps the last values. */
    public static final class Builder {
        private Map<String, ContextValue[]> values = new HashMap<>();

        private Builder() {}

        /** A single-valued key. */
        public Builder put(String key, String value) {
            values.put(Keys.lookup(key.toLowerCase(Locale.ROOT)), new ContextValue[] {new ContextValue(value)});
            return this;
        }

        /** A multivalued key ({@code aws:TagKeys}); an empty list is a key with no values. */
        public Builder putAll(String key, Collection<String> list) {
            ContextValue[] v = list.isEmpty() ? NONE : new ContextValue[list.size()];
            int i = 0;
            for (String s : list) {
                v[i++] = new ContextValue(s);
            }
            values.put(Keys.lookup(key.toLowerCase(Locale.ROOT)), v);
            return this;
        }

        /** The context; the builder starts over empty (its map is handed over, not copied). */
        public RequestContext build() {
            Map<String, ContextValue[]> built = values;
            values = new HashMap<>();
            return new RequestContext(built);
        }
    }
}
