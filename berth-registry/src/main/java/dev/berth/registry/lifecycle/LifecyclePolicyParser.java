package dev.berth.registry.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import dev.berth.registry.lifecycle.LifecyclePolicy.CountType;
import dev.berth.registry.lifecycle.LifecyclePolicy.Rule;
import dev.berth.registry.lifecycle.LifecyclePolicy.TagStatus;
import dev.berth.registry.repo.RepositoryErrors;
import dev.berth.registry.repo.Wildcards;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns lifecycle policy text into a {@link LifecyclePolicy}, or rejects it as ECR does:
 * {@code InvalidParameterException} with {@code Invalid parameter at 'LifecyclePolicyText' failed to
 * satisfy constraint: 'Lifecycle policy validation failure: ...'}.
 *
 * <p>Two stages, in ECR's order. First the document's shape (ECR checks a JSON schema; the
 * messages of that stage use the schema validator's wording): required members, types, enums,
 * minimums, no unknown members. Then the rules between members and between rules: unique
 * {@code rulePriority}; a {@code tagStatus: any} rule has the highest priority; {@code tagged}
 * needs exactly one of {@code tagPrefixList}/{@code tagPatternList}, {@code untagged} and {@code any}
 * take neither; at most four {@code *} per pattern; {@code countUnit} ({@code days}) with the
 * {@code since*} count types only and required by them; one rule at most selects untagged images.
 */
public final class LifecyclePolicyParser {

    /** ECR's quota of rules per lifecycle policy. */
    public static final int MAX_RULES = 50;

    public static final int MAX_WILDCARDS = 4;

    private static final Set<String> TOP = Set.of("rules");
    private static final Set<String> RULE = Set.of("rulePriority", "description", "selection", "action");
    private static final Set<String> SELECTION =
            Set.of("tagStatus", "tagPrefixList", "tagPatternList", "countType", "countUnit", "countNumber");
    private static final Set<String> ACTION = Set.of("type");

    private LifecyclePolicyParser() {}

    public static LifecyclePolicy parse(ObjectMapper mapper, String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw failure("the lifecycle policy is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw failure("instance type (" + type(root)
                    + ") does not match any allowed primitive type (allowed: [\"object\"])");
        }
        members(root, TOP, "");
        JsonNode rules = root.get("rules");
        if (!rules.isArray()) {
            throw failure("/rules: instance type (" + type(rules)
                    + ") does not match any allowed primitive type (allowed: [\"array\"])");
        }
        if (rules.isEmpty()) {
            throw failure("/rules: array is too short: must have at least 1 elements but instance has 0 elements");
        }
        if (rules.size() > MAX_RULES) {
            throw failure("/rules: array is too long: must have at most " + MAX_RULES + " elements but instance has "
                    + rules.size() + " elements");
        }
        List<Rule> parsed = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            parsed.add(rule(rules.get(i), "/rules/" + i));
        }
        crossRules(parsed);
        return new LifecyclePolicy(parsed);
    }

    private static Rule rule(JsonNode rule, String at) {
        if (!rule.isObject()) {
            throw failure(at + ": instance type (" + type(rule)
                    + ") does not match any allowed primitive type (allowed: [\"object\"])");
        }
        members(rule, RULE, at);
        int priority = integer(rule.get("rulePriority"), at + "/rulePriority");
        String description = null;
        if (rule.has("description")) {
            description = string(rule.get("description"), at + "/description");
        }
        JsonNode action = object(rule.get("action"), at + "/action");
        members(action, ACTION, at + "/action");
        enumValue(action.get("type"), at + "/action/type", List.of("expire"));

        String sel = at + "/selection";
        JsonNode selection = object(rule.get("selection"), sel);
        members(selection, SELECTION, sel);
        if (!selection.has("countNumber")) {
            throw failure(sel + ": object has missing required properties ([\"countNumber\"])");
        }
        TagStatus status = TagStatus.valueOf(
                enumValue(selection.get("tagStatus"), sel + "/tagStatus", List.of("tagged", "untagged", "any"))
                        .toUpperCase());
        String countTypeText = enumValue(
                selection.get("countType"),
                sel + "/countType",
                List.of("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled"));
        CountType countType =
                switch (countTypeText) {
                    case "imageCountMoreThan" -> CountType.IMAGE_COUNT_MORE_THAN;
                    case "sinceImagePushed" -> CountType.SINCE_IMAGE_PUSHED;
                    default -> CountType.SINCE_IMAGE_PULLED;
                };
        int countNumber = integer(selection.get("countNumber"), sel + "/countNumber");
        List<String> prefixes = strings(selection.get("tagPrefixList"), sel + "/tagPrefixList");
        List<String> patterns = strings(selection.get("tagPatternList"), sel + "/tagPatternList");

        if (countType == CountType.IMAGE_COUNT_MORE_THAN) {
            if (selection.has("countUnit")) {
                throw failure(sel + ": countUnit can only be used with countType sinceImagePushed or sinceImagePulled");
            }
        } else {
            if (!selection.has("countUnit")) {
                throw failure(sel + ": countUnit is required when countType is " + countTypeText);
            }
            enumValue(selection.get("countUnit"), sel + "/countUnit", List.of("days"));
        }
        boolean hasPrefixes = selection.has("tagPrefixList");
        boolean hasPatterns = selection.has("tagPatternList");
        switch (status) {
            case TAGGED -> {
                if (!hasPrefixes && !hasPatterns) {
                    throw failure(sel + ": tagPrefixList or tagPatternList is required when tagStatus is tagged");
                }
                if (hasPrefixes && hasPatterns) {
                    throw failure(sel + ": a rule can specify tagPrefixList or tagPatternList, not both");
                }
                if ((hasPrefixes && prefixes.isEmpty()) || (hasPatterns && patterns.isEmpty())) {
                    throw failure(sel + "/" + (hasPrefixes ? "tagPrefixList" : "tagPatternList")
                            + ": array is too short: must have at least 1 elements but instance has 0 elements");
                }
            }
            case UNTAGGED, ANY -> {
                if (hasPrefixes || hasPatterns) {
                    throw failure(sel + ": tagPrefixList and tagPatternList can only be used when tagStatus is tagged");
                }
            }
        }
        for (String p : patterns) {
            if (Wildcards.stars(p) > MAX_WILDCARDS) {
                throw failure(sel + "/tagPatternList: the pattern '" + p + "' has more than " + MAX_WILDCARDS
                        + " wildcards (*)");
            }
        }
        return new Rule(priority, description, status, prefixes, patterns, countType, countNumber);
    }

    private static void crossRules(List<Rule> rules) {
        Set<Integer> priorities = new HashSet<>();
        for (Rule r : rules) {
            if (!priorities.add(r.priority())) {
                throw failure("rulePriority must be unique across rules; " + r.priority() + " is used more than once");
            }
        }
        int highest = rules.stream().mapToInt(Rule::priority).max().orElseThrow();
        for (Rule r : rules) {
            if (r.tagStatus() == TagStatus.ANY && r.priority() != highest) {
                throw failure("the rule with tagStatus 'any' (rulePriority " + r.priority()
                        + ") must have the highest rulePriority and be evaluated last");
            }
        }
        if (rules.stream().filter(r -> r.tagStatus() == TagStatus.UNTAGGED).count() > 1) {
            throw failure("only one rule can select untagged images");
        }
        Set<Set<String>> lists = new HashSet<>();
        for (Rule r : rules) {
            if (r.tagStatus() == TagStatus.TAGGED) {
                Set<String> key = new TreeSet<>(r.tagPrefixList().isEmpty() ? r.tagPatternList() : r.tagPrefixList());
                key.add(r.tagPrefixList().isEmpty() ? "\u0000pattern" : "\u0000prefix");
                if (!lists.add(key)) {
                    throw failure("rules must select unique sets of tags; rulePriority " + r.priority()
                            + " repeats the tag list of another rule");
                }
            }
        }
    }

    private static void members(JsonNode node, Set<String> allowed, String at) {
        List<String> unknown = new ArrayList<>();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                unknown.add("\"" + n + "\"");
            }
        }
        if (!unknown.isEmpty()) {
            throw failure(where(at) + "object instance has properties which are not allowed by the schema: " + unknown);
        }
        List<String> missing = new ArrayList<>();
        for (String required : requiredOf(allowed)) {
            if (!node.has(required)) {
                missing.add("\"" + required + "\"");
            }
        }
        if (!missing.isEmpty()) {
            throw failure(where(at) + "object has missing required properties (" + missing + ")");
        }
    }

    private static List<String> requiredOf(Set<String> allowed) {
        if (allowed == TOP) {
            return List.of("rules");
        }
        if (allowed == RULE) {
            return List.of("rulePriority", "selection", "action");
        }
        if (allowed == SELECTION) {
            return List.of("tagStatus", "countType");
        }
        return List.of("type");
    }

    private static JsonNode object(JsonNode n, String at) {
        if (!n.isObject()) {
            throw failure(at + ": instance type (" + type(n)
                    + ") does not match any allowed primitive type (allowed: [\"object\"])");
        }
        return n;
    }

    private static int integer(JsonNode n, String at) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw failure(at + ": instance type (" + type(n)
                    + ") does not match any allowed primitive type (allowed: [\"integer\"])");
        }
        if (n.asInt() < 1) {
            throw failure(at + ": numeric instance is lower than the required minimum (minimum: 1, found: " + n.asInt()
                    + ")");
        }
        return n.asInt();
    }

    private static String string(JsonNode n, String at) {
        if (!n.isTextual()) {
            throw failure(at + ": instance type (" + type(n)
                    + ") does not match any allowed primitive type (allowed: [\"string\"])");
        }
        return n.asText();
    }

    private static String enumValue(JsonNode n, String at, List<String> allowed) {
        String s = string(n, at);
        if (!allowed.contains(s)) {
            List<String> quoted = allowed.stream().map(a -> "\"" + a + "\"").toList();
            throw failure(at + ": instance value (\"" + s + "\") not found in enum (possible values: " + quoted + ")");
        }
        return s;
    }

    private static List<String> strings(JsonNode n, String at) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw failure(at + ": instance type (" + type(n)
                    + ") does not match any allowed primitive type (allowed: [\"array\"])");
        }
        for (int i = 0; i < n.size(); i++) {
            String s = string(n.get(i), at + "/" + i);
            if (s.isEmpty()) {
                throw failure(at + "/" + i + ": string \"\" is too short (length: 0, required minimum: 1)");
            }
            out.add(s);
        }
        return out;
    }

    private static String where(String at) {
        return at.isEmpty() ? "" : at + ": ";
    }

    private static String type(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        return switch (n.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT -> "object";
            case STRING -> "string";
            case NUMBER -> n.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN -> "boolean";
            default -> n.getNodeType().name().toLowerCase();
        };
    }

    static AwsException failure(String detail) {
        return RepositoryErrors.invalidParameter(
                "LifecyclePolicyText", "Lifecycle policy validation failure: " + detail);
    }
}
