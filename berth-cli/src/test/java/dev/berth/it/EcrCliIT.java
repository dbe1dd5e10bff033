package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ECR API with the real AWS CLI ({@code /usr/bin/aws}, or {@code BERTH_AWS_CLI}) against a real
 * server: {@code src/test/resources/cli/ecr.sh}. Fails rather than skips when the CLI is missing.
 */
class EcrCliIT extends WithServer {

    @Test
    void theEcrTourWorksWithTheAwsCli() throws Exception {
        String aws = System.getenv().getOrDefault("BERTH_AWS_CLI", "/usr/bin/aws");
        assertThat(new File(aws).canExecute()).as("the AWS CLI at %s is executable (scripts/test installs the awscli package)", aws).isTrue();
        Path script = Path.of(getClass().getResource("/cli/ecr.sh").toURI());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("AWS", aws);
        pb.environment().put("ENDPOINT", server.endpoint().toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", server.dataDir().resolve("credentials").toString());
        pb.environment().remove("AWS_ACCESS_KEY_ID");
        pb.environment().remove("AWS_SECRET_ACCESS_KEY");
        pb.environment().remove("AWS_PROFILE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(420, TimeUnit.SECONDS)).isTrue();
        Files.writeString(Path.of("target", "aws-cli-ecr.log"), out);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ecr tour complete");
    }
}
