package dev.berth.logs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.logs.files.LogFiles;
import dev.berth.logs.files.StreamLog;
import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The shared core of the CloudWatch Logs operations: the state store kinds for groups and streams,
 * how a request names a group (name, or identifier = name or ARN), ARNs, pagination tokens, and the
 * event files. The API classes and the agents' log ingestion all go through it, so they agree on
 * what exists.
 *
 * <p>Thread-safe (stateless apart from the shared {@link LogFiles}).
 */
public final class LogCatalog {

    public static final String GROUP = "logs-group";
    public static final String STREAM = "logs-stream";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final StateStore store;
    private final Documents docs;
    private final Platform platform;
    private final Clock clock;
    private final LogFiles files;

    public LogCatalog(StateStore store, Documents docs, Platform platform, Clock clock, LogFiles files) {
        this.store = store;
        this.docs = docs;
        this.platform = platform;
        this.clock = clock;
        this.files = files;
    }

    public StateStore store() {
        return store;
    }

    public Documents docs() {
        return docs;
    }

    public Clock clock() {
        return clock;
    }

    public LogFiles files() {
        return files;
    }

    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static String streamKey(String groupId, String streamName) {
        return groupId + ":" + streamName;
    }

    public String groupArn(String name) {
        return platform.arn("logs", "log-group:" + name).toString();
    }

    public String streamArn(String group, String stream) {
        return platform.arn("logs", "log-group:" + group + ":log-stream:" + stream)
                .toString();
    }

    /**
     * The group name a request names with {@code logGroupName} or {@code logGroupIdentifier} (a name
     * or an ARN of this account and region); exactly one of them.
     */
    public String groupName(JsonNode in) {
        boolean byName = in.hasNonNull("logGroupName");
        boolean byId = in.hasNonNull("logGroupIdentifier");
        if (byName && byId) {
            throw LogsErrors.invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        }
        if (!byName && !byId) {
            throw LogsErrors.invalidParameter("Either logGroupName or logGroupIdentifier must be specified.");
        }
        return byName
                ? in.get("logGroupName").asText()
                : groupNameOfIdentifier(in.get("logGroupIdentifier").asText());
    }

    /** A log group name from a name or a log group ARN (with or without the trailing {@code :*}). */
    public String groupNameOfIdentifier(String identifier) {
        if (!identifier.startsWith("arn:")) {
            return identifier;
        }
        Arn arn = Arn.parse(identifier).orElseThrow(() -> LogsErrors.invalidParameter("Invalid ARN: " + identifier));
        String resource = identifier.substring(
                identifier.indexOf(":log-group:") < 0 ? identifier.length() : identifier.indexOf(":log-group:") + 11);
        if (!arn.service().equals("logs") || !identifier.contains(":log-group:") || resource.isEmpty()) {
            throw LogsErrors.invalidParameter("Invalid log group ARN: " + identifier);
        }
        if (!arn.region().equals(platform.region()) || !arn.account().equals(platform.accountId())) {
            throw LogsErrors.groupNotFound();
        }
        if (resource.endsWith(":*")) {
            resource = resource.substring(0, resource.length() - 2);
        }
        if (!resource.matches("[\\.\\-_/#A-Za-z0-9]{1,512}")) {
            throw LogsErrors.invalidParameter("Invalid log group ARN: " + identifier);
        }
        return resource;
    }

    public Optional<LogGroupRecord> group(Transaction tx, String name) {
        return docs.get(tx, GROUP, name, LogGroupRecord.class);
    }

    public LogGroupRecord requireGroup(Transaction tx, String name) {
        return group(tx, name).orElseThrow(LogsErrors::groupNotFound);
    }

    public Optional<LogStreamRecord> stream(Transaction tx, LogGroupRecord group, String name) {
        return docs.get(tx, STREAM, streamKey(group.id(), name), LogStreamRecord.class);
    }

    /** The stream's event files. */
    public StreamLog log(LogGroupRecord group, LogStreamRecord stream) {
        return files.stream(group.id(), stream.id());
    }

    /** A stream name has no ':' or '*' (the model's pattern, matched whole) and fits a store key next to its group id. */
    public static void checkStreamName(String name) {
        if (name.indexOf(':') >= 0 || name.indexOf('*') >= 0) {
            throw LogsErrors.invalidParameter(
                    "1 validation error detected: Value '" + name + "' at 'logStreamName' failed "
                            + "to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 2000) {
            throw LogsErrors.invalidParameter("Log stream names longer than 2000 bytes in UTF-8 are not supported.");
        }
    }

    // ---- pagination tokens: opaque, bound to the operation, rejected when forged ----

    public static String token(String operation, String position) {
        String raw = "l1\n" + operation + "\n" + position;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a token carries; null for a null token. */
    public static String position(String operation, String token) {
        if (token == null) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = raw.split("\n", 3);
            if (parts.length == 3 && parts[0].equals("l1") && parts[1].equals(operation)) {
                return parts[2];
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw LogsErrors.invalidParameter("The specified nextToken is invalid.");
    }
}
