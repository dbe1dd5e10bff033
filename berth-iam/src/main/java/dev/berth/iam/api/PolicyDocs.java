package dev.berth.iam.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import dev.berth.policy.MalformedPolicyException;
import dev.berth.policy.Policy;
import dev.berth.policy.PolicyKind;
import dev.berth.policy.PolicySize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Policy documents as IAM accepts them: parsed by berth-policy (so a refused document answers
 * {@code MalformedPolicyDocument} with IAM's message) and measured against IAM's size quotas, which
 * count every character except white space: 2,048 for all of a user's inline policies together,
 * 5,120 for a group's, 10,240 for a role's, 6,144 for a managed policy version, 2,048 for a trust
 * policy. Also the AWS managed policies Berth ships ({@code iam/aws-managed-policies.json}).
 */
public final class PolicyDocs {

    public static final int USER_INLINE = 2048;
    public static final int GROUP_INLINE = 5120;
    public static final int ROLE_INLINE = 10240;
    public static final int MANAGED = 6144;
    public static final int TRUST = 2048;
    public static final int SESSION = 2048;

    public static final String AWS_POLICY_PREFIX = "arn:aws:iam::aws:policy";

    /** An AWS managed policy: what GetPolicy and GetPolicyVersion show, and its parsed document. */
    public record AwsManaged(ObjectNode policy, String document, Policy parsed) {
        public String arn() {
            return policy.get("Arn").asText();
        }
    }

    private final Map<String, AwsManaged> awsManaged = new LinkedHashMap<>();

    public PolicyDocs(ObjectMapper mapper) {
        try (InputStream in = PolicyDocs.class.getResourceAsStream("/iam/aws-managed-policies.json")) {
            for (JsonNode p : mapper.readTree(in)) {
                ObjectNode policy = (ObjectNode) p.deepCopy();
                String document = mapper.writeValueAsString(policy.remove("Document"));
                String name = policy.get("PolicyName").asText();
                String arn = AWS_POLICY_PREFIX + policy.get("Path").asText() + name;
                policy.put("Arn", arn);
                policy.put(
                        "PolicyId",
                        "ANPA" + Integer.toHexString(name.hashCode()).toUpperCase() + "AWSMANAGED");
                policy.put("AttachmentCount", 0);
                policy.put("PermissionsBoundaryUsageCount", 0);
                policy.put("IsAttachable", true);
                policy.put("UpdateDate", policy.get("CreateDate").asText());
                awsManaged.put(
                        arn,
                        new AwsManaged(
                                policy,
                                document,
                                Policy.parse(document, PolicyKind.IDENTITY).withSourceId(arn)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<AwsManaged> awsManaged(String arn) {
        return Optional.ofNullable(awsManaged.get(arn));
    }

    public Collection<AwsManaged> awsManaged() {
        return awsManaged.values();
    }

    /** Parses {@code json} as a {@code kind} document, or throws IAM's {@code MalformedPolicyDocument}. */
    public static Policy parse(String json, PolicyKind kind) {
        try {
            return Policy.parse(json, kind);
        } catch (MalformedPolicyException e) {
            throw e.toAwsException();
        }
    }

    /** The size IAM counts: characters that are not white space. */
    public static int size(String json) {
        return PolicySize.countWithoutWhitespace(json);
    }

    /** An inline policy over its entity's quota (all of the entity's inline policies together). */
    static AwsException inlineTooLarge(int limit, String entityType, String entityName) {
        return Iam.limitExceeded(
                "Maximum policy size of " + limit + " bytes exceeded for " + entityType + " " + entityName);
    }

    static AwsException quota(String name, int limit) {
        return Iam.limitExceeded("Cannot exceed quota for " + name + ": " + limit);
    }
}
