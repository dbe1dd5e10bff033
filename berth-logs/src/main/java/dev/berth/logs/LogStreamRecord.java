package dev.berth.logs;

/**
 * A log stream as the state store keeps it (kind {@code logs-stream}, key = group id + ":" + name;
 * ':' cannot occur in group ids or stream names, so a prefix scan lists exactly one group's streams).
 *
 * @param id the directory of the stream's event files inside its group's directory
 */
public record LogStreamRecord(String name, String id, long creationTime) {}
