package dev.berth.ecs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void secretsAreRandomAndUrlSafe() {
        String a = Secrets.generate();
        assertThat(a).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(Secrets.generate());
        assertThat(Secrets.hex(32)).matches("[0-9a-f]{32}");
        assertThat(Secrets.hex(17)).matches("[0-9a-f]{17}");
    }

    @Test
    void hashesMatchOnlyTheirSecret() {
        String s = Secrets.generate();
        String h = Secrets.sha256Hex(s);
        assertThat(h).matches("[0-9a-f]{64}").doesNotContain(s);
        assertThat(Secrets.matchesHash(s, h)).isTrue();
        assertThat(Secrets.matchesHash(s + "x", h)).isFalse();
        assertThat(Secrets.matchesHash(null, h)).isFalse();
        assertThat(Secrets.matchesHash(s, "not-hex")).isFalse();
        assertThat(Secrets.equal("a", "a")).isTrue();
        assertThat(Secrets.equal("a", "b")).isFalse();
        assertThat(Secrets.equal(null, "a")).isFalse();
    }
}
