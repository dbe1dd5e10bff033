package dev.berth.registry.meta;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.RegistryKinds;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The data half's read-only view of repositories. The repository API owns the
 * {@code ecr-repository} documents ({@link dev.berth.registry.repo.RepositoryRecord}); this class
 * reads just the fields pushes and pulls consult, from the JSON, so it keeps working whatever else
 * that record grows.
 */
public final class Repositories {

    /** ECR's repository name pattern and length (2 to 256). */
    public static final Pattern NAME =
            Pattern.compile("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");

    /** What a push or pull needs of a repository. */
    public record Repo(
            String name, String mutability, List<String> exclusionFilters, String policyText, String registryId) {

        /** Whether {@code tag}, once it exists, may be moved to another manifest. */
        public boolean tagMutable(String tag) {
            boolean excluded = exclusionFilters.stream()
                    .anyMatch(f -> wildcard(f).matcher(tag).matches());
            return switch (mutability == null ? "MUTABLE" : mutability) {
                case "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION" -> excluded;
                case "MUTABLE_WITH_EXCLUSION" -> !excluded;
                default -> true;
            };
        }
    }

    private final ObjectMapper mapper;

    public Repositories(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public static boolean validName(String name) {
        return name != null
                && name.length() >= 2
                && name.length() <= 256
                && NAME.matcher(name).matches();
    }

    public Optional<Repo> find(Transaction tx, String name) {
        if (!validName(name)) {
            return Optional.empty();
        }
        return tx.get(RegistryKinds.REPOSITORY, name).map(e -> {
            try {
                JsonNode n = mapper.readTree(e.json());
                List<String> filters = new ArrayList<>();
                for (JsonNode f : n.path("imageTagMutabilityExclusionFilters")) {
                    filters.add(f.path("filter").asText());
                }
                return new Repo(
                        name,
                        n.path("imageTagMutability").asText("MUTABLE"),
                        filters,
                        n.hasNonNull("policyText") ? n.get("policyText").asText() : null,
                        n.path("registryId").asText(null));
            } catch (JacksonException ex) {
                throw new IllegalStateException("stored repository " + name + " is unreadable", ex);
            }
        });
    }

    /** Every repository name after {@code after} (null = from the start), at most {@code limit}, in order. */
    public List<String> names(Transaction tx, String after, int limit) {
        List<String> out = new ArrayList<>();
        for (var e : tx.scan(RegistryKinds.REPOSITORY, "", after, limit).entries()) {
            out.add(e.key());
        }
        return out;
    }

    private static Pattern wildcard(String filter) {
        StringBuilder re = new StringBuilder();
        for (String part : filter.split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }
}
