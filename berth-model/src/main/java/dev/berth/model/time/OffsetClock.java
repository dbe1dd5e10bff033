package dev.berth.model.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system clock plus an offset that only moves forward. KMS, SSM and Secrets Manager take their
 * time from it, so that a test can let a secret's recovery window or a key's rotation period pass
 * (then run the same housekeeping job the server schedules) without touching the clock that SigV4
 * signatures are checked against. In production the offset stays zero. Thread-safe.
 */
public final class OffsetClock extends Clock {

    private final Clock base;
    private final AtomicLong offsetMillis = new AtomicLong();

    public OffsetClock(Clock base) {
        this.base = base;
    }

    /** Moves this clock forward by {@code d} (tests). */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        offsetMillis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("OffsetClock is always UTC");
    }

    @Override
    public long millis() {
        return base.millis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
