package dev.berth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.logs.files.StreamLog;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.store.Entry;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The log group operations: CreateLogGroup, DescribeLogGroups, DeleteLogGroup, PutRetentionPolicy,
 * DeleteRetentionPolicy and the tag operations (TagLogGroup/UntagLogGroup/ListTagsLogGroup and
 * their ARN-based successors TagResource/UntagResource/ListTagsForResource).
 *
 * <p>Metadata changes are one store transaction each; DeleteLogGroup removes the event files after
 * its transaction commits (a crash in between leaves an orphaned directory, never a group without
 * files).
 */
public final class LogGroupApi {

    /** The only log group class Berth has (CloudWatch Logs also has INFREQUENT_ACCESS). */
    static final String STANDARD = "STANDARD";

    /** The retention periods CloudWatch Logs accepts, in days. */
    public static final Set<Integer> RETENTION_DAYS = Set.of(
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

    private static final String RETENTION_LIST =
            "[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, "
                    + "1827, 2192, 2557, 2922, 3288, 3653]";
    private static final int MAX_TAGS = 50;

    private final LogCatalog catalog;

    public LogGroupApi(LogCatalog catalog) {
        this.catalog = catalog;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("CreateLogGroup", this::create);
        ops.put("DescribeLogGroups", this::describe);
        ops.put("DeleteLogGroup", this::delete);
        ops.put("PutRetentionPolicy", this::putRetention);
        ops.put("DeleteRetentionPolicy", this::deleteRetention);
        ops.put("TagLogGroup", this::tagLogGroup);
        ops.put("UntagLogGroup", this::untagLogGroup);
        ops.put("ListTagsLogGroup", this::listTagsLogGroup);
        ops.put("TagResource", this::tagResource);
        ops.put("UntagResource", this::untagResource);
        ops.put("ListTagsForResource", this::listTagsForResource);
        return ops;
    }

    /** Creates a group (for CreateLogGroup and {@code awslogs-create-group}); false if it already exists. */
    public boolean createGroup(Transaction tx, String name, Map<String, String> tags) {
        checkName(name);
        LogGroupRecord fresh =
                new LogGroupRecord(name, LogCatalog.newId(), catalog.clock().millis(), null, tags);
        return catalog.docs().insert(tx, LogCatalog.GROUP, name, fresh);
    }

    private static void checkName(String name) {
        if (!name.matches("[\\.\\-_/#A-Za-z0-9]+")) {
            throw LogsErrors.invalidParameter(
                    "1 validation error detected: Value '" + name + "' at 'logGroupName' failed "
                            + "to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
        }
        if (name.startsWith("aws/")) {
            throw LogsErrors.invalidParameter("Log group names starting with 'aws/' are reserved.");
        }
    }

    private JsonNode create(CallContext call, ObjectNode in) {
        String name = in.get("logGroupName").asText();
        if (in.hasNonNull("kmsKeyId")) {
            throw LogsErrors.invalidParameter("Berth does not encrypt log groups with KMS keys; omit kmsKeyId.");
        }
        if (in.hasNonNull("logGroupClass") && !in.get("logGroupClass").asText().equals(STANDARD)) {
            throw LogsErrors.invalidParameter("Berth log groups are of class STANDARD only; omit logGroupClass "
                    + "or give STANDARD, not " + in.get("logGroupClass").asText() + ".");
        }
        Map<String, String> tags = tags(in.get("tags"));
        boolean created = catalog.store().transact(tx -> createGroup(tx, name, tags));
        if (!created) {
            throw LogsErrors.groupExists();
        }
        return null;
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        String prefix = in.path("logGroupNamePrefix").asText("");
        String pattern = in.path("logGroupNamePattern").asText(null);
        if (!prefix.isEmpty() && pattern != null) {
            throw LogsErrors.invalidParameter(
                    "logGroupNamePrefix and logGroupNamePattern are mutually exclusive parameters.");
        }
        int limit = in.path("limit").asInt(50);
        String after =
                LogCatalog.position("DescribeLogGroups", in.path("nextToken").asText(null));
        if (!in.path("logGroupClass").asText(STANDARD).equals(STANDARD)) {
            // Every Berth log group is STANDARD, so no group is of another class.
            ObjectNode none = JsonNodeFactory.instance.objectNode();
            none.putArray("logGroups");
            return none;
        }
        StorePages.Listing<LogGroupRecord> page = catalog.store()
                .read(tx -> StorePages.list(tx, LogCatalog.GROUP, prefix, after, limit, e -> {
                    LogGroupRecord g = catalog.docs().read(e, LogGroupRecord.class);
                    return pattern == null || g.name().contains(pattern) ? Optional.of(g) : Optional.empty();
                }));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode groups = out.putArray("logGroups");
        for (LogGroupRecord g : page.items()) {
            ObjectNode n = groups.addObject().put("logGroupName", g.name()).put("creationTime", g.creationTime());
            if (g.retentionInDays() != null) {
                n.put("retentionInDays", g.retentionInDays());
            }
            n.put("metricFilterCount", 0)
                    .put("arn", catalog.groupArn(g.name()) + ":*")
                    .put("storedBytes", storedBytes(g))
                    .put("logGroupClass", STANDARD)
                    .put("logGroupArn", catalog.groupArn(g.name()));
        }
        if (page.resumeAfter() != null) {
            out.put("nextToken", LogCatalog.token("DescribeLogGroups", page.resumeAfter()));
        }
        return out;
    }

    private long storedBytes(LogGroupRecord g) {
        List<LogStreamRecord> streams = new ArrayList<>();
        catalog.store().read(tx -> {
            StorePages.forEach(
                    tx,
                    LogCatalog.STREAM,
                    g.id() + ":",
                    e -> streams.add(catalog.docs().read(e, LogStreamRecord.class)));
            return null;
        });
        long total = 0;
        for (LogStreamRecord s : streams) {
            total += catalog.log(g, s).stats().storedBytes();
        }
        return total;
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        String name = in.get("logGroupName").asText();
        LogGroupRecord gone = catalog.store().transact(tx -> {
            LogGroupRecord g = catalog.requireGroup(tx, name);
            List<String> keys = new ArrayList<>();
            StorePages.forEach(tx, LogCatalog.STREAM, g.id() + ":", e -> keys.add(e.key()));
            keys.forEach(k -> tx.delete(LogCatalog.STREAM, k));
            tx.delete(LogCatalog.GROUP, name);
            return g;
        });
        catalog.files().deleteGroup(gone.id());
        return null;
    }

    private JsonNode putRetention(CallContext call, ObjectNode in) {
        String name = in.get("logGroupName").asText();
        JsonNode days = in.get("retentionInDays");
        if (days == null) {
            throw LogsErrors.invalidParameter("1 validation error detected: Value null at 'retentionInDays' failed to "
                    + "satisfy constraint: Member must not be null");
        }
        if (!RETENTION_DAYS.contains(days.asInt())) {
            throw LogsErrors.invalidParameter("1 validation error detected: Value '" + days.asInt()
                    + "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: "
                    + RETENTION_LIST);
        }
        update(name, g -> g.withRetention(days.asInt()));
        return null;
    }

    private JsonNode deleteRetention(CallContext call, ObjectNode in) {
        update(in.get("logGroupName").asText(), g -> g.withRetention(null));
        return null;
    }

    private LogGroupRecord update(String name, java.util.function.UnaryOperator<LogGroupRecord> change) {
        return catalog.store().transact(tx -> {
            Entry e = tx.getForUpdate(LogCatalog.GROUP, name).orElseThrow(LogsErrors::groupNotFound);
            LogGroupRecord next = change.apply(catalog.docs().read(e, LogGroupRecord.class));
            catalog.docs().put(tx, LogCatalog.GROUP, name, next);
            return next;
        });
    }

    // ---- tags ----

    private static Map<String, String> tags(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        if (node != null) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().startsWith("aws:")) {
                    throw LogsErrors.invalidParameter("Tag keys starting with 'aws:' are reserved.");
                }
                out.put(f.getKey(), f.getValue().asText(""));
            });
        }
        return out;
    }

    private void addTags(String group, JsonNode tags, String tooManyCode) {
        Map<String, String> add = tags(tags);
        update(group, g -> {
            Map<String, String> merged = new TreeMap<>(g.tags());
            merged.putAll(add);
            if (merged.size() > MAX_TAGS) {
                throw new dev.berth.model.error.AwsException(
                        tooManyCode, 400, "A resource can have no more than " + MAX_TAGS + " tags.");
            }
            return g.withTags(merged);
        });
    }

    private void removeTags(String group, JsonNode keys) {
        update(group, g -> {
            Map<String, String> rest = new TreeMap<>(g.tags());
            keys.forEach(k -> rest.remove(k.asText()));
            return g.withTags(rest);
        });
    }

    private ObjectNode listTags(String group) {
        LogGroupRecord g = catalog.store().read(tx -> catalog.requireGroup(tx, group));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode tags = out.putObject("tags");
        g.tags().forEach(tags::put);
        return out;
    }

    private JsonNode tagLogGroup(CallContext call, ObjectNode in) {
        addTags(in.get("logGroupName").asText(), in.get("tags"), "InvalidParameterException");
        return null;
    }

    private JsonNode untagLogGroup(CallContext call, ObjectNode in) {
        removeTags(in.get("logGroupName").asText(), in.get("tags"));
        return null;
    }

    private JsonNode listTagsLogGroup(CallContext call, ObjectNode in) {
        return listTags(in.get("logGroupName").asText());
    }

    /** The log group a tagging ARN names ({@code arn:aws:logs:<region>:<account>:log-group:<name>}). */
    private String groupOfResource(String arn) {
        if (!arn.startsWith("arn:") || !arn.contains(":log-group:") || arn.contains(":log-stream:")) {
            throw LogsErrors.invalidParameter("Invalid resourceArn: only log group ARNs can be tagged in Berth.");
        }
        return catalog.groupNameOfIdentifier(arn);
    }

    private JsonNode tagResource(CallContext call, ObjectNode in) {
        addTags(groupOfResource(in.get("resourceArn").asText()), in.get("tags"), "TooManyTagsException");
        return null;
    }

    private JsonNode untagResource(CallContext call, ObjectNode in) {
        removeTags(groupOfResource(in.get("resourceArn").asText()), in.get("tagKeys"));
        return null;
    }

    private JsonNode listTagsForResource(CallContext call, ObjectNode in) {
        return listTags(groupOfResource(in.get("resourceArn").asText()));
    }

    /** The stats of a stream, for DescribeLogStreams. */
    static StreamLog.Stats stats(LogCatalog catalog, LogGroupRecord g, LogStreamRecord s) {
        return catalog.log(g, s).stats();
    }
}
