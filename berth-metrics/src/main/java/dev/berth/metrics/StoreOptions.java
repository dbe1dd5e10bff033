package dev.berth.metrics;

import java.time.Duration;
import java.time.InstantSource;

/**
 * How a {@link MetricStore} runs.
 *
 * @param clock the time retention, "recently active" and the tier choice of queries are judged by
 * @param fsyncEachPut true: every {@link MetricStore#put} is fsynced before it returns (durable
 *     against power loss, one fsync per call); false (default): each put is written to the OS
 *     before it returns (survives a crash of the process) and fsynced every {@code syncInterval}
 *     (a power loss can lose that much)
 * @param syncInterval how often the background thread fsyncs the WAL when not fsyncing each put
 * @param checkpointInterval how often the head is written out as chunks and the WAL restarted
 * @param maxWalBytes a checkpoint also runs when the WAL grows past this
 * @param background false: no background thread; the caller calls {@link MetricStore#sync},
 *     {@link MetricStore#checkpoint} and {@link MetricStore#enforceRetention} (tests)
 */
public record StoreOptions(
        InstantSource clock,
        boolean fsyncEachPut,
        Duration syncInterval,
        Duration checkpointInterval,
        long maxWalBytes,
        boolean background) {

    public static StoreOptions defaults() {
        return new StoreOptions(
                InstantSource.system(), false, Duration.ofSeconds(1), Duration.ofHours(1), 256L << 20, true);
    }

    /** No background thread, the given clock: for tests and tools. */
    public static StoreOptions manual(InstantSource clock) {
        return new StoreOptions(clock, false, Duration.ofSeconds(1), Duration.ofHours(1), 256L << 20, false);
    }
}
