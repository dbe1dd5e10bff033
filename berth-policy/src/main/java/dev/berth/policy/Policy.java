package dev.berth.policy;

import java.util.List;
import java.util.Objects;

/**
 * A compiled policy document: parsed and validated once (when IAM stores it or STS receives it),
 * then immutable and shared by every request it is evaluated for. Evaluation never looks at JSON.
 *
 * @param kind what the document was validated as
 * @param version {@code 2012-10-17} or {@code 2008-10-17} (the latter also when the document has no
 *     {@code Version}); policy variables are substituted only in {@code 2012-10-17} documents
 * @param id the document's {@code Id}, or null
 * @param statements the statements in document order
 * @param sourceId where the policy comes from (a policy ARN, {@code user/bob/inline-name}, ...), as
 *     SimulatePrincipalPolicy reports it in MatchedStatements; empty until {@link #withSourceId}
 */
public record Policy(PolicyKind kind, String version, String id, List<Statement> statements, String sourceId) {

    public static final String VERSION_2012 = "2012-10-17";
    public static final String VERSION_2008 = "2008-10-17";

    public Policy {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
        statements = List.copyOf(statements);
        Objects.requireNonNull(sourceId, "sourceId");
    }

    /**
     * Parses and validates {@code json} as a {@code kind} document.
     *
     * @throws MalformedPolicyException with IAM's message when IAM would refuse the document
     */
    public static Policy parse(String json, PolicyKind kind) {
        return PolicyParser.parse(json, kind);
    }

    /** The same policy, tagged with where it comes from. */
    public Policy withSourceId(String id) {
        return new Policy(kind, version, this.id, statements, id);
    }

    /** Whether the document uses policy variables ({@code 2012-10-17}). */
    public boolean variablesEnabled() {
        return VERSION_2012.equals(version);
    }
}
