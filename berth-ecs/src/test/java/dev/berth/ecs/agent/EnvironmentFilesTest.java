package dev.berth.ecs.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ECS agent's env-file rules: parsing, the order files merge in, and the failure reasons. */
class EnvironmentFilesTest {

    @Test
    void linesAreParsedAsTheEcsAgentParsesThem() {
        assertThat(EnvironmentFiles.parse(
                        "# comment\nA=1\n\n  B = two words  \nNOEQ\nEMPTY=\n=x\nC=a=b\nD=\"quoted\"\r\nA=3\n"))
                .containsExactly(
                        Map.entry("A", "3"),
                        Map.entry("B ", " two words"),
                        Map.entry("C", "a=b"),
                        Map.entry("D", "\"quoted\""));
    }

    @Test
    void theFirstFileToSetANameWinsAndMissingObjectsNameTheS3Error() throws Exception {
        Map<String, String> objects = Map.of("b/one.env", "X=from-one\nY=1\n", "b/two.env", "X=from-two\nZ=2\n");
        EnvironmentFiles files = new EnvironmentFiles((bucket, key, max) -> {
            if (!bucket.equals("b")) {
                throw new AwsException("NoSuchBucket", 404, "The specified bucket does not exist");
            }
            String v = objects.get(bucket + "/" + key);
            if (v == null) {
                throw new AwsException("NoSuchKey", 404, "The specified key does not exist.");
            }
            return v.getBytes(StandardCharsets.UTF_8);
        });
        ObjectMapper m = new ObjectMapper();
        var list = m.readTree("[{\"value\":\"arn:aws:s3:::b/one.env\",\"type\":\"s3\"},"
                + "{\"value\":\"arn:aws:s3:::b/two.env\",\"type\":\"s3\"}]");
        assertThat(files.resolve(list))
                .containsExactly(Map.entry("X", "from-one"), Map.entry("Y", "1"), Map.entry("Z", "2"));
        assertThatThrownBy(() -> files.resolve(m.readTree("[{\"value\":\"arn:aws:s3:::b/none.env\"}]")))
                .hasMessage(
                        "ResourceInitializationError: failed to download env files: file download command: non empty"
                                + " error stream: service call has failed: NoSuchKey: The specified key does not exist."
                                + " (arn:aws:s3:::b/none.env)");
        assertThatThrownBy(() -> files.resolve(m.readTree("[{\"value\":\"arn:aws:s3:::other/x.env\"}]")))
                .hasMessageContaining("NoSuchBucket");
        assertThatThrownBy(() -> files.resolve(m.readTree("[{\"value\":\"arn:aws:s3:::nokey\"}]")))
                .hasMessageStartingWith("ResourceInitializationError: failed to download env files: unable to parse");
    }
}
