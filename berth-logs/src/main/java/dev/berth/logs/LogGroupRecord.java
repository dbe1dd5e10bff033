package dev.berth.logs;

import java.util.Map;
import java.util.TreeMap;

/**
 * A log group as the state store keeps it (kind {@code logs-group}, key = name).
 *
 * @param id the directory of the group's event files under {@code <data-dir>/logs/}, fresh per creation
 * @param retentionInDays null = never expire
 */
public record LogGroupRecord(
        String name, String id, long creationTime, Integer retentionInDays, Map<String, String> tags) {

    public LogGroupRecord {
        tags = tags == null ? Map.of() : new TreeMap<>(tags);
    }

    public LogGroupRecord withRetention(Integer days) {
        return new LogGroupRecord(name, id, creationTime, days, tags);
    }

    public LogGroupRecord withTags(Map<String, String> newTags) {
        return new LogGroupRecord(name, id, creationTime, retentionInDays, newTags);
    }

    /** Events with a timestamp before this are expired (Long.MIN_VALUE when the group keeps everything). */
    public long expiryCutoff(long now) {
        return retentionInDays == null ? Long.MIN_VALUE : now - retentionInDays * 86_400_000L;
    }
}
