package dev.berth.secrets.ssm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.tag.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * SSM's {@code ParameterFilters} ({@code ParameterStringFilter}: Key, Option, Values) and the older
 * {@code Filters} of DescribeParameters, turned into one predicate over stored parameters. Keys
 * and options are checked as SSM checks them ({@code InvalidFilterKey}, {@code InvalidFilterOption},
 * {@code InvalidFilterValue}); GetParametersByPath allows fewer keys than DescribeParameters.
 * Pure; a filter list of {@code n} filters is their conjunction, a filter's values a disjunction.
 */
final class ParameterFilters {

    static final Set<String> TYPES = Set.of("String", "StringList", "SecureString");
    static final List<String> DESCRIBE_KEYS = List.of("Name", "Path", "Type", "KeyId", "Tier", "DataType", "tag");
    static final List<String> BY_PATH_KEYS = List.of("Type", "KeyId", "Label", "tag", "DataType");

    private ParameterFilters() {}

    static Predicate<StoredParameter> parse(JsonNode filters, List<String> allowedKeys) {
        List<Predicate<StoredParameter>> all = new ArrayList<>();
        if (filters != null) {
            for (JsonNode f : filters) {
                all.add(one(
                        f.path("Key").asText(), f.path("Option").asText(null), values(f.path("Values")), allowedKeys));
            }
        }
        return p -> all.stream().allMatch(x -> x.test(p));
    }

    /** The legacy DescribeParameters {@code Filters}: Name (begins with), Type, KeyId. */
    static Predicate<StoredParameter> legacy(JsonNode filters) {
        List<Predicate<StoredParameter>> all = new ArrayList<>();
        if (filters != null) {
            for (JsonNode f : filters) {
                String key = f.path("Key").asText();
                List<String> values = values(f.path("Values"));
                all.add(
                        switch (key) {
                            case "Name" ->
                                p -> values.stream().anyMatch(v -> p.name().startsWith(v));
                            case "Type" -> checkTypes(values, p -> p.current().type());
                            case "KeyId" -> p -> values.contains(p.current().keyId());
                            default ->
                                throw SsmErrors.of(
                                        "InvalidFilterKey",
                                        "The following filter key is not valid: " + key
                                                + ". Valid filter keys include: [Name, Type, KeyId].");
                        });
            }
        }
        return p -> all.stream().allMatch(x -> x.test(p));
    }

    private static List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static Predicate<StoredParameter> one(
            String key, String option, List<String> values, List<String> allowed) {
        String family = key.startsWith("tag:") ? "tag" : key;
        if (!allowed.contains(family)) {
            throw SsmErrors.of(
                    "InvalidFilterKey",
                    "The following filter key is not valid: " + key
                            + ". Valid filter keys include: "
                            + allowed.stream()
                                    .map(k -> k.equals("tag") ? "tag:<key>" : k)
                                    .toList()
                            + ".");
        }
        if (!family.equals("tag") && values.isEmpty()) {
            throw SsmErrors.of(
                    "InvalidFilterValue", "The following filter values are missing : null for filter key " + key + ".");
        }
        String opt = option == null ? (family.equals("Path") ? "OneLevel" : "Equals") : option;
        List<String> options =
                switch (family) {
                    case "Name" -> List.of("Equals", "BeginsWith", "Contains");
                    case "Path" -> List.of("Recursive", "OneLevel");
                    case "tag" -> List.of("Equals", "BeginsWith", "Contains");
                    default -> List.of("Equals");
                };
        if (!options.contains(opt)) {
            throw SsmErrors.of(
                    "InvalidFilterOption",
                    "The following filter option is not valid: " + opt + ". Valid options include: " + options + ".");
        }
        return switch (family) {
            case "Name" ->
                p -> values.stream()
                        .anyMatch(v ->
                                matches(opt, nameWithSlash(p.name()), nameWithSlash(v)) || matches(opt, p.name(), v));
            case "Path" -> {
                List<String> prefixes =
                        values.stream().map(ParameterNames::checkPath).toList();
                yield p -> prefixes.stream().anyMatch(prefix -> inPath(p.name(), prefix, opt.equals("Recursive")));
            }
            case "Type" -> checkTypes(values, p -> p.current().type());
            case "KeyId" -> p -> values.contains(p.current().keyId());
            case "Tier" -> p -> values.contains(p.current().tier());
            case "DataType" -> p -> values.contains(p.current().dataType());
            case "Label" ->
                p -> values.stream().anyMatch(v -> p.current().labels().contains(v));
            default -> {
                String tagKey = key.substring(4);
                yield p -> {
                    for (Tag t : p.tags()) {
                        if (t.key().equals(tagKey)
                                && (values.isEmpty() || values.stream().anyMatch(v -> matches(opt, t.value(), v)))) {
                            return true;
                        }
                    }
                    return false;
                };
            }
        };
    }

    private static Predicate<StoredParameter> checkTypes(
            List<String> values, java.util.function.Function<StoredParameter, String> type) {
        for (String v : values) {
            if (!TYPES.contains(v)) {
                throw SsmErrors.of(
                        "InvalidFilterValue",
                        "The following filter value is not valid: " + v
                                + ". Valid values include: [String, StringList, SecureString].");
            }
        }
        return p -> values.contains(type.apply(p));
    }

    private static String nameWithSlash(String n) {
        return n.startsWith("/") ? n : "/" + n;
    }

    private static boolean matches(String option, String actual, String wanted) {
        return switch (option) {
            case "BeginsWith" -> actual.startsWith(wanted);
            case "Contains" -> actual.contains(wanted);
            default -> actual.equals(wanted);
        };
    }

    /** Whether {@code name} lies under {@code prefix} (ending in /): directly, or at any depth when recursive. */
    static boolean inPath(String name, String prefix, boolean recursive) {
        if (prefix.equals("/")) {
            return name.startsWith("/") && (recursive || name.indexOf('/', 1) < 0);
        }
        if (!name.startsWith(prefix)) {
            return false;
        }
        return recursive || name.indexOf('/', prefix.length()) < 0;
    }
}
