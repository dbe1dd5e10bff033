package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the AWS CLI test scripts ({@code src/test/resources/cli/<name>.sh}, which source
 * {@code cli/lib.sh}) against a test server with the real AWS CLI ({@code /usr/bin/aws}, or
 * {@code BERTH_AWS_CLI}). The CLI is a prerequisite that scripts/test installs: when it is missing
 * the test fails, it never skips. The script's output is kept in {@code target/aws-cli-<name>.log}.
 */
final class CliScripts {

    private CliScripts() {}

    /** Runs the script to its end and returns its output; fails the test unless it exits 0 within {@code timeoutSeconds}. */
    static String run(TestServer server, String name, Map<String, String> env, long timeoutSeconds) throws Exception {
        String aws = System.getenv().getOrDefault("BERTH_AWS_CLI", "/usr/bin/aws");
        assertThat(new File(aws).canExecute())
                .as("the AWS CLI at %s is executable (scripts/test installs the awscli package)", aws)
                .isTrue();
        Path script =
                Path.of(CliScripts.class.getResource("/cli/" + name + ".sh").toURI());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("AWS", aws);
        pb.environment().put("ENDPOINT", server.endpoint().toString());
        pb.environment()
                .put(
                        "AWS_SHARED_CREDENTIALS_FILE",
                        server.dataDir().resolve("credentials").toString());
        pb.environment().remove("AWS_ACCESS_KEY_ID");
        pb.environment().remove("AWS_SECRET_ACCESS_KEY");
        pb.environment().remove("AWS_PROFILE");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS))
                .as("%s.sh finished within %d s", name, timeoutSeconds)
                .isTrue();
        Files.writeString(Path.of("target", "aws-cli-" + name + ".log"), out);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
