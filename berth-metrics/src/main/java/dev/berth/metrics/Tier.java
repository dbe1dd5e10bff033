package dev.berth.metrics;

/**
 * CloudWatch's retention schedule as storage tiers: each keeps buckets of one resolution for a
 * fixed time, in block files that each cover {@link #blockSeconds} so retention deletes whole files.
 *
 * <p>Every datapoint is aggregated into every tier at or above its storage resolution when it is
 * written (1 s data into all four, 60 s data from {@link #MINUTE} on), so a roll-up never has to
 * be computed later and late data lands in the roll-ups too.
 */
public enum Tier {
    SECOND(1, 3 * 3600L, 3600L),
    MINUTE(60, 15 * 86400L, 86400L),
    FIVE_MINUTES(300, 63 * 86400L, 7 * 86400L),
    HOUR(3600, 455 * 86400L, 30 * 86400L);

    /** Bucket width in seconds. */
    public final int resolution;
    /** How long buckets are kept, in seconds. */
    public final long retentionSeconds;
    /** The time span of one block file, in seconds (a multiple of {@link #resolution}). */
    public final long blockSeconds;

    Tier(int resolution, long retentionSeconds, long blockSeconds) {
        this.resolution = resolution;
        this.retentionSeconds = retentionSeconds;
        this.blockSeconds = blockSeconds;
    }

    long bucketStart(long epochSecond) {
        return Math.floorDiv(epochSecond, resolution) * resolution;
    }

    long blockStart(long epochSecond) {
        return Math.floorDiv(epochSecond, blockSeconds) * blockSeconds;
    }

    /** The first tier a datapoint of this storage resolution goes to. */
    static Tier first(int storageResolution) {
        return storageResolution == 1 ? SECOND : MINUTE;
    }
}
