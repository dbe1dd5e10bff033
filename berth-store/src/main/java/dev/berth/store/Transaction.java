package dev.berth.store;

import java.util.Optional;

/**
 * The operations available inside one {@link StateStore} transaction.
 *
 * <p>Kinds are short lower-case names ({@code [a-z0-9-]{1,64}}); keys are non-empty strings of at
 * most 1024 characters; documents are JSON text. Implementations reject anything else with an
 * {@link IllegalArgumentException}: callers validate user input before it reaches the store.
 * In detail: keys (and counter names, and key prefixes) must also be at most 2048 bytes in UTF-8
 * (PostgreSQL cannot index longer ones) and contain no NUL and no unpaired surrogate; documents
 * must be non-blank, at most 1,048,576 characters and contain no NUL; scan limits are 1 to 10,000;
 * expected versions are at least 1. The store does not parse the JSON.
 *
 * <p>A version counts the writes of one document since it was created; deleting a document and
 * inserting it again starts again at 1. Write methods and {@link #getForUpdate} called in a
 * read-only transaction throw {@link IllegalStateException}, as does any call after the
 * transaction's work has returned. A {@code Transaction} belongs to the thread running the work.
 */
public interface Transaction {

    /** The document stored under kind/key, if any. */
    Optional<Entry> get(String kind, String key);

    /**
     * Like {@link #get} but also locks the row until the transaction ends, so a read-modify-write
     * of that document is not interleaved with another transaction's. A missing document locks
     * nothing (use {@link #insert} to claim a key).
     */
    Optional<Entry> getForUpdate(String kind, String key);

    /**
     * Documents of {@code kind} whose key starts with {@code keyPrefix} (empty = all) and sorts
     * strictly after {@code afterKey} (null = from the start), in ascending key order, at most
     * {@code limit} of them. {@link Page#nextKey()} is the last key returned when more remain.
     * The prefix matches literally: {@code %}, {@code _} and {@code \} have no special meaning.
     */
    Page scan(String kind, String keyPrefix, String afterKey, int limit);

    /** How many documents of {@code kind} have a key starting with {@code keyPrefix}. */
    long count(String kind, String keyPrefix);

    /** Stores a new document; returns false (and changes nothing) if kind/key already exists. */
    boolean insert(String kind, String key, String json);

    /** Stores the document whether or not it exists; returns its new version. */
    long put(String kind, String key, String json);

    /**
     * Replaces the document only if its current version is {@code expectedVersion}; returns false
     * (and changes nothing) otherwise or if it does not exist.
     */
    boolean replace(String kind, String key, long expectedVersion, String json);

    /** Removes the document; returns false if it did not exist. */
    boolean delete(String kind, String key);

    /**
     * Atomically increments the named counter (creating it at 0 first) and returns the new value.
     * The counter stays locked until the transaction ends, so two transactions never see the same
     * value, and a rolled-back increment is not observed by anyone.
     */
    long increment(String counter);
}
