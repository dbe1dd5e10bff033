package dev.berth.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.PullImageResultCallback;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A failed pull's error is kept for the puller's one WARN line instead of being logged by
 * docker-java at ERROR with a stack trace ("Error during callback"). The test logger (slf4j-simple)
 * writes to whatever {@code System.err} is at the time, so the test reads what was logged.
 */
class QuietPullCallbackTest {

    /** What {@code onError} writes to the log. */
    static String loggedBy(ResultCallback<?> callback, Throwable error) {
        PrintStream err = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            callback.onError(error);
        } finally {
            System.setErr(err);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anErrorCompletesThePullQuietlyAndIsKept() throws Exception {
        RuntimeException denied = new RuntimeException("pull access denied for team/app");
        assertThat(loggedBy(new PullImageResultCallback(), denied))
                .as("docker-java's own callback logs it (the reason for the quiet one)")
                .contains("Error during callback");

        var callback = new ImagePuller.QuietPullCallback();
        assertThat(loggedBy(callback, denied)).isEmpty();
        assertThat(loggedBy(callback, new RuntimeException("a later error"))).isEmpty();
        assertThat(callback.error).isSameAs(denied);
        boolean[] completed = {false};
        Throwable thrown = catchThrowable(() -> completed[0] = callback.awaitCompletion(1, TimeUnit.MILLISECONDS));
        assertThat(completed[0] || thrown instanceof RuntimeException)
                .as("the pull is over (awaitCompletion does not time out): " + thrown)
                .isTrue();
    }
}
