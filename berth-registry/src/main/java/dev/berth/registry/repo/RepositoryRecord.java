package dev.berth.registry.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.berth.model.tag.Tag;
import java.time.Instant;
import java.util.List;

/**
 * One ECR repository as the store keeps it (kind {@code ecr-repository}, key = name). The fields
 * up to {@code encryptionConfiguration} are ECR's {@code Repository} shape, so DescribeRepositories
 * returns them as they are; the rest is state the ECR API and the OCI endpoints both consult
 * (tag mutability is enforced on a manifest PUT under {@code /v2/} as well as on PutImage).
 *
 * <p>Only the repository operations ({@code RepositoryApi}, {@code RepositoryPolicyApi},
 * {@code RepositoryTagApi}, {@code LifecycleApi}) write these documents; everything else reads them.
 * {@code repositoryUri} is what it was at creation; responses render the current endpoint instead.
 *
 * @param imageTagMutabilityExclusionFilters tag filters exempt from the mutability setting
 *     ({@code {"filterType":"WILDCARD","filter":"latest"}}); empty when none
 * @param policyText the repository policy (SetRepositoryPolicy), or null
 * @param lifecyclePolicyText the lifecycle policy (PutLifecyclePolicy), or null
 * @param lifecyclePolicyUpdatedAt when the lifecycle policy was last set, or null
 * @param lifecyclePolicyLastEvaluatedAt when the lifecycle executor last ran the policy, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepositoryRecord(
        String repositoryArn,
        String registryId,
        String repositoryName,
        String repositoryUri,

        @JsonSerialize(using = InstantJson.Write.class) @JsonDeserialize(using = InstantJson.Read.class)
        Instant createdAt,

        String imageTagMutability,
        List<TagMutabilityFilter> imageTagMutabilityExclusionFilters,
        ScanningConfiguration imageScanningConfiguration,
        EncryptionConfiguration encryptionConfiguration,
        List<Tag> tags,
        String policyText,
        String lifecyclePolicyText,

        @JsonSerialize(using = InstantJson.Write.class) @JsonDeserialize(using = InstantJson.Read.class)
        Instant lifecyclePolicyUpdatedAt,

        @JsonSerialize(using = InstantJson.Write.class) @JsonDeserialize(using = InstantJson.Read.class)
        Instant lifecyclePolicyLastEvaluatedAt) {

    public static final String MUTABLE = "MUTABLE";
    public static final String IMMUTABLE = "IMMUTABLE";

    public RepositoryRecord {
        imageTagMutabilityExclusionFilters = imageTagMutabilityExclusionFilters == null
                ? List.of()
                : List.copyOf(imageTagMutabilityExclusionFilters);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** ECR's {@code ImageTagMutabilityExclusionFilter}. */
    public record TagMutabilityFilter(String filterType, String filter) {}

    /** ECR's {@code ImageScanningConfiguration}. */
    public record ScanningConfiguration(boolean scanOnPush) {}

    /** ECR's {@code EncryptionConfiguration}: {@code AES256} or {@code KMS} with an optional key. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EncryptionConfiguration(String encryptionType, String kmsKey) {}

    public RepositoryRecord withTagMutability(String mutability, List<TagMutabilityFilter> filters) {
        return new RepositoryRecord(
                repositoryArn,
                registryId,
                repositoryName,
                repositoryUri,
                createdAt,
                mutability,
                filters,
                imageScanningConfiguration,
                encryptionConfiguration,
                tags,
                policyText,
                lifecyclePolicyText,
                lifecyclePolicyUpdatedAt,
                lifecyclePolicyLastEvaluatedAt);
    }

    public RepositoryRecord withScanning(ScanningConfiguration scanning) {
        return new RepositoryRecord(
                repositoryArn,
                registryId,
                repositoryName,
                repositoryUri,
                createdAt,
                imageTagMutability,
                imageTagMutabilityExclusionFilters,
                scanning,
                encryptionConfiguration,
                tags,
                policyText,
                lifecyclePolicyText,
                lifecyclePolicyUpdatedAt,
                lifecyclePolicyLastEvaluatedAt);
    }

    public RepositoryRecord withTags(List<Tag> newTags) {
        return new RepositoryRecord(
                repositoryArn,
                registryId,
                repositoryName,
                repositoryUri,
                createdAt,
                imageTagMutability,
                imageTagMutabilityExclusionFilters,
                imageScanningConfiguration,
                encryptionConfiguration,
                newTags,
                policyText,
                lifecyclePolicyText,
                lifecyclePolicyUpdatedAt,
                lifecyclePolicyLastEvaluatedAt);
    }

    public RepositoryRecord withPolicy(String text) {
        return new RepositoryRecord(
                repositoryArn,
                registryId,
                repositoryName,
                repositoryUri,
                createdAt,
                imageTagMutability,
                imageTagMutabilityExclusionFilters,
                imageScanningConfiguration,
                encryptionConfiguration,
                tags,
                text,
                lifecyclePolicyText,
                lifecyclePolicyUpdatedAt,
                lifecyclePolicyLastEvaluatedAt);
    }

    /** The lifecycle policy replaced (null = deleted); a new policy has not been evaluated yet. */
    public RepositoryRecord withLifecyclePolicy(String text, Instant updatedAt) {
        return new RepositoryRecord(
                repositoryArn,
                registryId,
                repositoryName,
                repositoryUri,
                createdAt,
                imageTagMutability,
                imageTagMutabilityExclusionFilters,
                imageScanningConfiguration,
                encryptionConfiguration,
                tags,
                policyText,
                text,
                text == null ? null : updatedAt,
                null);
    }

    public RepositoryRecord withLifecycleEvaluatedAt(Instant at) {
        return new RepositoryRecord(
                repositoryArn,
                registryId,
                repositoryName,
                repositoryUri,
                createdAt,
                imageTagMutability,
                imageTagMutabilityExclusionFilters,
                imageScanningConfiguration,
                encryptionConfiguration,
                tags,
                policyText,
                lifecyclePolicyText,
                lifecyclePolicyUpdatedAt,
                at);
    }

    /**
     * Whether pushing {@code tag} must not move it once it points at an image: true in an IMMUTABLE
     * repository unless an exclusion filter matches the tag. Both PutImage and a manifest PUT under
     * {@code /v2/} ask this.
     */
    public boolean tagIsImmutable(String tag) {
        boolean immutable = imageTagMutability != null && imageTagMutability.startsWith(IMMUTABLE);
        boolean excluded =
                imageTagMutabilityExclusionFilters.stream().anyMatch(f -> Wildcards.matches(f.filter(), tag));
        return immutable != excluded;
    }
}
