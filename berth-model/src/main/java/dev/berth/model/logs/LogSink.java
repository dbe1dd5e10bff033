package dev.berth.model.logs;

import dev.berth.model.error.AwsException;
import java.util.List;

/**
 * What ECS's side of the awslogs driver (berth-ecs) needs from CloudWatch Logs (berth-logs): open a
 * container's stream and store the lines an agent ships, with PutLogEvents's rules. berth-logs
 * implements it; the server wires it in, so neither module imports the other.
 */
public interface LogSink {

    /**
     * Creates the group (when {@code createGroup}) and the stream, both idempotently.
     *
     * @throws AwsException {@code ResourceNotFoundException} when the group does not exist and
     *     {@code createGroup} is false
     */
    void openStream(String group, String stream, boolean createGroup);

    /**
     * Stores a batch in the stream as PutLogEvents would (events sorted by the caller or not; the
     * batch rules of CloudWatch apply), creating group and stream as {@link #openStream} does.
     */
    Accepted put(String group, String stream, List<Event> events, boolean createGroup);

    /** One log line and its time in milliseconds since the epoch. */
    record Event(long timestamp, String message) {}

    /**
     * PutLogEvents's answer: the next sequence token and the {@code rejectedLogEventsInfo} indexes
     * (null when none of that kind was rejected).
     */
    record Accepted(
            String nextSequenceToken,
            Integer tooNewLogEventStartIndex,
            Integer tooOldLogEventEndIndex,
            Integer expiredLogEventEndIndex) {}
}
