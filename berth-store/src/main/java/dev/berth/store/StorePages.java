package dev.berth.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The two ways API handlers walk a kind of documents in key order: one page of a list call
 * (filtering as it goes, so a page holds up to {@code max} matches however many documents are
 * skipped) and a walk over everything under a prefix.
 */
public final class StorePages {

    private static final int CHUNK = 500;

    private StorePages() {}

    /**
     * One page of results.
     *
     * @param items what {@code map} kept, in key order
     * @param resumeAfter the key to continue after, or null when nothing is left
     */
    public record Listing<T>(List<T> items, String resumeAfter) {}

    /**
     * Collects up to {@code max} items from the documents of {@code kind} under {@code prefix} after
     * {@code afterKey}; {@code map} turns a document into an item or skips it (empty).
     */
    public static <T> Listing<T> list(
            Transaction tx, String kind, String prefix, String afterKey, int max, Function<Entry, Optional<T>> map) {
        List<T> items = new ArrayList<>();
        String cursor = afterKey;
        while (true) {
            Page page = tx.scan(kind, prefix, cursor, Math.min(CHUNK, Math.max(1, max - items.size())));
            List<Entry> entries = page.entries();
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                map.apply(e).ifPresent(items::add);
                if (items.size() >= max) {
                    boolean more = page.hasMore() || i < entries.size() - 1;
                    return new Listing<>(items, more ? e.key() : null);
                }
            }
            if (!page.hasMore()) {
                return new Listing<>(items, null);
            }
            cursor = page.nextKey();
        }
    }

    /** Calls {@code each} for every document of {@code kind} under {@code prefix}, in key order. */
    public static void forEach(Transaction tx, String kind, String prefix, Consumer<Entry> each) {
        String cursor = null;
        while (true) {
            Page page = tx.scan(kind, prefix, cursor, CHUNK);
            page.entries().forEach(each);
            if (!page.hasMore()) {
                return;
            }
            cursor = page.nextKey();
        }
    }
}
