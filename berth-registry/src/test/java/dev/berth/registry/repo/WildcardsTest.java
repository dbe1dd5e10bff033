package dev.berth.registry.repo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WildcardsTest {

    @Test
    void starsMatchAnyRunAndTheWholeTagMustMatch() {
        assertThat(Wildcards.matches("prod*", "prod-1")).isTrue();
        assertThat(Wildcards.matches("prod*", "prod")).isTrue();
        assertThat(Wildcards.matches("prod*", "preprod")).isFalse();
        assertThat(Wildcards.matches("*prod", "preprod")).isTrue();
        assertThat(Wildcards.matches("*test*1*2*3", "footest1bar2baz3")).isTrue();
        assertThat(Wildcards.matches("*test*1*2*3", "footest1bar2baz4")).isFalse();
        assertThat(Wildcards.matches("latest", "latest")).isTrue();
        assertThat(Wildcards.matches("latest", "latest2")).isFalse();
        assertThat(Wildcards.matches("*", "")).isTrue();
        assertThat(Wildcards.matches("a*b*c", "abc")).isTrue();
        assertThat(Wildcards.matches("a*b*c", "acb")).isFalse();
        assertThat(Wildcards.stars("*a*b*")).isEqualTo(3);
    }

    @Test
    void aHostilePatternStaysFast() {
        String text = "a".repeat(100_000);
        long t0 = System.nanoTime();
        assertThat(Wildcards.matches("*a*a*a*b", text)).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
    }
}
