package dev.berth.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts, for a task group and an attribute, how many tasks of the group run on instances with each
 * value of the attribute: what {@code spread(attribute:...)} balances. Built lazily the first time a
 * (group, attribute) pair is asked for (one pass over the instances), then kept current as tasks are
 * placed or removed, so a spread decision costs a lookup instead of a scan of the cluster.
 *
 * <p>Attribute values are interned per attribute; value id 0 stands for "attribute absent", which
 * spread treats as one more value (instances without the attribute are balanced as their own bucket).
 */
final class SpreadIndex {

    /** The value id of every instance for one attribute. */
    static final class AttributeValues {
        final int[] valueOf;
        final List<String> names = new ArrayList<>();

        AttributeValues(int[] valueOf) {
            this.valueOf = valueOf;
        }

        int valueCount() {
            return names.size();
        }
    }

    private final ClusterState state;
    private final Map<String, AttributeValues> attributes = new HashMap<>();
    /** Counts per value id, keyed by group id then attribute name. */
    private final Map<Integer, Map<String, int[]>> counts = new HashMap<>();

    SpreadIndex(ClusterState state) {
        this.state = state;
    }

    /** Interned values of {@code attribute} for every instance. */
    AttributeValues values(String attribute) {
        AttributeValues v = attributes.get(attribute);
        if (v == null) {
            int n = state.size();
            v = new AttributeValues(new int[n]);
            Map<String, Integer> ids = new HashMap<>();
            v.names.add(null);
            for (int i = 0; i < n; i++) {
                String value = state.instance(i).attributes().get(attribute);
                if (value != null) {
                    AttributeValues target = v;
                    v.valueOf[i] = ids.computeIfAbsent(value, x -> {
                        target.names.add(x);
                        return target.names.size() - 1;
                    });
                }
            }
            attributes.put(attribute, v);
        }
        return v;
    }

    /** Tasks of group {@code gid} per value id of {@code attribute}. The array is live: do not modify. */
    int[] counts(int gid, String attribute) {
        Map<String, int[]> byAttribute = counts.computeIfAbsent(gid, g -> new HashMap<>());
        int[] c = byAttribute.get(attribute);
        if (c == null) {
            AttributeValues v = values(attribute);
            c = new int[v.valueCount()];
            for (int i = 0; i < state.size(); i++) {
                c[v.valueOf[i]] += state.groupCount(i, gid);
            }
            byAttribute.put(attribute, c);
        }
        return c;
    }

    /** Keeps the counts current when a task of {@code gid} is added to (+1) or removed from (-1) instance i. */
    void onChange(int i, int gid, int delta) {
        Map<String, int[]> byAttribute = counts.get(gid);
        if (byAttribute == null) {
            return;
        }
        for (Map.Entry<String, int[]> e : byAttribute.entrySet()) {
            e.getValue()[attributes.get(e.getKey()).valueOf[i]] += delta;
        }
    }
}
