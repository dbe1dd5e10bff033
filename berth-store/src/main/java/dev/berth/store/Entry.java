package dev.berth.store;

/** One stored document: its name, its current version (starting at 1) and its JSON text. */
public record Entry(String kind, String key, long version, String json) {}
