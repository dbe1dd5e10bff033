package dev.berth.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTokensTest {

    @TempDir
    Path dataDir;

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00.700Z");

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    @Test
    void aPasswordNamesItsAccessKeyForTwelveHours() {
        RegistryTokens tokens = new RegistryTokens(dataDir, at(T0));
        RegistryTokens.Token token = tokens.issue("AKIAEXAMPLE");
        assertThat(token.expiresAt()).isEqualTo(Instant.parse("2026-11-27T22:00:00Z"));
        assertThat(token.password()).doesNotContain(":").matches("[A-Za-z0-9_.-]+");
        assertThat(tokens.verify(token.password())).contains("AKIAEXAMPLE");
        assertThat(new RegistryTokens(dataDir, at(T0.plus(Duration.ofHours(11)))).verify(token.password())).contains("AKIAEXAMPLE");
        assertThat(new RegistryTokens(dataDir, at(T0.plus(Duration.ofHours(12)))).verify(token.password())).isEmpty();
    }

    @Test
    void forgedDamagedOrForeignPasswordsAreRefused() {
        RegistryTokens tokens = new RegistryTokens(dataDir, at(T0));
        String good = tokens.issue("AKIAEXAMPLE").password();
        int dot = good.indexOf('.');
        String otherKey = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("AKIAOTHER." + (T0.getEpochSecond() + 43200)).getBytes());
        assertThat(tokens.verify(otherKey + good.substring(dot))).isEmpty();
        assertThat(tokens.verify(good.substring(0, good.length() - 2) + "AA")).isEmpty();
        assertThat(tokens.verify(good + ".x")).isEmpty();
        assertThat(tokens.verify("")).isEmpty();
        assertThat(tokens.verify("%%%.***")).isEmpty();
        assertThat(tokens.verify(null)).isEmpty();
        assertThat(new RegistryTokens(Path.of(dataDir.toString(), "elsewhere"), at(T0)).verify(good)).isEmpty();
    }

    @Test
    void theSecretIsAPrivateFileSharedByEveryInstanceOnTheDataDirectory() throws Exception {
        String password = new RegistryTokens(dataDir, at(T0)).issue("AKIAEXAMPLE").password();
        Path key = dataDir.resolve("registry").resolve("token.key");
        assertThat(Files.size(key)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(new RegistryTokens(dataDir, at(T0)).verify(password)).contains("AKIAEXAMPLE");
        assertThat(Files.list(key.getParent())).containsExactly(key);
    }
}
