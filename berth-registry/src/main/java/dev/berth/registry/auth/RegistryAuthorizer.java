package dev.berth.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.meta.Repositories;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The one place that decides who may do what in the registry, for the OCI endpoints (and, through
 * {@link #allows}, any other front end). Today's rules:
 * <ul>
 *   <li>a registry password ({@link RegistryTokens}) issued to an access key that still exists may
 *       pull, push and delete in every repository of the installation (ECR with an
 *       administrator's credentials);</li>
 *   <li>a password issued to a scoped principal {@code agent/<id>} (what the server hands agents
 *       for pulling task images) may only pull;</li>
 *   <li>anonymous requests may only pull, and only from public repositories: those whose
 *       repository policy allows {@code "Principal": "*"} the action {@code ecr:BatchGetImage}
 *       (or {@code ecr:*}), the private-registry analogue of ECR Public.</li>
 * </ul>
 *
 * <p>Extension point: IAM identity policies and the full repository policy evaluation plug in
 * here, in {@link #allows}; callers already pass the action and the repository.
 */
public class RegistryAuthorizer {

    /** What a request wants to do. */
    public enum Action {
        PULL,
        PUSH,
        DELETE,
        LIST_REPOSITORIES
    }

    /** Who is asking: a token's principal, or nobody. */
    public record Principal(String id) {
        public static final Principal ANONYMOUS = new Principal(null);

        public boolean anonymous() {
            return id == null;
        }

        public boolean agent() {
            return id != null && id.startsWith("agent/");
        }
    }

    private final RegistryTokens tokens;
    private final Predicate<String> accessKeyExists;
    private final ObjectMapper mapper;

    /**
     * @param accessKeyExists whether an access key id is (still) known; passwords of deleted keys
     *     stop working at once
     */
    public RegistryAuthorizer(RegistryTokens tokens, Predicate<String> accessKeyExists, ObjectMapper mapper) {
        this.tokens = tokens;
        this.accessKeyExists = accessKeyExists;
        this.mapper = mapper;
    }

    /** The principal of a Basic {@code AWS:<password>} credential, if it is valid. */
    public Optional<Principal> authenticate(String user, String password) {
        if (!"AWS".equals(user)) {
            return Optional.empty();
        }
        return tokens.verify(password)
                .filter(p -> p.startsWith("agent/") || accessKeyExists.test(p))
                .map(Principal::new);
    }

    /** Whether {@code who} may do {@code action} in {@code repo} (null for registry-wide actions). */
    public boolean allows(Principal who, Action action, Repositories.Repo repo) {
        if (who.anonymous()) {
            return action == Action.PULL && repo != null && isPublic(repo);
        }
        if (who.agent()) {
            return action == Action.PULL;
        }
        return true;
    }

    /** Whether a repository's policy lets anyone pull from it. */
    public boolean isPublic(Repositories.Repo repo) {
        if (repo.policyText() == null) {
            return false;
        }
        try {
            JsonNode policy = mapper.readTree(repo.policyText());
            for (JsonNode st : policy.path("Statement").isArray()
                    ? policy.path("Statement")
                    : mapper.createArrayNode().add(policy.path("Statement"))) {
                if (!"Allow".equals(st.path("Effect").asText())) {
                    continue;
                }
                JsonNode principal = st.path("Principal");
                boolean everyone = "*".equals(principal.asText())
                        || "*".equals(principal.path("AWS").asText());
                if (everyone && mentions(st.path("Action"), "ecr:BatchGetImage")) {
                    return true;
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    private static boolean mentions(JsonNode actions, String action) {
        if (actions.isTextual()) {
            String a = actions.asText();
            return a.equals("*") || a.equals("ecr:*") || a.equalsIgnoreCase(action);
        }
        for (JsonNode a : actions) {
            if (mentions(a, action)) {
                return true;
            }
        }
        return false;
    }
}
