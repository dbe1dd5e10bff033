package dev.berth.secrets.secretsmanager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.tag.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * ListSecrets {@code Filters} as Secrets Manager applies them: each filter's values are prefix
 * matches OR-ed together, a value starting with {@code !} negates, filters are AND-ed.
 * {@code description} and {@code all} ignore case; {@code name}, {@code tag-key} and
 * {@code tag-value} do not; {@code all} matches any word of the value against name, description,
 * tag keys and tag values. {@code primary-region} and {@code owning-service} match nothing a
 * Berth secret has (it has no replica regions and no owning service).
 */
final class SecretFilters implements Predicate<StoredSecret> {

    private final List<Predicate<StoredSecret>> all;

    private SecretFilters(List<Predicate<StoredSecret>> all) {
        this.all = all;
    }

    static SecretFilters parse(JsonNode filters) {
        List<Predicate<StoredSecret>> out = new ArrayList<>();
        if (filters != null) {
            for (JsonNode f : filters) {
                String key = f.path("Key").asText();
                List<String> values = new ArrayList<>();
                f.path("Values").forEach(v -> values.add(v.asText()));
                if (values.isEmpty()) {
                    throw SecretsErrors.invalidParameter("Invalid filter values for key: " + key);
                }
                out.add(s -> values.stream().anyMatch(v -> {
                    boolean negate = v.startsWith("!");
                    String p = negate ? v.substring(1) : v;
                    return matches(key, s, p) != negate;
                }));
            }
        }
        return new SecretFilters(out);
    }

    private static boolean matches(String key, StoredSecret s, String prefix) {
        return switch (key) {
            case "name" -> s.name().startsWith(prefix);
            case "description" ->
                s.description() != null
                        && s.description().toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
            case "tag-key" -> s.tags().stream().anyMatch(t -> t.key().startsWith(prefix));
            case "tag-value" -> s.tags().stream().anyMatch(t -> t.value().startsWith(prefix));
            case "all" -> {
                for (String word : prefix.toLowerCase(Locale.ROOT).split("\\s+")) {
                    List<String> fields = new ArrayList<>();
                    fields.add(s.name());
                    if (s.description() != null) {
                        fields.add(s.description());
                    }
                    for (Tag t : s.tags()) {
                        fields.add(t.key());
                        fields.add(t.value());
                    }
                    if (fields.stream().anyMatch(x -> x.toLowerCase(Locale.ROOT).startsWith(word))) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    @Override
    public boolean test(StoredSecret s) {
        return all.stream().allMatch(p -> p.test(s));
    }
}
