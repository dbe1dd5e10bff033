package dev.berth.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.logs.files.LogFiles;
import dev.berth.model.Platform;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.Jsons;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Logs operations against a real embedded store and real segment files, with a clock the test
 * moves: retention (rejected at ingest, hidden from reads, deleted from disk), PutLogEvents rules,
 * GetLogEvents tokens and FilterLogEvents pages.
 */
class LogsApiTest {

    static final CallContext CALL = new CallContext("r", "AKID", "000000000000", "us-east-1");
    static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    StateStore store;
    LogFiles files;
    ManualClock clock = new ManualClock();
    ObjectMapper mapper = Jsons.newMapper();
    Map<String, JsonOperation> ops = new HashMap<>();
    LogRetention retention;

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir.resolve("state"), 2);
        files = new LogFiles(dir.resolve("logs"));
        LogCatalog catalog =
                new LogCatalog(store, new Documents(mapper), new Platform("000000000000", "us-east-1"), clock, files);
        LogGroupApi groups = new LogGroupApi(catalog);
        LogStreamApi streams = new LogStreamApi(catalog);
        ops.putAll(groups.operations());
        ops.putAll(streams.operations());
        ops.putAll(new LogEventApi(catalog, groups, streams).operations());
        retention = new LogRetention(catalog);
    }

    @AfterEach
    void close() {
        files.close();
        store.close();
    }

    JsonNode call(String op, String json) {
        try {
            JsonNode out = ops.get(op).handle(CALL, (ObjectNode) mapper.readTree(json));
            return out == null ? mapper.createObjectNode() : out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode put(String group, String stream, long... timestamps) {
        ObjectNode in = mapper.createObjectNode().put("logGroupName", group).put("logStreamName", stream);
        ArrayNode events = in.putArray("logEvents");
        for (long ts : timestamps) {
            events.addObject().put("timestamp", ts).put("message", "m" + ts);
        }
        return ops.get("PutLogEvents").handle(CALL, in);
    }

    static List<String> messages(JsonNode out) {
        List<String> m = new ArrayList<>();
        out.path("events").forEach(e -> m.add(e.path("message").asText()));
        return m;
    }

    AwsException error(Runnable r) {
        try {
            r.run();
        } catch (AwsException e) {
            return e;
        }
        throw new AssertionError("no error");
    }

    long segmentFiles() throws Exception {
        try (Stream<Path> walk = Files.walk(dir.resolve("logs"))) {
            return walk.filter(p -> p.toString().endsWith(".seg")).count();
        }
    }

    @Test
    void logGroupsAreOfClassStandardOnly() {
        call("CreateLogGroup", "{\"logGroupName\": \"std\", \"logGroupClass\": \"STANDARD\"}");
        call("CreateLogGroup", "{\"logGroupName\": \"plain\"}");
        assertThat(error(() -> call(
                                "CreateLogGroup",
                                "{\"logGroupName\": \"ia\", \"logGroupClass\": \"INFREQUENT_ACCESS\"}"))
                        .code())
                .isEqualTo("InvalidParameterException");
        assertThat(call("DescribeLogGroups", "{\"logGroupClass\": \"STANDARD\"}")
                        .path("logGroups"))
                .hasSize(2);
        assertThat(call("DescribeLogGroups", "{\"logGroupClass\": \"INFREQUENT_ACCESS\"}")
                        .path("logGroups"))
                .isEmpty();
        assertThat(call("DescribeLogGroups", "{}")
                        .path("logGroups")
                        .get(0)
                        .path("logGroupClass")
                        .asText())
                .isEqualTo("STANDARD");
    }

    @Test
    void retentionRejectsHidesAndDeletesOldEvents() throws Exception {
        call("CreateLogGroup", "{\"logGroupName\":\"/app\"}");
        call("CreateLogStream", "{\"logGroupName\":\"/app\",\"logStreamName\":\"s\"}");
        long t0 = clock.millis();
        put("/app", "s", t0 - 10, t0 - 5, t0);
        clock.advance(Duration.ofDays(1));
        put("/app", "s", clock.millis());
        assertThat(segmentFiles()).isEqualTo(2);

        call("PutRetentionPolicy", "{\"logGroupName\":\"/app\",\"retentionInDays\":1}");
        clock.advance(Duration.ofHours(2));
        // the first day's events are now past retention: hidden from reads before the sweep runs
        assertThat(messages(call(
                        "GetLogEvents", "{\"logGroupName\":\"/app\",\"logStreamName\":\"s\",\"startFromHead\":true}")))
                .containsExactly("m" + (t0 + DAY));
        assertThat(messages(call("FilterLogEvents", "{\"logGroupName\":\"/app\"}")))
                .containsExactly("m" + (t0 + DAY));
        // and refused at ingest
        JsonNode r = put("/app", "s", t0 + 3600_000L, t0 + DAY);
        assertThat(r.path("rejectedLogEventsInfo")
                        .path("expiredLogEventEndIndex")
                        .asInt())
                .isEqualTo(1);
        assertThat(r.path("rejectedLogEventsInfo").has("tooOldLogEventEndIndex"))
                .isFalse();

        assertThat(retention.sweep()).isPositive();
        assertThat(segmentFiles()).isEqualTo(1);
        assertThat(retention.sweep()).isZero();

        call("DeleteRetentionPolicy", "{\"logGroupName\":\"/app\"}");
        assertThat(call("DescribeLogGroups", "{}").path("logGroups").get(0).has("retentionInDays"))
                .isFalse();
        clock.advance(Duration.ofDays(30));
        assertThat(retention.sweep()).isZero();
        assertThat(messages(call("FilterLogEvents", "{\"logGroupName\":\"/app\"}")))
                .hasSize(2);
    }

    @Test
    void putLogEventsRules() {
        call("CreateLogGroup", "{\"logGroupName\":\"g\"}");
        call("CreateLogStream", "{\"logGroupName\":\"g\",\"logStreamName\":\"s\"}");
        long now = clock.millis();
        assertThat(error(() -> put("g", "s", now, now - 1)).getMessage())
                .isEqualTo("Log events in a single PutLogEvents request must be in chronological order.");
        assertThat(error(() -> put("g", "s", now - DAY - 1, now)).getMessage())
                .isEqualTo("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        AwsException missing = error(() -> put("nope", "s", now));
        assertThat(missing.code()).isEqualTo("ResourceNotFoundException");
        assertThat(missing.getMessage()).isEqualTo("The specified log group does not exist.");
        assertThat(error(() -> put("g", "nope", now)).getMessage())
                .isEqualTo("The specified log stream does not exist.");

        ObjectNode big = mapper.createObjectNode().put("logGroupName", "g").put("logStreamName", "s");
        ArrayNode events = big.putArray("logEvents");
        String kb = "x".repeat(1024 - 26);
        for (int i = 0; i < 1024; i++) {
            events.addObject().put("timestamp", now).put("message", kb);
        }
        assertThat(ops.get("PutLogEvents").handle(CALL, big).has("rejectedLogEventsInfo"))
                .isFalse(); // exactly 1 MiB
        events.addObject().put("timestamp", now).put("message", "y");
        assertThat(error(() -> ops.get("PutLogEvents").handle(CALL, big)).getMessage())
                .startsWith("Upload too large");

        long hour = 3600_000L;
        JsonNode old = put("g", "s", now - 14 * DAY - 2 * hour, now - 14 * DAY - hour, now - 14 * DAY + hour);
        assertThat(old.path("rejectedLogEventsInfo")
                        .path("tooOldLogEventEndIndex")
                        .asInt())
                .isEqualTo(2);
        assertThat(old.path("rejectedLogEventsInfo").has("tooNewLogEventStartIndex"))
                .isFalse();
        JsonNode young = put("g", "s", now + hour, now + 3 * hour);
        assertThat(young.path("rejectedLogEventsInfo")
                        .path("tooNewLogEventStartIndex")
                        .asInt())
                .isEqualTo(1);
        assertThat(young.path("nextSequenceToken").asText()).hasSize(56);
        assertThat(messages(call("FilterLogEvents", "{\"logGroupName\":\"g\",\"filterPattern\":\"%^m%\"}")))
                .containsExactly("m" + (now - 14 * DAY + hour), "m" + (now + hour));
    }

    @Test
    void getLogEventsWalksForwardAndBackwardWithTokens() {
        call("CreateLogGroup", "{\"logGroupName\":\"g\"}");
        call("CreateLogStream", "{\"logGroupName\":\"g\",\"logStreamName\":\"s\"}");
        long t = clock.millis() - 1000;
        put("g", "s", t + 1, t + 2, t + 3, t + 4, t + 5);
        JsonNode tail = call("GetLogEvents", "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"limit\":2}");
        assertThat(messages(tail)).containsExactly("m" + (t + 4), "m" + (t + 5));
        JsonNode back = call(
                "GetLogEvents",
                "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"limit\":2,\"nextToken\":\""
                        + tail.get("nextBackwardToken").asText() + "\"}");
        assertThat(messages(back)).containsExactly("m" + (t + 2), "m" + (t + 3));
        JsonNode head = call(
                "GetLogEvents", "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"limit\":3,\"startFromHead\":true}");
        assertThat(messages(head)).containsExactly("m" + (t + 1), "m" + (t + 2), "m" + (t + 3));
        String fwd = head.get("nextForwardToken").asText();
        JsonNode next =
                call("GetLogEvents", "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"nextToken\":\"" + fwd + "\"}");
        assertThat(messages(next)).containsExactly("m" + (t + 4), "m" + (t + 5));
        String end = next.get("nextForwardToken").asText();
        JsonNode atEnd =
                call("GetLogEvents", "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"nextToken\":\"" + end + "\"}");
        assertThat(messages(atEnd)).isEmpty();
        assertThat(atEnd.get("nextForwardToken").asText())
                .as("the same token at the end")
                .isEqualTo(end);
        put("g", "s", t + 6);
        assertThat(messages(call(
                        "GetLogEvents",
                        "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"nextToken\":\"" + end + "\"}")))
                .containsExactly("m" + (t + 6));
        JsonNode range = call(
                "GetLogEvents",
                "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"startFromHead\":true," + "\"startTime\":" + (t + 2)
                        + ",\"endTime\":" + (t + 4) + "}");
        assertThat(messages(range)).as("endTime is exclusive").containsExactly("m" + (t + 2), "m" + (t + 3));
        assertThat(error(() -> call(
                                "GetLogEvents",
                                "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"nextToken\":\"x/1\"}"))
                        .code())
                .isEqualTo("InvalidParameterException");
    }

    @Test
    void filterLogEventsInterleavesStreamsAndPages() {
        call("CreateLogGroup", "{\"logGroupName\":\"g\"}");
        for (String s : List.of("a", "b", "other")) {
            call("CreateLogStream", "{\"logGroupName\":\"g\",\"logStreamName\":\"" + s + "\"}");
        }
        long t = clock.millis() - 1000;
        put("g", "a", t + 1, t + 3, t + 5);
        put("g", "b", t + 2, t + 4, t + 6);
        put("g", "other", t + 3);
        JsonNode all = call("FilterLogEvents", "{\"logGroupName\":\"g\",\"logStreamNamePrefix\":\"a\"}");
        assertThat(messages(all)).hasSize(3);
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = call(
                    "FilterLogEvents",
                    "{\"logGroupName\":\"g\",\"logStreamNames\":[\"a\",\"b\"],\"limit\":2"
                            + (token == null ? "" : ",\"nextToken\":\"" + token + "\"") + "}");
            page.path("events")
                    .forEach(e -> seen.add(e.path("logStreamName").asText() + ":"
                            + e.path("timestamp").asLong()));
            token = page.path("nextToken").asText(null);
            pages++;
        } while (token != null);
        assertThat(seen)
                .containsExactly(
                        "a:" + (t + 1), "b:" + (t + 2), "a:" + (t + 3), "b:" + (t + 4), "a:" + (t + 5), "b:" + (t + 6));
        assertThat(pages).isEqualTo(3);
        JsonNode window = call(
                "FilterLogEvents",
                "{\"logGroupName\":\"g\",\"startTime\":" + (t + 3) + ",\"endTime\":" + (t + 4) + "}");
        assertThat(window.path("events"))
                .extracting(e -> e.path("logStreamName").asText())
                .containsExactly("a", "other", "b");
        assertThat(error(() -> call(
                                "FilterLogEvents",
                                "{\"logGroupName\":\"g\",\"logStreamNames\":[\"a\"],\"logStreamNamePrefix\":\"a\"}"))
                        .code())
                .isEqualTo("InvalidParameterException");
        assertThat(error(() -> call("FilterLogEvents", "{\"logGroupName\":\"g\",\"nextToken\":\"forged\"}"))
                        .getMessage())
                .isEqualTo("The specified nextToken is invalid.");
    }

    @Test
    void describeLogStreamsOrdersAndPages() {
        call("CreateLogGroup", "{\"logGroupName\":\"g\"}");
        long t = clock.millis() - 1000;
        for (String s : List.of("c", "a", "b", "d")) {
            call("CreateLogStream", "{\"logGroupName\":\"g\",\"logStreamName\":\"" + s + "\"}");
        }
        put("g", "a", t + 30);
        put("g", "b", t + 10);
        put("g", "c", t + 20);
        JsonNode byTime = call(
                "DescribeLogStreams",
                "{\"logGroupName\":\"g\",\"orderBy\":\"LastEventTime\",\"descending\":true,\"limit\":2}");
        assertThat(byTime.path("logStreams"))
                .extracting(s -> s.path("logStreamName").asText())
                .containsExactly("a", "c");
        JsonNode rest = call(
                "DescribeLogStreams",
                "{\"logGroupName\":\"g\",\"orderBy\":\"LastEventTime\",\"descending\":true,"
                        + "\"limit\":2,\"nextToken\":\""
                        + byTime.get("nextToken").asText() + "\"}");
        assertThat(rest.path("logStreams"))
                .extracting(s -> s.path("logStreamName").asText())
                .containsExactly("b", "d");
        assertThat(rest.has("nextToken")).isFalse();
        JsonNode byName = call("DescribeLogStreams", "{\"logGroupName\":\"g\",\"limit\":3}");
        assertThat(byName.path("logStreams"))
                .extracting(s -> s.path("logStreamName").asText())
                .containsExactly("a", "b", "c");
        JsonNode last = call(
                "DescribeLogStreams",
                "{\"logGroupName\":\"g\",\"limit\":3,\"nextToken\":\""
                        + byName.get("nextToken").asText() + "\"}");
        assertThat(last.path("logStreams"))
                .extracting(s -> s.path("logStreamName").asText())
                .containsExactly("d");
        JsonNode desc = call("DescribeLogStreams", "{\"logGroupName\":\"g\",\"descending\":true}");
        assertThat(desc.path("logStreams"))
                .extracting(s -> s.path("logStreamName").asText())
                .containsExactly("d", "c", "b", "a");
        assertThat(error(() -> call(
                                "DescribeLogStreams",
                                "{\"logGroupName\":\"g\",\"orderBy\":\"LastEventTime\",\"logStreamNamePrefix\":\"a\"}"))
                        .getMessage())
                .isEqualTo("Cannot order by LastEventTime with a logStreamNamePrefix.");
        assertThat(error(() -> call("DescribeLogStreams", "{\"logGroupName\":\"g\",\"logGroupIdentifier\":\"g\"}"))
                        .code())
                .isEqualTo("InvalidParameterException");
        JsonNode viaArn = call(
                "DescribeLogStreams", "{\"logGroupIdentifier\":\"arn:aws:logs:us-east-1:000000000000:log-group:g:*\"}");
        assertThat(viaArn.path("logStreams")).hasSize(4);
    }

    @Test
    void groupsTagsAndDeletion() throws Exception {
        call("CreateLogGroup", "{\"logGroupName\":\"/a/x\",\"tags\":{\"team\":\"web\"}}");
        call("CreateLogGroup", "{\"logGroupName\":\"/a/y\"}");
        call("CreateLogGroup", "{\"logGroupName\":\"/b\"}");
        assertThat(error(() -> call("CreateLogGroup", "{\"logGroupName\":\"/b\"}"))
                        .code())
                .isEqualTo("ResourceAlreadyExistsException");
        assertThat(error(() -> call("CreateLogGroup", "{\"logGroupName\":\"aws/x\"}"))
                        .code())
                .isEqualTo("InvalidParameterException");
        JsonNode page = call("DescribeLogGroups", "{\"logGroupNamePrefix\":\"/a/\",\"limit\":1}");
        assertThat(page.path("logGroups").get(0).path("logGroupName").asText()).isEqualTo("/a/x");
        assertThat(page.path("logGroups").get(0).path("arn").asText())
                .isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:/a/x:*");
        JsonNode page2 = call(
                "DescribeLogGroups",
                "{\"logGroupNamePrefix\":\"/a/\",\"nextToken\":\""
                        + page.get("nextToken").asText() + "\"}");
        assertThat(page2.path("logGroups").get(0).path("logGroupName").asText()).isEqualTo("/a/y");
        assertThat(page2.has("nextToken")).isFalse();
        assertThat(call("DescribeLogGroups", "{\"logGroupNamePattern\":\"y\"}").path("logGroups"))
                .hasSize(1);

        call(
                "TagResource",
                "{\"resourceArn\":\"arn:aws:logs:us-east-1:000000000000:log-group:/a/x\",\"tags\":{\"env\":\"dev\"}}");
        call("UntagLogGroup", "{\"logGroupName\":\"/a/x\",\"tags\":[\"team\"]}");
        assertThat(call("ListTagsLogGroup", "{\"logGroupName\":\"/a/x\"}")
                        .path("tags")
                        .toString())
                .isEqualTo("{\"env\":\"dev\"}");
        assertThat(call(
                                "ListTagsForResource",
                                "{\"resourceArn\":\"arn:aws:logs:us-east-1:000000000000:log-group:/a/x\"}")
                        .path("tags")
                        .toString())
                .isEqualTo("{\"env\":\"dev\"}");
        assertThat(error(() -> call("ListTagsLogGroup", "{\"logGroupName\":\"/nope\"}"))
                        .code())
                .isEqualTo("ResourceNotFoundException");

        call("CreateLogStream", "{\"logGroupName\":\"/b\",\"logStreamName\":\"s\"}");
        assertThat(error(() -> call("CreateLogStream", "{\"logGroupName\":\"/b\",\"logStreamName\":\"s\"}"))
                        .code())
                .isEqualTo("ResourceAlreadyExistsException");
        put("/b", "s", clock.millis());
        assertThat(segmentFiles()).isEqualTo(1);
        call("DeleteLogGroup", "{\"logGroupName\":\"/b\"}");
        assertThat(segmentFiles()).isZero();
        call("CreateLogGroup", "{\"logGroupName\":\"/b\"}");
        call("CreateLogStream", "{\"logGroupName\":\"/b\",\"logStreamName\":\"s\"}");
        assertThat(messages(call("GetLogEvents", "{\"logGroupName\":\"/b\",\"logStreamName\":\"s\"}")))
                .as("a re-created group starts empty")
                .isEmpty();
        assertThatThrownBy(() -> call("DeleteLogStream", "{\"logGroupName\":\"/b\",\"logStreamName\":\"t\"}"))
                .hasMessage("The specified log stream does not exist.");
    }
}
