package dev.berth.store;

import java.util.List;

/** One page of a {@link Transaction#scan}: the entries and, when more remain, the key to resume after. */
public record Page(List<Entry> entries, String nextKey) {

    public Page {
        entries = List.copyOf(entries);
    }

    public boolean hasMore() {
        return nextKey != null;
    }
}
