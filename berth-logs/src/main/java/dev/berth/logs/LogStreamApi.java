package dev.berth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.logs.files.StreamLog;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The log stream operations: CreateLogStream, DescribeLogStreams (prefix, orderBy LogStreamName or
 * LastEventTime, descending, pagination) and DeleteLogStream.
 *
 * <p>A stream's event times come from its files ({@link StreamLog#stats}), not from the store, so
 * PutLogEvents never writes the store. Ascending name order pages straight from the store; the
 * other orders sort the group's streams in memory and resume after the last (sort key, name).
 */
public final class LogStreamApi {

    private final LogCatalog catalog;

    public LogStreamApi(LogCatalog catalog) {
        this.catalog = catalog;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("CreateLogStream", this::create);
        ops.put("DescribeLogStreams", this::describe);
        ops.put("DeleteLogStream", this::delete);
        return ops;
    }

    /** Creates a stream in a group inside the caller's transaction; false if it already exists. */
    public boolean createStream(Transaction tx, LogGroupRecord group, String name) {
        LogCatalog.checkStreamName(name);
        LogStreamRecord s =
                new LogStreamRecord(name, LogCatalog.newId(), catalog.clock().millis());
        return catalog.docs().insert(tx, LogCatalog.STREAM, LogCatalog.streamKey(group.id(), name), s);
    }

    private JsonNode create(CallContext call, ObjectNode in) {
        String group = in.get("logGroupName").asText();
        String name = in.get("logStreamName").asText();
        boolean created = catalog.store().transact(tx -> createStream(tx, catalog.requireGroup(tx, group), name));
        if (!created) {
            throw LogsErrors.streamExists();
        }
        return null;
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        String group = in.get("logGroupName").asText();
        String name = in.get("logStreamName").asText();
        record Gone(LogGroupRecord g, LogStreamRecord s) {}
        Gone gone = catalog.store().transact(tx -> {
            LogGroupRecord g = catalog.requireGroup(tx, group);
            LogStreamRecord s = catalog.stream(tx, g, name).orElseThrow(LogsErrors::streamNotFound);
            tx.delete(LogCatalog.STREAM, LogCatalog.streamKey(g.id(), name));
            return new Gone(g, s);
        });
        catalog.files().deleteStream(gone.g().id(), gone.s().id());
        return null;
    }

    private record Row(LogStreamRecord stream, StreamLog.Stats stats) {
        long lastEvent() {
            return stats.lastEventTimestamp() == null ? 0 : stats.lastEventTimestamp();
        }
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        String groupName = catalog.groupName(in);
        String prefix = in.path("logStreamNamePrefix").asText("");
        boolean byTime = in.path("orderBy").asText("LogStreamName").equals("LastEventTime");
        boolean descending = in.path("descending").asBoolean(false);
        if (byTime && !prefix.isEmpty()) {
            throw LogsErrors.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        int limit = in.path("limit").asInt(50);
        String op = "DescribeLogStreams";
        String after = LogCatalog.position(op, in.path("nextToken").asText(null));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode streams = out.putArray("logStreams");
        List<Row> rows;
        String resume;
        LogGroupRecord group;
        if (!byTime && !descending) {
            record Page(LogGroupRecord g, StorePages.Listing<LogStreamRecord> listing) {}
            Page page = catalog.store().read(tx -> {
                LogGroupRecord g = catalog.requireGroup(tx, groupName);
                String afterKey = after == null ? null : LogCatalog.streamKey(g.id(), after);
                return new Page(
                        g,
                        StorePages.list(
                                tx,
                                LogCatalog.STREAM,
                                LogCatalog.streamKey(g.id(), prefix),
                                afterKey,
                                limit,
                                e -> Optional.of(catalog.docs().read(e, LogStreamRecord.class))));
            });
            group = page.g();
            rows = page.listing().items().stream()
                    .map(s -> new Row(s, catalog.log(page.g(), s).stats()))
                    .toList();
            resume = page.listing().resumeAfter() == null
                    ? null
                    : rows.getLast().stream().name();
        } else {
            List<LogStreamRecord> all = new ArrayList<>();
            group = catalog.store().read(tx -> {
                LogGroupRecord g = catalog.requireGroup(tx, groupName);
                StorePages.forEach(
                        tx,
                        LogCatalog.STREAM,
                        LogCatalog.streamKey(g.id(), prefix),
                        e -> all.add(catalog.docs().read(e, LogStreamRecord.class)));
                return g;
            });
            LogGroupRecord g = group;
            Comparator<Row> order = byTime
                    ? Comparator.comparingLong(Row::lastEvent)
                            .thenComparing(r -> r.stream().name())
                    : Comparator.comparing(r -> r.stream().name());
            if (descending) {
                order = order.reversed();
            }
            List<Row> sorted = all.stream()
                    .map(s -> new Row(s, catalog.log(g, s).stats()))
                    .sorted(order)
                    .toList();
            int start = 0;
            if (after != null) {
                Row marker = rowOf(after);
                while (start < sorted.size() && order.compare(sorted.get(start), marker) <= 0) {
                    start++;
                }
            }
            rows = sorted.subList(start, Math.min(sorted.size(), start + limit));
            Row last = rows.isEmpty() ? null : rows.getLast();
            resume = start + limit < sorted.size() && last != null
                    ? last.lastEvent() + "/" + last.stream().name()
                    : null;
        }
        for (Row r : rows) {
            ObjectNode n = streams.addObject()
                    .put("logStreamName", r.stream().name())
                    .put("creationTime", r.stream().creationTime());
            StreamLog.Stats st = r.stats();
            if (st.firstEventTimestamp() != null) {
                n.put("firstEventTimestamp", st.firstEventTimestamp())
                        .put("lastEventTimestamp", st.lastEventTimestamp())
                        .put("lastIngestionTime", st.lastIngestionTime());
            }
            n.put("uploadSequenceToken", sequenceToken(st.nextSeq()))
                    .put("arn", catalog.streamArn(group.name(), r.stream().name()))
                    .put("storedBytes", 0);
        }
        if (resume != null) {
            out.put("nextToken", LogCatalog.token(op, resume));
        }
        return out;
    }

    /** A marker row for resuming a sorted listing: "lastEventTime/name" or a plain name. */
    private static Row rowOf(String position) {
        int slash = position.indexOf('/');
        long last = 0;
        String name = position;
        if (slash > 0 && position.substring(0, slash).matches("-?\\d{1,19}")) {
            last = Long.parseLong(position.substring(0, slash));
            name = position.substring(slash + 1);
        }
        long l = last;
        return new Row(new LogStreamRecord(name, "", 0), new StreamLog.Stats(l, l, l, 0, 0));
    }

    /** The sequence token CloudWatch would hand out next (accepted, never required). */
    static String sequenceToken(long nextSeq) {
        return String.format("49%054d", nextSeq);
    }
}
