package dev.berth.iam.api;

import static dev.berth.iam.api.Iam.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.Policy;
import dev.berth.policy.PolicyKind;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to IAM's identities and their policies for STS and the policy simulator (and, later,
 * the authorization of every call): a user's, group's or role's identity-based policies (inline and
 * the default versions of attached managed policies, a user's groups' included), its permissions
 * boundary, and managed policies by ARN, each compiled by berth-policy and tagged with its source
 * ({@code type|id}, {@link #sourceType}/{@link #sourceId} split it for SimulatePrincipalPolicy).
 */
public final class Directory {

    private final Iam iam;
    private final PolicyDocs docs;

    public Directory(Iam iam, PolicyDocs docs) {
        this.iam = iam;
        this.docs = docs;
    }

    public Iam iam() {
        return iam;
    }

    public Optional<ObjectNode> user(Transaction tx, String name) {
        return iam.get(tx, Iam.USER, key(name));
    }

    public Optional<ObjectNode> role(Transaction tx, String name) {
        return iam.get(tx, Iam.ROLE, key(name));
    }

    public Optional<ObjectNode> group(Transaction tx, String name) {
        return iam.get(tx, Iam.GROUP, key(name));
    }

    /** An OIDC provider by its URL without scheme ({@code host[:port][/path]}). */
    public Optional<ObjectNode> oidcProvider(Transaction tx, String hostAndPath) {
        return iam.get(tx, Iam.OIDC, hostAndPath);
    }

    /** The default version of a managed policy (customer or AWS), compiled; empty when it does not exist. */
    public Optional<Policy> managed(Transaction tx, String arn) {
        Optional<PolicyDocs.AwsManaged> aws = docs.awsManaged(arn);
        if (aws.isPresent()) {
            return Optional.of(aws.get().parsed().withSourceId("aws-managed|" + arn));
        }
        return ManagedPolicyOps.local(iam, tx, arn, false).flatMap(p -> {
            String def = p.get("DefaultVersionId").asText();
            for (JsonNode v : p.path("versions")) {
                if (v.get("VersionId").asText().equals(def)) {
                    return Optional.of(Policy.parse(v.get("Document").asText(), PolicyKind.IDENTITY)
                            .withSourceId("user-managed|" + arn));
                }
            }
            return Optional.empty();
        });
    }

    /** The identity-based policies of a user (with its groups'), group or role document. */
    public List<Policy> identityPolicies(Transaction tx, String kindWord, ObjectNode entity) {
        List<Policy> out = new ArrayList<>();
        addOwn(tx, kindWord, entity, out);
        if (kindWord.equals("user")) {
            for (String g : Iam.strings(entity.get("groups"))) {
                group(tx, g).ifPresent(group -> addOwn(tx, "group", group, out));
            }
        }
        return out;
    }

    private void addOwn(Transaction tx, String kindWord, ObjectNode entity, List<Policy> out) {
        for (Map.Entry<String, JsonNode> p : entity.path("inline").properties()) {
            out.add(Policy.parse(p.getValue().asText(), PolicyKind.IDENTITY).withSourceId(kindWord + "|" + p.getKey()));
        }
        for (String arn : Iam.strings(entity.get("attached"))) {
            managed(tx, arn).ifPresent(out::add);
        }
    }

    /** The permissions boundary of a user or role document, or null. */
    public Policy boundary(Transaction tx, ObjectNode entity) {
        JsonNode b = entity.get("PermissionsBoundary");
        if (b == null) {
            return null;
        }
        return managed(tx, b.get("PermissionsBoundaryArn").asText()).orElse(null);
    }

    public static String sourceType(String sourceId) {
        int bar = sourceId.indexOf('|');
        return bar < 0 ? "none" : sourceId.substring(0, bar);
    }

    public static String sourceId(String sourceId) {
        int bar = sourceId.indexOf('|');
        return bar < 0 ? sourceId : sourceId.substring(bar + 1);
    }
}
