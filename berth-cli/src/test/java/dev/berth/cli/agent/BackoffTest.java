package dev.berth.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void growsExponentiallyWithJitterUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(7));
        long[] ceilings = {100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (long ceiling : ceilings) {
            long d = b.next().toMillis();
            assertThat(d).isBetween(ceiling / 2, ceiling);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(b.next().toMillis()).isBetween(1000L, 2000L);
        }
        b.reset();
        assertThat(b.failures()).isZero();
        assertThat(b.next().toMillis()).isBetween(50L, 100L);
    }

    @Test
    void jitterSpreadsAFleet() {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int seed = 0; seed < 50; seed++) {
            Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(seed));
            long d = b.next().toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(max - min)
                .as("50 agents do not all retry at the same instant")
                .isGreaterThan(200);
    }
}
