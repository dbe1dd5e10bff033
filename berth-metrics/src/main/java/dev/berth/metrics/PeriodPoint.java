package dev.berth.metrics;

import java.time.Instant;

/**
 * One answered period: its start, the unit of the data, and the aggregate of every sample in it.
 * Statistics come from {@link Aggregate#statistic}.
 */
public record PeriodPoint(Instant timestamp, StandardUnit unit, Aggregate aggregate) {

    public Double statistic(Statistic s) {
        return aggregate.statistic(s);
    }
}
