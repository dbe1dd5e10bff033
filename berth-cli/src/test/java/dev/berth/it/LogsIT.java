package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.OrderBy;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * CloudWatch Logs through the front door with the AWS SDK for Java v2: signing name {@code logs},
 * the model's validation, errors as the SDK's typed exceptions, limits, paginators.
 */
class LogsIT extends WithServer {

    static CloudWatchLogsClient logs;

    @BeforeAll
    static void client() {
        logs = server.logs();
    }

    @AfterAll
    static void closeClient() {
        logs.close();
    }

    static List<InputLogEvent> events(long ts, int n, String text) {
        List<InputLogEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(InputLogEvent.builder()
                    .timestamp(ts)
                    .message(text + " " + i)
                    .build());
        }
        return out;
    }

    @Test
    void errorsAreTheModelsExceptions() {
        logs.createLogGroup(r -> r.logGroupName("/it/errors").tags(Map.of("team", "it")));
        assertThatThrownBy(() -> logs.createLogGroup(r -> r.logGroupName("/it/errors")))
                .isInstanceOf(ResourceAlreadyExistsException.class);
        assertThatThrownBy(() ->
                        logs.createLogStream(r -> r.logGroupName("/it/none").logStreamName("s")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("The specified log group does not exist.");
        assertThatThrownBy(() -> logs.createLogGroup(r -> r.logGroupName("bad name!")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("logGroupName");
        assertThatThrownBy(() ->
                        logs.createLogStream(r -> r.logGroupName("/it/errors").logStreamName("a:b")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> logs.putRetentionPolicy(
                        r -> r.logGroupName("/it/errors").retentionInDays(2)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("enum value set");
        assertThatThrownBy(() -> logs.describeLogGroups(r -> r.limit(51)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() ->
                        logs.filterLogEvents(r -> r.logGroupName("/it/errors").filterPattern("{ $.a = ")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageStartingWith("Invalid filter pattern");
        assertThatThrownBy(() -> logs.startQuery(r -> r.logGroupName("/it/errors")
                        .queryString("fields @message")
                        .startTime(0L)
                        .endTime(1L)))
                .isInstanceOfSatisfying(SdkServiceException.class, e -> assertThat(e.getMessage())
                        .contains("does not implement"));
        logs.putRetentionPolicy(r -> r.logGroupName("/it/errors").retentionInDays(14));
        assertThat(logs.describeLogGroups(r -> r.logGroupNamePrefix("/it/errors"))
                        .logGroups()
                        .getFirst()
                        .retentionInDays())
                .isEqualTo(14);
        assertThat(logs.listTagsLogGroup(r -> r.logGroupName("/it/errors")).tags())
                .containsEntry("team", "it");
    }

    @Test
    void putLogEventsLimits() {
        logs.createLogGroup(r -> r.logGroupName("/it/limits"));
        logs.createLogStream(r -> r.logGroupName("/it/limits").logStreamName("s"));
        long now = System.currentTimeMillis();
        assertThatThrownBy(() -> logs.putLogEvents(
                        r -> r.logGroupName("/it/limits").logStreamName("s").logEvents(events(now, 10_001, "x"))))
                .isInstanceOf(InvalidParameterException.class);
        PutLogEventsResponse ok = logs.putLogEvents(
                r -> r.logGroupName("/it/limits").logStreamName("s").logEvents(events(now, 10_000, "x")));
        assertThat(ok.rejectedLogEventsInfo()).isNull();
        String kb = "y".repeat(1024 - 26);
        List<InputLogEvent> mib = new ArrayList<>();
        for (int i = 0; i < 1025; i++) {
            mib.add(InputLogEvent.builder().timestamp(now).message(kb).build());
        }
        assertThatThrownBy(() -> logs.putLogEvents(
                        r -> r.logGroupName("/it/limits").logStreamName("s").logEvents(mib)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Upload too large");
        assertThatThrownBy(() -> logs.putLogEvents(r -> r.logGroupName("/it/limits")
                        .logStreamName("s")
                        .logEvents(
                                InputLogEvent.builder()
                                        .timestamp(now)
                                        .message("b")
                                        .build(),
                                InputLogEvent.builder()
                                        .timestamp(now - 1)
                                        .message("a")
                                        .build())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("chronological order");
        PutLogEventsResponse partly = logs.putLogEvents(r -> r.logGroupName("/it/limits")
                .logStreamName("s")
                .sequenceToken("anything at all")
                .logEvents(
                        InputLogEvent.builder().timestamp(now).message("now").build(),
                        InputLogEvent.builder()
                                .timestamp(now + 3 * 3600_000L)
                                .message("future")
                                .build()));
        assertThat(partly.rejectedLogEventsInfo().tooNewLogEventStartIndex()).isEqualTo(1);
        assertThatThrownBy(() -> logs.putLogEvents(
                        r -> r.logGroupName("/it/limits").logStreamName("none").logEvents(events(now, 1, "z"))))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("The specified log stream does not exist.");
    }

    @Test
    void paginatorsWalkEverything() {
        logs.createLogGroup(r -> r.logGroupName("/it/pages"));
        long now = System.currentTimeMillis() - 60_000;
        for (int s = 0; s < 7; s++) {
            String name = "stream-" + s;
            logs.createLogStream(r -> r.logGroupName("/it/pages").logStreamName(name));
            List<InputLogEvent> batch = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                batch.add(InputLogEvent.builder()
                        .timestamp(now + i * 7L + s)
                        .message((i % 50 == 0 ? "HIT " : "miss ") + s + "/" + i)
                        .build());
            }
            logs.putLogEvents(
                    r -> r.logGroupName("/it/pages").logStreamName(name).logEvents(batch));
        }
        assertThat(logs
                        .describeLogStreamsPaginator(
                                r -> r.logGroupName("/it/pages").limit(2))
                        .logStreams()
                        .stream()
                        .count())
                .isEqualTo(7);
        assertThat(logs.describeLogStreams(r -> r.logGroupName("/it/pages")
                                .orderBy(OrderBy.LAST_EVENT_TIME)
                                .descending(true))
                        .logStreams()
                        .getFirst()
                        .logStreamName())
                .isEqualTo("stream-6");
        List<FilteredLogEvent> all =
                logs.filterLogEventsPaginator(r -> r.logGroupName("/it/pages").limit(100)).events().stream()
                        .toList();
        assertThat(all).hasSize(2100);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).timestamp())
                    .isGreaterThanOrEqualTo(all.get(i - 1).timestamp());
        }
        assertThat(all.stream().map(FilteredLogEvent::eventId).distinct().count())
                .isEqualTo(2100);
        FilterLogEventsResponse hits = logs.filterLogEvents(
                r -> r.logGroupName("/it/pages").filterPattern("HIT").logStreamNamePrefix("stream-1"));
        assertThat(hits.events()).hasSize(6).allSatisfy(e -> assertThat(e.message())
                .startsWith("HIT 1/"));
        var head = logs.getLogEvents(r -> r.logGroupName("/it/pages")
                .logStreamName("stream-3")
                .startFromHead(true)
                .limit(100));
        var next = logs.getLogEvents(r -> r.logGroupName("/it/pages")
                .logStreamName("stream-3")
                .startFromHead(true)
                .nextToken(head.nextForwardToken())
                .limit(1000));
        assertThat(head.events()).hasSize(100);
        assertThat(next.events()).hasSize(200);
        assertThat(next.events().getFirst().message()).isEqualTo("HIT 3/100");
        logs.deleteLogStream(r -> r.logGroupName("/it/pages").logStreamName("stream-3"));
        assertThatThrownBy(
                        () -> logs.getLogEvents(r -> r.logGroupName("/it/pages").logStreamName("stream-3")))
                .isInstanceOf(ResourceNotFoundException.class);
        logs.deleteLogGroup(r -> r.logGroupName("/it/pages"));
        assertThatThrownBy(() -> logs.deleteLogGroup(r -> r.logGroupName("/it/pages")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(CloudWatchLogsException.class).isNotNull();
    }
}
