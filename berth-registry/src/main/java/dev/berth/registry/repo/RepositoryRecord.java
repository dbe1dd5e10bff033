package dev.berth.registry.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.model.tag.Tag;
import java.time.Instant;
import java.util.List;

/**
 * One ECR repository as the store keeps it (kind {@code ecr-repository}, key = name). The fields
 * up to {@code encryptionConfiguration} are ECR's {@code Repository} shape, so DescribeRepositories
 * returns them as they are; the rest is state the ECR API and the OCI endpoints both consult
 * (tag mutability is enforced on a manifest PUT under {@code /v2/} as well as on PutImage).
 *
 * @param imageTagMutabilityExclusionFilters tag filters exempt from the mutability setting
 *     ({@code {"filterType":"WILDCARD","filter":"latest"}}); empty when none
 * @param policyText the repository policy (SetRepositoryPolicy), or null
 * @param lifecyclePolicyText the lifecycle policy (PutLifecyclePolicy), or null
 * @param lifecyclePolicyUpdatedAt when the lifecycle policy was last set, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepositoryRecord(
        String repositoryArn,
        String registryId,
        String repositoryName,
        String repositoryUri,
        Instant createdAt,
        String imageTagMutability,
        List<TagMutabilityFilter> imageTagMutabilityExclusionFilters,
        ScanningConfiguration imageScanningConfiguration,
        EncryptionConfiguration encryptionConfiguration,
        List<Tag> tags,
        String policyText,
        String lifecyclePolicyText,
        Instant lifecyclePolicyUpdatedAt) {

    /** ECR's {@code ImageTagMutabilityExclusionFilter}. */
    public record TagMutabilityFilter(String filterType, String filter) {
    }

    /** ECR's {@code ImageScanningConfiguration}. */
    public record ScanningConfiguration(boolean scanOnPush) {
    }

    /** ECR's {@code EncryptionConfiguration}: {@code AES256} or {@code KMS} with an optional key. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EncryptionConfiguration(String encryptionType, String kmsKey) {
    }
}
