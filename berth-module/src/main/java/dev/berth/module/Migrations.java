package dev.berth.module;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.store.StateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the modules' {@link DocumentMigration}s that have not run against this store yet. Each runs
 * in one transaction together with its record (kind {@code migration}, key = id), so a crash leaves
 * it either applied and recorded or neither; several servers sharing a PostgreSQL store may start at
 * once, and the record's insert makes all but one of them skip it.
 */
public final class Migrations {

    /** The document kind recording applied migrations. */
    public static final String KIND = "migration";

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private final StateStore store;
    private final ObjectMapper mapper;
    private final Clock clock;

    public Migrations(StateStore store, ObjectMapper mapper, Clock clock) {
        this.store = store;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Runs the pending ones in order; returns the ids it applied. */
    public List<String> apply(List<DocumentMigration> migrations) {
        List<String> applied = new ArrayList<>();
        for (DocumentMigration m : migrations) {
            boolean ran = store.transact(tx -> {
                boolean recorded = tx.insert(
                        KIND,
                        m.id(),
                        mapper.createObjectNode()
                                .put("id", m.id())
                                .put("description", m.description())
                                .put("appliedAt", clock.instant().toString())
                                .toString());
                if (!recorded) {
                    return false; // applied before, or by another server right now
                }
                m.work().accept(tx);
                return true;
            });
            if (ran) {
                LOG.info("applied document migration {}: {}", m.id(), m.description());
                applied.add(m.id());
            }
        }
        return applied;
    }
}
