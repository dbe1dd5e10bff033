package dev.berth.registry.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;

/**
 * Checks a repository policy the way ECR does before storing it: an IAM resource policy document
 * (a JSON object with an optional {@code Version} of {@code 2012-10-17} or {@code 2008-10-17} and
 * one or more {@code Statement}s, each with {@code Effect} Allow or Deny, a {@code Principal} or
 * {@code NotPrincipal}, and an {@code Action} or {@code NotAction} naming {@code ecr:} actions).
 * Anything else is ECR's {@code Invalid repository policy provided}. Berth stores the policy and
 * returns it; the authorizer does not evaluate it yet.
 */
public final class PolicyDocuments {

    private static final Set<String> VERSIONS = Set.of("2012-10-17", "2008-10-17");
    private static final Set<String> STATEMENT_KEYS = Set.of(
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition");

    private PolicyDocuments() {}

    public static void check(ObjectMapper mapper, String text) {
        JsonNode doc;
        try {
            doc = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid();
        }
        if (doc == null || !doc.isObject()) {
            throw invalid();
        }
        var names = doc.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!n.equals("Version") && !n.equals("Statement") && !n.equals("Id")) {
                throw invalid();
            }
        }
        if (doc.has("Version") && !VERSIONS.contains(doc.get("Version").asText())) {
            throw invalid();
        }
        JsonNode statements = doc.get("Statement");
        if (statements == null || (statements.isArray() && statements.isEmpty())) {
            throw invalid();
        }
        if (statements.isObject()) {
            statement(statements);
        } else if (statements.isArray()) {
            statements.forEach(PolicyDocuments::statement);
        } else {
            throw invalid();
        }
    }

    private static void statement(JsonNode s) {
        if (!s.isObject()) {
            throw invalid();
        }
        s.fieldNames().forEachRemaining(n -> {
            if (!STATEMENT_KEYS.contains(n)) {
                throw invalid();
            }
        });
        String effect = s.path("Effect").asText("");
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            throw invalid();
        }
        if (s.has("Principal") == s.has("NotPrincipal")) {
            throw invalid();
        }
        JsonNode principal = s.has("Principal") ? s.get("Principal") : s.get("NotPrincipal");
        if (!(principal.isTextual() && principal.asText().equals("*"))
                && !(principal.isObject() && !principal.isEmpty())) {
            throw invalid();
        }
        if (s.has("Action") == s.has("NotAction")) {
            throw invalid();
        }
        JsonNode actions = s.has("Action") ? s.get("Action") : s.get("NotAction");
        if (actions.isTextual()) {
            action(actions.asText());
        } else if (actions.isArray() && !actions.isEmpty()) {
            actions.forEach(a -> {
                if (!a.isTextual()) {
                    throw invalid();
                }
                action(a.asText());
            });
        } else {
            throw invalid();
        }
    }

    private static void action(String action) {
        if (!action.equals("*") && !(action.regionMatches(true, 0, "ecr:", 0, 4) && action.length() > 4)) {
            throw invalid();
        }
    }

    private static RuntimeException invalid() {
        return RepositoryErrors.invalidParameter("PolicyText", "Invalid repository policy provided");
    }
}
