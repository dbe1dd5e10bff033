package dev.berth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.logs.files.StreamLog;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.store.StorePages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The event operations: PutLogEvents, GetLogEvents and FilterLogEvents, plus {@link #ingest} for
 * logs that agents ship for their tasks' {@code awslogs} containers.
 *
 * <p>Ordering: a stream's events are ordered by (timestamp, sequence number); FilterLogEvents
 * interleaves a group's streams by (timestamp, stream name, sequence number). Every page is the
 * first {@code limit} events after the position its token names, found by scanning the blocks whose
 * time range overlaps the request (the sparse index) and keeping the best candidates in a bounded
 * heap, so pages are exact even when batches arrived out of time order. Responses stop at 1 MB of
 * messages (plus 26 bytes per event), as CloudWatch's do.
 */
public final class LogEventApi implements dev.berth.model.logs.LogSink {

    static final int MAX_BATCH_BYTES = 1_048_576;
    static final int EVENT_OVERHEAD = 26;
    static final long MAX_SPAN = 24L * 3600 * 1000;
    static final long TOO_NEW = 2L * 3600 * 1000;
    static final long TOO_OLD = 14L * 24 * 3600 * 1000;
    static final int MAX_RESPONSE_BYTES = 1_048_576;

    private final LogCatalog catalog;
    private final LogGroupApi groups;
    private final LogStreamApi streams;

    public LogEventApi(LogCatalog catalog, LogGroupApi groups, LogStreamApi streams) {
        this.catalog = catalog;
        this.groups = groups;
        this.streams = streams;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("PutLogEvents", this::put);
        ops.put("GetLogEvents", this::get);
        ops.put("FilterLogEvents", this::filter);
        return ops;
    }

    /** One event to store. */
    public record InputEvent(long timestamp, String message) {}

    // ---------------------------------------------------------------- PutLogEvents

    private JsonNode put(CallContext call, ObjectNode in) {
        List<InputEvent> events = new ArrayList<>();
        for (JsonNode e : in.get("logEvents")) {
            events.add(
                    new InputEvent(e.get("timestamp").asLong(), e.get("message").asText()));
        }
        return store(in.get("logGroupName").asText(), in.get("logStreamName").asText(), events, false, false);
    }

    /**
     * Stores a batch for an agent: the group is created first when {@code createGroup}
     * ({@code awslogs-create-group}), the stream always (as the awslogs driver does). Same rules and
     * answer as PutLogEvents.
     */
    public ObjectNode ingest(String group, String stream, List<InputEvent> events, boolean createGroup) {
        return store(group, stream, events, createGroup, true);
    }

    /** {@link #ingest} for the awslogs driver's server side in berth-ecs, through the model's seam. */
    @Override
    public Accepted put(String group, String stream, List<Event> events, boolean createGroup) {
        List<InputEvent> batch = new ArrayList<>(events.size());
        for (Event e : events) {
            batch.add(new InputEvent(e.timestamp(), e.message()));
        }
        ObjectNode out = ingest(group, stream, batch, createGroup);
        JsonNode rejected = out.path("rejectedLogEventsInfo");
        return new Accepted(
                out.path("nextSequenceToken").isTextual()
                        ? out.get("nextSequenceToken").asText()
                        : null,
                index(rejected, "tooNewLogEventStartIndex"),
                index(rejected, "tooOldLogEventEndIndex"),
                index(rejected, "expiredLogEventEndIndex"));
    }

    private static Integer index(JsonNode info, String field) {
        return info.path(field).isIntegralNumber() ? info.get(field).asInt() : null;
    }

    /**
     * The awslogs driver's start-up (Docker: CreateLogGroup when {@code createGroup}, then
     * CreateLogStream, each ignoring "already exists"): makes sure the stream exists, or throws
     * {@code ResourceNotFoundException} for a missing group without {@code createGroup}.
     */
    @Override
    public void openStream(String groupName, String streamName, boolean createGroup) {
        ensureStream(groupName, streamName, createGroup);
    }

    /** A stream and its group. */
    private record Target(LogGroupRecord group, LogStreamRecord stream) {}

    /** Creates the group (only when {@code createGroup}) and the stream, each if missing. */
    private Target ensureStream(String groupName, String streamName, boolean createGroup) {
        return catalog.store().transact(tx -> {
            var g = catalog.group(tx, groupName);
            if (g.isEmpty() && createGroup) {
                groups.createGroup(tx, groupName, Map.of());
                g = catalog.group(tx, groupName);
            }
            LogGroupRecord group = g.orElseThrow(LogsErrors::groupNotFound);
            if (catalog.stream(tx, group, streamName).isEmpty()) {
                streams.createStream(tx, group, streamName);
            }
            return new Target(group, catalog.stream(tx, group, streamName).orElseThrow());
        });
    }

    private ObjectNode store(
            String groupName, String streamName, List<InputEvent> events, boolean createGroup, boolean createStream) {
        checkBatch(events);
        Target t = catalog.store().read(tx -> {
            var g = catalog.group(tx, groupName);
            var s = g.flatMap(x -> catalog.stream(tx, x, streamName));
            return g.isPresent() && s.isPresent() ? new Target(g.get(), s.get()) : null;
        });
        if (t == null) {
            if (!createGroup && !createStream) {
                catalog.store().read(tx -> catalog.requireGroup(tx, groupName));
                throw LogsErrors.streamNotFound();
            }
            t = ensureStream(groupName, streamName, createGroup);
        }
        long now = catalog.clock().millis();
        int n = events.size();
        int tooNewStart = n;
        while (tooNewStart > 0 && events.get(tooNewStart - 1).timestamp() > now + TOO_NEW) {
            tooNewStart--;
        }
        int tooOldEnd = 0;
        while (tooOldEnd < n && events.get(tooOldEnd).timestamp() < now - TOO_OLD) {
            tooOldEnd++;
        }
        long cutoff = t.group().expiryCutoff(now);
        int expiredEnd = 0;
        while (expiredEnd < n && events.get(expiredEnd).timestamp() < cutoff) {
            expiredEnd++;
        }
        int from = Math.max(tooOldEnd, expiredEnd);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        StreamLog log = catalog.log(t.group(), t.stream());
        long nextSeq;
        if (from < tooNewStart) {
            int k = tooNewStart - from;
            long[] ts = new long[k];
            String[] msgs = new String[k];
            for (int i = 0; i < k; i++) {
                ts[i] = events.get(from + i).timestamp();
                msgs[i] = events.get(from + i).message();
            }
            nextSeq = log.append(ts, msgs, now) + k;
        } else {
            nextSeq = log.stats().nextSeq();
        }
        out.put("nextSequenceToken", LogStreamApi.sequenceToken(nextSeq));
        if (tooNewStart < n || tooOldEnd > 0 || expiredEnd > 0) {
            ObjectNode r = out.putObject("rejectedLogEventsInfo");
            if (tooNewStart < n) {
                r.put("tooNewLogEventStartIndex", tooNewStart);
            }
            if (tooOldEnd > 0) {
                r.put("tooOldLogEventEndIndex", tooOldEnd);
            }
            if (expiredEnd > 0) {
                r.put("expiredLogEventEndIndex", expiredEnd);
            }
        }
        return out;
    }

    /** The batch rules CloudWatch checks before anything else. */
    static void checkBatch(List<InputEvent> events) {
        if (events.isEmpty() || events.size() > 10_000) {
            throw LogsErrors.invalidParameter("A batch must hold between 1 and 10000 log events.");
        }
        long bytes = 0;
        for (int i = 0; i < events.size(); i++) {
            InputEvent e = events.get(i);
            if (e.message().isEmpty()) {
                throw LogsErrors.invalidParameter("Log event messages must not be empty.");
            }
            bytes += utf8Length(e.message()) + EVENT_OVERHEAD;
            if (i > 0 && e.timestamp() < events.get(i - 1).timestamp()) {
                throw LogsErrors.invalidParameter(
                        "Log events in a single PutLogEvents request must be in chronological order.");
            }
        }
        if (bytes > MAX_BATCH_BYTES) {
            throw LogsErrors.invalidParameter(
                    "Upload too large: " + bytes + " bytes exceeds limit of " + MAX_BATCH_BYTES);
        }
        if (events.getLast().timestamp() - events.getFirst().timestamp() > MAX_SPAN) {
            throw LogsErrors.invalidParameter(
                    "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }
    }

    /** The UTF-8 length of {@code s} without encoding it (an unpaired surrogate counts as '?', as getBytes writes it). */
    static int utf8Length(String s) {
        int n = 0;
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- GetLogEvents

    /** A found event with its position. */
    private record Found(long ts, String stream, long seq, long ingest, String message, int bytes) {}

    private static final Comparator<Found> STREAM_ORDER =
            Comparator.comparingLong(Found::ts).thenComparingLong(Found::seq);
    private static final Comparator<Found> GROUP_ORDER =
            Comparator.comparingLong(Found::ts).thenComparing(Found::stream).thenComparingLong(Found::seq);

    private JsonNode get(CallContext call, ObjectNode in) {
        String groupName = catalog.groupName(in);
        String streamName = in.get("logStreamName").asText();
        Target t = catalog.store().read(tx -> {
            LogGroupRecord g = catalog.requireGroup(tx, groupName);
            return new Target(g, catalog.stream(tx, g, streamName).orElseThrow(LogsErrors::streamNotFound));
        });
        String token = in.path("nextToken").asText(null);
        boolean forward;
        long[] bound = null;
        if (token != null) {
            bound = parseStreamToken(token);
            forward = token.startsWith("f/");
        } else {
            forward = in.path("startFromHead").asBoolean(false);
        }
        int limit = in.path("limit").asInt(10_000);
        long now = catalog.clock().millis();
        long from =
                Math.max(in.path("startTime").asLong(Long.MIN_VALUE), t.group().expiryCutoff(now));
        long to = in.has("endTime") ? in.get("endTime").asLong() - 1 : Long.MAX_VALUE;
        if (bound != null) {
            if (forward) {
                from = Math.max(from, bound[0]);
            } else {
                to = Math.min(to, bound[0]);
            }
        }
        Comparator<Found> order = forward ? STREAM_ORDER : STREAM_ORDER.reversed();
        PriorityQueue<Found> best = new PriorityQueue<>(order.reversed());
        long[] b = bound;
        boolean fwd = forward;
        catalog.log(t.group(), t.stream()).scan(from, to, (seq, ts, ingest, buf, off, len) -> {
            if (b != null) {
                int c = ts != b[0] ? Long.compare(ts, b[0]) : Long.compare(seq, b[1]);
                if (fwd ? c <= 0 : c >= 0) {
                    return true;
                }
            }
            if (best.size() >= limit) {
                Found worst = best.peek();
                int c = ts != worst.ts() ? Long.compare(ts, worst.ts()) : Long.compare(seq, worst.seq());
                if (fwd ? c >= 0 : c <= 0) {
                    return true;
                }
                best.poll();
            }
            best.add(new Found(ts, null, seq, ingest, new String(buf, off, len, StandardCharsets.UTF_8), len));
            return true;
        });
        List<Found> page = new ArrayList<>(best);
        page.sort(order);
        List<Found> kept = capBytes(page);
        kept.sort(STREAM_ORDER);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode events = out.putArray("events");
        for (Found f : kept) {
            events.addObject()
                    .put("timestamp", f.ts())
                    .put("message", f.message())
                    .put("ingestionTime", f.ingest());
        }
        if (kept.isEmpty()) {
            String at = token != null ? token.substring(2) : from + "/-1";
            out.put("nextForwardToken", "f/" + at);
            out.put("nextBackwardToken", "b/" + at);
        } else {
            Found first = kept.getFirst();
            Found last = kept.getLast();
            out.put("nextForwardToken", "f/" + last.ts() + "/" + last.seq());
            out.put("nextBackwardToken", "b/" + first.ts() + "/" + first.seq());
        }
        return out;
    }

    /** (timestamp, seq) from a GetLogEvents token {@code f/<ts>/<seq>} or {@code b/<ts>/<seq>}. */
    private static long[] parseStreamToken(String token) {
        String[] p = token.split("/", -1);
        if (p.length == 3 && (p[0].equals("f") || p[0].equals("b"))) {
            try {
                return new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])};
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw LogsErrors.invalidParameter("The specified nextToken is invalid.");
    }

    /** The events (in page order) that fit a 1 MB response. */
    private static List<Found> capBytes(List<Found> page) {
        List<Found> kept = new ArrayList<>();
        long bytes = 0;
        for (Found f : page) {
            bytes += f.bytes() + EVENT_OVERHEAD;
            if (bytes > MAX_RESPONSE_BYTES && !kept.isEmpty()) {
                break;
            }
            kept.add(f);
        }
        return kept;
    }

    // ---------------------------------------------------------------- FilterLogEvents

    private JsonNode filter(CallContext call, ObjectNode in) {
        String groupName = catalog.groupName(in);
        List<String> names = new ArrayList<>();
        in.path("logStreamNames").forEach(n -> names.add(n.asText()));
        String prefix = in.path("logStreamNamePrefix").asText(null);
        if (!names.isEmpty() && prefix != null) {
            throw LogsErrors.invalidParameter(
                    "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        }
        FilterPattern pattern = FilterPattern.parse(
                in.path("filterPattern").asText(null), catalog.docs().mapper());
        int limit = in.path("limit").asInt(10_000);
        String position =
                LogCatalog.position("FilterLogEvents", in.path("nextToken").asText(null));
        Found after = position == null ? null : parseFilterPosition(position);
        long now = catalog.clock().millis();
        List<LogStreamRecord> selected = new ArrayList<>();
        LogGroupRecord group = catalog.store().read(tx -> {
            LogGroupRecord g = catalog.requireGroup(tx, groupName);
            if (!names.isEmpty()) {
                for (String n : names) {
                    catalog.stream(tx, g, n).ifPresent(selected::add);
                }
            } else {
                StorePages.forEach(
                        tx,
                        LogCatalog.STREAM,
                        LogCatalog.streamKey(g.id(), prefix == null ? "" : prefix),
                        e -> selected.add(catalog.docs().read(e, LogStreamRecord.class)));
            }
            return g;
        });
        long from = Math.max(in.path("startTime").asLong(Long.MIN_VALUE), group.expiryCutoff(now));
        if (after != null) {
            from = Math.max(from, after.ts());
        }
        long to = in.path("endTime").asLong(Long.MAX_VALUE);
        PriorityQueue<Found> best = new PriorityQueue<>(GROUP_ORDER.reversed());
        boolean[] more = {false};
        for (LogStreamRecord s : selected) {
            String name = s.name();
            catalog.log(group, s).scan(from, to, (seq, ts, ingest, buf, off, len) -> {
                if (after != null) {
                    int c = compare(ts, name, seq, after);
                    if (c <= 0) {
                        return true;
                    }
                }
                if (best.size() >= limit) {
                    Found worst = best.peek();
                    if (compare(ts, name, seq, worst) >= 0) {
                        if (pattern.matches(buf, off, len)) {
                            more[0] = true;
                        }
                        return true;
                    }
                }
                if (!pattern.matches(buf, off, len)) {
                    return true;
                }
                if (best.size() >= limit) {
                    best.poll();
                    more[0] = true;
                }
                best.add(new Found(ts, name, seq, ingest, new String(buf, off, len, StandardCharsets.UTF_8), len));
                return true;
            });
        }
        List<Found> page = new ArrayList<>(best);
        page.sort(GROUP_ORDER);
        List<Found> kept = capBytes(page);
        boolean truncated = more[0] || kept.size() < page.size();
        Map<String, String> ids = new LinkedHashMap<>();
        selected.forEach(s -> ids.put(s.name(), s.id()));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode events = out.putArray("events");
        for (Found f : kept) {
            events.addObject()
                    .put("logStreamName", f.stream())
                    .put("timestamp", f.ts())
                    .put("message", f.message())
                    .put("ingestionTime", f.ingest())
                    .put("eventId", ids.get(f.stream()) + "-" + f.seq());
        }
        ArrayNode searched = out.putArray("searchedLogStreams");
        selected.forEach(
                s -> searched.addObject().put("logStreamName", s.name()).put("searchedCompletely", true));
        if (truncated && !kept.isEmpty()) {
            Found last = kept.getLast();
            out.put(
                    "nextToken",
                    LogCatalog.token("FilterLogEvents", last.ts() + "/" + last.seq() + "/" + last.stream()));
        }
        return out;
    }

    private static int compare(long ts, String stream, long seq, Found f) {
        if (ts != f.ts()) {
            return Long.compare(ts, f.ts());
        }
        int c = stream.compareTo(f.stream());
        return c != 0 ? c : Long.compare(seq, f.seq());
    }

    private static Found parseFilterPosition(String position) {
        String[] p = position.split("/", 3);
        try {
            return new Found(Long.parseLong(p[0]), p[2], Long.parseLong(p[1]), 0, null, 0);
        } catch (RuntimeException e) {
            throw LogsErrors.invalidParameter("The specified nextToken is invalid.");
        }
    }
}
