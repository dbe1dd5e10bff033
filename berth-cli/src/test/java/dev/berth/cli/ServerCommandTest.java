package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --lost-instance-timeout} reads seconds, or a number with s, m or h, and refuses anything else. */
class ServerCommandTest {

    @Test
    void durationsAreSecondsOrHaveAUnit() {
        assertThat(ServerCommand.parseDuration("--x", "300")).isEqualTo(Duration.ofSeconds(300));
        assertThat(ServerCommand.parseDuration("--x", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ServerCommand.parseDuration("--x", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ServerCommand.parseDuration("--x", "2h")).isEqualTo(Duration.ofHours(2));
        for (String bad : new String[] {"0", "-5m", "5d", "PT5M", ""}) {
            assertThatThrownBy(() -> ServerCommand.parseDuration("--lost-instance-timeout", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--lost-instance-timeout");
        }
    }
}
