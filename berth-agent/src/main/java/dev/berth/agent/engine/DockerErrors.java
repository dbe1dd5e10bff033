package dev.berth.agent.engine;

import com.github.dockerjava.api.exception.DockerException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns docker-java exceptions into the text ECS puts in a container's {@code reason}
 * ("Error response from daemon: ..."), without docker-java's "Status 500: {json}" wrapping.
 */
final class DockerErrors {
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private DockerErrors() {}

    static String describe(Throwable e) {
        String text = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().strip();
        if (e instanceof DockerException) {
            Matcher m = MESSAGE.matcher(text);
            if (m.find()) {
                return "Error response from daemon: "
                        + m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
        }
        return text;
    }
}
