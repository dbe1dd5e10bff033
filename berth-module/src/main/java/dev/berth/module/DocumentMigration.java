package dev.berth.module;

import dev.berth.store.Transaction;
import java.util.function.Consumer;

/**
 * A one-time rewrite of a module's documents when their shape changes between Berth versions. The
 * state store is a document store with one schema for all modules, so modules need no SQL
 * migrations; what changes is the JSON inside their kinds. {@link Migrations} applies each
 * migration once, in one transaction with the record that it ran, in the order contributed.
 *
 * @param id unique and stable forever, e.g. {@code ecs/2026-12-task-attachments}
 * @param description what it changes, for the log
 * @param work the rewrite; it runs inside the migration's transaction and must not open another
 */
public record DocumentMigration(String id, String description, Consumer<Transaction> work) {

    public DocumentMigration {
        if (id == null || id.isBlank() || id.length() > 200) {
            throw new IllegalArgumentException("a migration needs an id of 1 to 200 characters");
        }
    }
}
