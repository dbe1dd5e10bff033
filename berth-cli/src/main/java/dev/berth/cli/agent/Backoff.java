package dev.berth.cli.agent;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for an agent that cannot reach its server: the n-th consecutive
 * failure waits a random time between half and all of {@code min(max, initial * 2^n)}. The jitter
 * keeps a fleet of agents from reconnecting in lock-step after a server restart; the floor of half
 * keeps one agent from hammering. Not thread-safe: one agent loop owns one instance.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The delay before the next attempt, counting one more failure. */
    public Duration next() {
        long cap = max.toMillis();
        long base = initial.toMillis() << Math.min(failures, 30);
        long ceiling = base <= 0 || base > cap ? cap : base;
        failures++;
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
    }

    /** Forgets past failures after a success. */
    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
