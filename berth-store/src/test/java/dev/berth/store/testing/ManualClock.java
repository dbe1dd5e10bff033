package dev.berth.store.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when the test says so: time-dependent behaviour (heartbeats, sweeps) tested without sleeping. */
public final class ManualClock extends Clock {
    public final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    @Override
    public ZoneOffset getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }
}
