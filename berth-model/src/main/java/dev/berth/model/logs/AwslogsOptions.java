package dev.berth.model.logs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The options of a container's {@code awslogs} log configuration, checked as Docker's awslogs driver
 * checks them (plus ECS's {@code awslogs-stream-prefix}). One definition for both ends:
 * RegisterTaskDefinition refuses what Docker would refuse at container creation, and the agent
 * ships logs with exactly these settings.
 *
 * @param group {@code awslogs-group}
 * @param region {@code awslogs-region} (Berth has one region; any value is accepted)
 * @param streamPrefix {@code awslogs-stream-prefix}, or null: the stream is then named by the container id
 * @param createGroup {@code awslogs-create-group}
 * @param nonBlocking {@code mode=non-blocking}: when the agent's buffer is full, new lines are dropped
 *     instead of waiting (Docker's default mode is blocking)
 * @param maxBufferBytes {@code max-buffer-size} (non-blocking only; default 1 MiB as Docker's)
 * @param multiline a line matching this starts a new event (from {@code awslogs-multiline-pattern},
 *     or from {@code awslogs-datetime-format} anchored at the line start), or null: one event per line
 */
public record AwslogsOptions(
        String group,
        String region,
        String streamPrefix,
        boolean createGroup,
        boolean nonBlocking,
        long maxBufferBytes,
        Pattern multiline) {

    public static final long DEFAULT_MAX_BUFFER = 1024 * 1024;

    /** Options Docker's awslogs driver (or ECS) knows; anything else is refused. */
    public static final Set<String> KNOWN = Set.of(
            "awslogs-group",
            "awslogs-region",
            "awslogs-stream-prefix",
            "awslogs-stream",
            "awslogs-create-group",
            "awslogs-datetime-format",
            "awslogs-multiline-pattern",
            "awslogs-endpoint",
            "awslogs-credentials-endpoint",
            "awslogs-force-flush-interval-seconds",
            "awslogs-max-buffered-events",
            "awslogs-format",
            "tag",
            "mode",
            "max-buffer-size");

    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

    /**
     * Parses and checks the options.
     *
     * @throws IllegalArgumentException with a message fit for the API caller
     */
    public static AwslogsOptions parse(Map<String, String> options) {
        Map<String, String> o = options == null ? Map.of() : new LinkedHashMap<>(options);
        for (String key : o.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException("unknown log opt '" + key + "' for awslogs log driver");
            }
        }
        String group = o.get("awslogs-group");
        String region = o.get("awslogs-region");
        if (group == null || group.isBlank() || region == null || region.isBlank()) {
            throw new IllegalArgumentException("Log driver awslogs requires options: awslogs-region, awslogs-group");
        }
        if (!group.matches("[\\.\\-_/#A-Za-z0-9]{1,512}")) {
            throw new IllegalArgumentException("awslogs-group '" + group + "' is not a valid log group name");
        }
        String prefix = o.get("awslogs-stream-prefix");
        if (prefix != null
                && (prefix.isEmpty()
                        || prefix.contains(":")
                        || prefix.contains("*")
                        || prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException(
                    "awslogs-stream-prefix must be non-empty and contain no ':', '*' or control characters");
        }
        boolean create = bool(o, "awslogs-create-group");
        String mode = o.getOrDefault("mode", "blocking");
        if (!mode.equals("blocking") && !mode.equals("non-blocking")) {
            throw new IllegalArgumentException("logger: logging mode not supported: " + mode);
        }
        long maxBuffer = DEFAULT_MAX_BUFFER;
        if (o.containsKey("max-buffer-size")) {
            if (!mode.equals("non-blocking")) {
                throw new IllegalArgumentException(
                        "logger: max-buffer-size option is only supported with 'mode=non-blocking'");
            }
            maxBuffer = bytes(o.get("max-buffer-size"));
        }
        String datetime = o.get("awslogs-datetime-format");
        String pattern = o.get("awslogs-multiline-pattern");
        if (datetime != null && pattern != null) {
            throw new IllegalArgumentException("you cannot configure log opt 'awslogs-datetime-format' and "
                    + "'awslogs-multiline-pattern' at the same time");
        }
        Pattern multiline = null;
        try {
            if (datetime != null) {
                multiline = Pattern.compile("^" + strftimeToRegex(datetime));
            } else if (pattern != null) {
                multiline = Pattern.compile(pattern);
            }
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("awslogs multiline pattern does not compile: " + e.getDescription());
        }
        return new AwslogsOptions(group, region, prefix, create, mode.equals("non-blocking"), maxBuffer, multiline);
    }

    /** The stream name ECS gives a container's logs: {@code prefix/container-name/task-id}, else the container id. */
    public String streamName(String containerName, String taskId, String containerId) {
        return streamPrefix == null ? containerId : streamPrefix + "/" + containerName + "/" + taskId;
    }

    private static boolean bool(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            return false;
        }
        if (TRUE.contains(v)) {
            return true;
        }
        if (FALSE.contains(v)) {
            return false;
        }
        throw new IllegalArgumentException(key + " must be a boolean (true or false): '" + v + "'");
    }

    /** Docker's size syntax: a number with an optional b/k/m/g unit (binary multiples). */
    static long bytes(String v) {
        var m = Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)i?b?\\s*")
                .matcher(v == null ? "" : v);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid max-buffer-size '" + v + "': use a size such as 4m or 512k");
        }
        double n = Double.parseDouble(m.group(1));
        int shift =
                switch (m.group(2).toLowerCase()) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    case "t" -> 40;
                    default -> 0;
                };
        long size = (long) (n * (1L << shift));
        if (size <= 0) {
            throw new IllegalArgumentException("invalid max-buffer-size '" + v + "': must be positive");
        }
        return size;
    }

    /** Docker's translation of {@code awslogs-datetime-format} (strftime) into a regular expression. */
    public static String strftimeToRegex(String format) {
        Map<String, String> map = Map.ofEntries(
                Map.entry("%a", "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"),
                Map.entry("%A", "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"),
                Map.entry("%w", "[0-6]"),
                Map.entry("%d", "(?:0[1-9]|[1,2][0-9]|3[0,1])"),
                Map.entry("%b", "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"),
                Map.entry(
                        "%B",
                        "(?:January|February|March|April|May|June|July|August|September|October|November|December)"),
                Map.entry("%m", "(?:0[1-9]|1[0-2])"),
                Map.entry("%Y", "\\d{4}"),
                Map.entry("%y", "\\d{2}"),
                Map.entry("%H", "(?:[0,1][0-9]|2[0-3])"),
                Map.entry("%I", "(?:0[0-9]|1[0-2])"),
                Map.entry("%p", "[A,P]M"),
                Map.entry("%M", "[0-5][0-9]"),
                Map.entry("%S", "[0-5][0-9]"),
                Map.entry("%f", "\\d{6}"),
                Map.entry("%z", "[+-]\\d{4}"),
                Map.entry("%Z", "[A-Z]{1,4}T"),
                Map.entry("%j", "(?:0[0-9][1-9]|[1,2][0-9][0-9]|3[0-5][0-9]|36[0-6])"),
                Map.entry("%L", "\\.\\d{3}"));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            if (format.charAt(i) == '%' && i + 1 < format.length() && map.containsKey(format.substring(i, i + 2))) {
                out.append(map.get(format.substring(i, i + 2)));
                i++;
            } else {
                out.append(format.charAt(i));
            }
        }
        return out.toString();
    }
}
