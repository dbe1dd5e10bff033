package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The S3-compatible object endpoint with the real AWS CLI ({@code /usr/bin/aws}, or
 * {@code BERTH_AWS_CLI}) against a real server: {@code src/test/resources/cli/s3.sh} (aws s3
 * mb/cp/ls/rm/rb/presign, s3api put/get/head/list/copy, a 20 MiB multipart round trip, S3's errors).
 * Fails rather than skips when the CLI is missing.
 */
class S3CliIT extends WithServer {

    @Test
    void theS3TourWorksWithTheAwsCli() throws Exception {
        String aws = System.getenv().getOrDefault("BERTH_AWS_CLI", "/usr/bin/aws");
        assertThat(new File(aws).canExecute()).as("the AWS CLI at %s is executable (scripts/test installs the awscli package)", aws).isTrue();
        Path script = Path.of(getClass().getResource("/cli/s3.sh").toURI());
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
        Files.writeString(Path.of("target", "aws-cli-s3.log"), out);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("s3 tour complete");
    }
}
