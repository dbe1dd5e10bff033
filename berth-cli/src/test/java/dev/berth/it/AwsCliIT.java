package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's tour, and the KMS / SSM / Secrets Manager script, with the real AWS CLI ({@code /usr/bin/aws}, or {@code BERTH_AWS_CLI})
 * against a real server. The CLI is a prerequisite that scripts/test installs: when it is missing
 * this test fails rather than skipping.
 */
class AwsCliIT extends WithServer {

    @Test
    void theReadmeTourWorksWithTheAwsCli() throws Exception {
        assertThat(runScript("tour")).contains("tour complete");
    }

    @Test
    void cloudWatchLogsWorkWithTheAwsCli() throws Exception {
        assertThat(runScript("logs")).contains("logs tour complete");
    }

    @Test
    void kmsParametersAndSecretsWorkWithTheAwsCli() throws Exception {
        assertThat(runScript("secrets")).contains("secrets complete");
    }

    /** Runs {@code src/test/resources/cli/<name>.sh}; its output, which is also kept in target/aws-cli-<name>.log. */
    private String runScript(String name) throws Exception {
        String aws = System.getenv().getOrDefault("BERTH_AWS_CLI", "/usr/bin/aws");
        assertThat(new File(aws).canExecute()).as("the AWS CLI at %s is executable (scripts/test installs the awscli package)", aws).isTrue();
        Path script = Path.of(getClass().getResource("/cli/" + name + ".sh").toURI());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("AWS", aws);
        pb.environment().put("ENDPOINT", server.endpoint().toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", server.dataDir().resolve("credentials").toString());
        pb.environment().remove("AWS_ACCESS_KEY_ID");
        pb.environment().remove("AWS_SECRET_ACCESS_KEY");
        pb.environment().remove("AWS_PROFILE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        Files.writeString(Path.of("target", "aws-cli-" + name + ".log"), out);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
