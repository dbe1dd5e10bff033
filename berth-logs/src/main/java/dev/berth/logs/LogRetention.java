package dev.berth.logs;

import dev.berth.store.StorePages;
import java.util.ArrayList;
import java.util.List;

/**
 * Enforces log groups' retention: deletes every segment file whose newest event is older than its
 * group's retention (reads already hide expired events of a partly expired segment). Run by the
 * server's housekeeping; the clock is the catalog's, so tests move time instead of waiting days.
 */
public final class LogRetention {

    private final LogCatalog catalog;

    public LogRetention(LogCatalog catalog) {
        this.catalog = catalog;
    }

    /** One sweep over every group with a retention policy; returns the bytes freed. */
    public long sweep() {
        long now = catalog.clock().millis();
        record Work(LogGroupRecord group, List<LogStreamRecord> streams) {}
        List<Work> work = new ArrayList<>();
        catalog.store().read(tx -> {
            List<LogGroupRecord> groups = new ArrayList<>();
            StorePages.forEach(tx, LogCatalog.GROUP, "", e -> {
                LogGroupRecord g = catalog.docs().read(e, LogGroupRecord.class);
                if (g.retentionInDays() != null) {
                    groups.add(g);
                }
            });
            for (LogGroupRecord g : groups) {
                List<LogStreamRecord> streams = new ArrayList<>();
                StorePages.forEach(
                        tx,
                        LogCatalog.STREAM,
                        g.id() + ":",
                        e -> streams.add(catalog.docs().read(e, LogStreamRecord.class)));
                work.add(new Work(g, streams));
            }
            return null;
        });
        long freed = 0;
        for (Work w : work) {
            long cutoff = w.group().expiryCutoff(now);
            for (LogStreamRecord s : w.streams()) {
                freed += catalog.log(w.group(), s).dropOlderThan(cutoff);
            }
        }
        return freed;
    }
}
