package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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

    private String runScript(String name) throws Exception {
        return CliScripts.run(server, name, Map.of(), 600);
    }
}
