package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The S3-compatible object endpoint with the real AWS CLI against a real server:
 * {@code src/test/resources/cli/s3.sh} (aws s3 mb/cp/ls/rm/rb/presign, s3api put/get/head/list/copy,
 * a 20 MiB multipart round trip with identical bytes and S3's ETag, S3's errors). Fails rather than
 * skips when the CLI is missing.
 */
class S3CliIT extends WithServer {

    @Test
    void theS3TourWorksWithTheAwsCli() throws Exception {
        String out = CliScripts.run(server, "s3", Map.of(), 420);
        assertThat(out).contains("s3 tour complete");
    }
}
