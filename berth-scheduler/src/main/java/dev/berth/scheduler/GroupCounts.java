package dev.berth.scheduler;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Number of tasks per task group on one instance, keyed by interned group id: a small
 * open-addressing int-to-int map, because a million tasks spread over ten thousand instances should
 * cost a few bytes per group per instance rather than boxed map entries. Entries that drop to zero
 * stay as tombstones with count 0 (groups come back; removal would complicate probing).
 */
final class GroupCounts {

    private static final int EMPTY = -1;
    private int[] keys = new int[4];
    private int[] counts = new int[4];
    private int used;

    GroupCounts() {
        Arrays.fill(keys, EMPTY);
    }

    int get(int group) {
        int mask = keys.length - 1;
        for (int slot = mix(group) & mask; ; slot = (slot + 1) & mask) {
            int k = keys[slot];
            if (k == group) {
                return counts[slot];
            }
            if (k == EMPTY) {
                return 0;
            }
        }
    }

    void add(int group, int delta) {
        if ((used + 1) * 4 > keys.length * 3) {
            grow();
        }
        int mask = keys.length - 1;
        for (int slot = mix(group) & mask; ; slot = (slot + 1) & mask) {
            int k = keys[slot];
            if (k == group) {
                counts[slot] += delta;
                return;
            }
            if (k == EMPTY) {
                keys[slot] = group;
                counts[slot] = delta;
                used++;
                return;
            }
        }
    }

    /** True if some group with at least one task satisfies the predicate. */
    boolean any(IntPredicate groupPredicate) {
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != EMPTY && counts[slot] > 0 && groupPredicate.test(keys[slot])) {
                return true;
            }
        }
        return false;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new int[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        used = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                add(oldKeys[i], oldCounts[i]);
            }
        }
    }

    private static int mix(int x) {
        return x * 0x9E3779B9 >>> 7;
    }
}
