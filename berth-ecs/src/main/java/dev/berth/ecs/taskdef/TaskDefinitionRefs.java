package dev.berth.ecs.taskdef;

import dev.berth.ecs.EcsErrors;
import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the three ways ECS lets callers name a task definition: {@code family} (the latest ACTIVE
 * revision), {@code family:revision}, and the full ARN; and writes the ARN form.
 */
public final class TaskDefinitionRefs {

    private static final Pattern FAMILY_REV = Pattern.compile("([A-Za-z0-9_-]{1,255})(?::(\\d{1,10}))?");

    private final Platform platform;

    public TaskDefinitionRefs(Platform platform) {
        this.platform = platform;
    }

    /** A parsed reference; {@code revision} 0 means "the latest ACTIVE revision". */
    public record Ref(String family, long revision) {}

    public Ref parse(String reference) {
        String text = reference;
        if (text != null && text.startsWith("arn:")) {
            Arn arn = Arn.parse(text)
                    .filter(a -> a.service().equals("ecs")
                            && a.resourceType().equals("task-definition")
                            && a.region().equals(platform.region())
                            && a.account().equals(platform.accountId()))
                    .orElseThrow(() -> EcsErrors.client("Unable to describe task definition."));
            text = arn.resourceId();
            if (!text.contains(":")) {
                throw EcsErrors.client("A task definition ARN must include the revision: " + reference);
            }
        }
        Matcher m = text == null ? null : FAMILY_REV.matcher(text);
        if (m == null || !m.matches()) {
            throw EcsErrors.client("Invalid task definition identifier '" + reference
                    + "': use family, family:revision or the task definition ARN.");
        }
        long revision = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        if (m.group(2) != null && revision < 1) {
            throw EcsErrors.client("Invalid revision number. Number: " + m.group(2));
        }
        return new Ref(m.group(1), revision);
    }

    public String arn(String family, long revision) {
        return platform.arn("ecs", "task-definition/" + family + ":" + revision).toString();
    }
}
