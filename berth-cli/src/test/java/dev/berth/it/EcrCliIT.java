package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ECR API with the real AWS CLI ({@code /usr/bin/aws}, or {@code BERTH_AWS_CLI}) against a real
 * server: {@code src/test/resources/cli/ecr.sh}. Fails rather than skips when the CLI is missing.
 */
class EcrCliIT extends WithServer {

    @Test
    void theEcrTourWorksWithTheAwsCli() throws Exception {
        String out = CliScripts.run(server, "ecr", Map.of(), 420);
        assertThat(out).contains("ecr tour complete");
    }
}
