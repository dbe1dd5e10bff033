package dev.berth.registry.meta;

/**
 * A tag of one repository pointing at a manifest (kind {@code ecr-tag}, key {@code <repository>:<tag>};
 * repository names never contain {@code :}, so a scan with prefix {@code <repository>:} lists exactly
 * that repository's tags, in tag order).
 *
 * @param updatedAt when the tag was last moved, epoch millis
 */
public record TagRecord(String tag, String digest, long updatedAt) {}
