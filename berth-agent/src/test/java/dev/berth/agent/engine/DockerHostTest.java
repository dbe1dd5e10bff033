package dev.berth.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DOCKER_HOST as the docker CLI and the ECS agent read it: which values Berth takes, and what they mean. */
class DockerHostTest {

    @Test
    void unsetOrEmptyMeansTheDefaultSocket() {
        assertThat(DockerHost.parse(null, false)).isEqualTo(URI.create("unix:///var/run/docker.sock"));
        assertThat(DockerHost.parse("", false)).isEqualTo(DockerHost.DEFAULT);
        assertThat(DockerHost.parse("  ", true)).isEqualTo(DockerHost.DEFAULT);
    }

    @Test
    void unixSocketsNeedAnAbsolutePath() {
        assertThat(DockerHost.parse("unix:///run/user/1000/docker.sock", false))
                .isEqualTo(URI.create("unix:///run/user/1000/docker.sock"));
        assertThat(DockerHost.parse(" UNIX:///var/run/docker.sock ", false)).isEqualTo(DockerHost.DEFAULT);
        assertThatThrownBy(() -> DockerHost.parse("unix://docker.sock", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'unix://docker.sock'")
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> DockerHost.parse("unix://", false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tcpTakesTheDockerDefaultPorts() {
        assertThat(DockerHost.parse("tcp://10.0.0.5:2375", false)).isEqualTo(URI.create("tcp://10.0.0.5:2375"));
        assertThat(DockerHost.parse("tcp://docker.internal", false))
                .isEqualTo(URI.create("tcp://docker.internal:2375"));
        assertThat(DockerHost.parse("tcp://docker.internal", true))
                .as("DOCKER_TLS_VERIFY set: the TLS port")
                .isEqualTo(URI.create("tcp://docker.internal:2376"));
        assertThat(DockerHost.parse("tcp://127.0.0.1:12375/", false)).isEqualTo(URI.create("tcp://127.0.0.1:12375"));
        assertThat(DockerHost.parse("tcp://:2375", false)).isEqualTo(URI.create("tcp://localhost:2375"));
        assertThat(DockerHost.parse("tcp://[::1]:2375", false)).isEqualTo(URI.create("tcp://[::1]:2375"));
    }

    @Test
    void otherSchemesAndMalformedValuesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> DockerHost.parse("ssh://me@host", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unix:// or tcp:// only");
        assertThatThrownBy(() -> DockerHost.parse("npipe:////./pipe/docker_engine", false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DockerHost.parse("/var/run/docker.sock", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no scheme");
        assertThatThrownBy(() -> DockerHost.parse("tcp://host:99999", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1-65535");
        assertThatThrownBy(() -> DockerHost.parse("tcp://host:", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DockerHost.parse("tcp://host:2375/v1.41", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path");
        assertThatThrownBy(() -> DockerHost.parse("tcp://user@host:2375", false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFlagWinsOverDockerHostWhichWinsOverTheDefault() {
        Map<String, String> env = Map.of("DOCKER_HOST", "unix:///run/user/1000/docker.sock");
        assertThat(DockerHost.resolve(null, env)).isEqualTo(URI.create("unix:///run/user/1000/docker.sock"));
        assertThat(DockerHost.resolve("", env)).isEqualTo(URI.create("unix:///run/user/1000/docker.sock"));
        assertThat(DockerHost.resolve("tcp://10.0.0.5", env)).isEqualTo(URI.create("tcp://10.0.0.5:2375"));
        assertThat(DockerHost.resolve(null, Map.of())).isEqualTo(DockerHost.DEFAULT);
        assertThat(DockerHost.resolve(null, Map.of("DOCKER_HOST", "", "DOCKER_TLS_VERIFY", "1")))
                .isEqualTo(DockerHost.DEFAULT);
        assertThat(DockerHost.resolve("tcp://h", Map.of("DOCKER_TLS_VERIFY", "1")))
                .isEqualTo(URI.create("tcp://h:2376"));
        assertThat(DockerHost.resolve("tcp://h", Map.of("DOCKER_TLS_VERIFY", "")))
                .as("an empty DOCKER_TLS_VERIFY is unset, as for the docker CLI")
                .isEqualTo(URI.create("tcp://h:2375"));
    }

    @Test
    void anEngineThatIsNotThereHasNoVersion() throws Exception {
        Path dir = Files.createTempDirectory("berth-docker-host");
        URI missing = URI.create("unix://" + dir.resolve("docker.sock"));
        assertThat(DockerHost.version(missing, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void theLocalEngineSaysItsVersion() {
        var v = DockerHost.version(DockerHost.DEFAULT, Duration.ofSeconds(5)).orElseThrow();
        assertThat(v.apiVersion()).matches("1\\.\\d+");
        assertThat(v.version()).isNotBlank();
    }
}
