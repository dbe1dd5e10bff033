package dev.berth.ecs.agent;

import dev.berth.model.error.AwsException;
import dev.berth.model.objects.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container's {@code environmentFiles} ({@code {"value": "arn:aws:s3:::bucket/key.env", "type": "s3"}}),
 * fetched from Berth's object endpoint and parsed the way the ECS agent parses them: each line is
 * trimmed; lines starting with {@code #} and lines without {@code =} are ignored; a line is split at
 * its first {@code =}, and is ignored when the name or the value is empty; no quotes or escapes are
 * processed. Within a file a later line wins; across files the first file that sets a variable wins
 * (the agent only adds variables not yet set), and the container's {@code environment} wins over all
 * files. Values are never logged; failure messages name the ARN and the S3 error only.
 */
public final class EnvironmentFiles {

    /** Prefix of the stoppedReason ECS gives a task whose environment files cannot be fetched. */
    public static final String REASON_PREFIX = "ResourceInitializationError: failed to download env files: ";
    /** Largest environment file Berth fetches (the values travel in the agent's long-poll answer). */
    public static final int MAX_FILE_BYTES = 1024 * 1024;

    /** Why an environment file could not be used; the message is the task's stoppedReason. */
    public static final class Unresolvable extends Exception {
        Unresolvable(String detail) {
            super(REASON_PREFIX + detail, null, false, false);
        }
    }

    private final ObjectReader source;

    public EnvironmentFiles(ObjectReader source) {
        this.source = source;
    }

    /** The variables of one container's files, merged in ECS's order (the first file to set a name wins). */
    public Map<String, String> resolve(Iterable<com.fasterxml.jackson.databind.JsonNode> files) throws Unresolvable {
        Map<String, String> merged = new LinkedHashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode f : files) {
            String arn = f.path("value").asText("");
            String type = f.path("type").asText("s3");
            if (!type.equals("s3")) {
                throw new Unresolvable("unsupported environment file type " + type);
            }
            String[] location = parseArn(arn);
            byte[] bytes;
            try {
                bytes = source.read(location[0], location[1], MAX_FILE_BYTES);
            } catch (AwsException e) {
                throw new Unresolvable("file download command: non empty error stream: service call has failed: "
                        + e.code() + ": " + e.getMessage() + " (" + arn + ")");
            } catch (IOException e) {
                throw new Unresolvable("unable to read environment file " + arn + ": " + e.getMessage());
            }
            parse(new String(bytes, StandardCharsets.UTF_8)).forEach(merged::putIfAbsent);
        }
        return merged;
    }

    /** {@code arn:aws:s3:::bucket/key} to {bucket, key}. */
    static String[] parseArn(String arn) throws Unresolvable {
        String prefix = "arn:aws:s3:::";
        int slash = arn.startsWith(prefix) ? arn.indexOf('/', prefix.length()) : -1;
        if (slash <= prefix.length() || slash == arn.length() - 1) {
            throw new Unresolvable("unable to parse bucket and key from s3 ARN specified in environmentFile " + arn);
        }
        return new String[] {arn.substring(prefix.length(), slash), arn.substring(slash + 1)};
    }

    /** One file's variables, as the ECS agent reads an env file. */
    public static Map<String, String> parse(String text) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String raw : text.split("\\r?\\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || line.indexOf('=') < 0) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (!name.isEmpty() && !value.isEmpty()) {
                vars.put(name, value);
            }
        }
        return vars;
    }
}
