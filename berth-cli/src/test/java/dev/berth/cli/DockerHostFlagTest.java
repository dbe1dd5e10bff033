package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --docker-host} on {@code berth server} and {@code berth agent}: a value Berth cannot use is a
 * usage error (exit code 2) naming the value and what works, before anything starts.
 */
class DockerHostFlagTest {

    static int run(Object command, StringWriter err, String... args) {
        CommandLine cmd = new CommandLine(command);
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void theServerRefusesAnUnusableDockerHost() throws Exception {
        StringWriter err = new StringWriter();
        int code = run(
                new ServerCommand(),
                err,
                "--data-dir",
                Files.createTempDirectory("berth-flag").toString(),
                "--docker-host",
                "ssh://me@build-host");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("'ssh://me@build-host'").contains("unix:// or tcp:// only");
    }

    @Test
    void theAgentRefusesAnUnusableDockerHost() throws Exception {
        StringWriter err = new StringWriter();
        int code = run(
                new AgentCommand(),
                err,
                "--server",
                "http://127.0.0.1:1",
                "--token",
                "t",
                "--data-dir",
                Files.createTempDirectory("berth-flag").toString(),
                "--docker-host",
                "unix://docker.sock");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("'unix://docker.sock'").contains("absolute path");
    }
}
