package dev.berth.registry.meta;

import java.util.List;

/**
 * One manifest (an image, an index or an artifact) in one repository, as the store keeps it (kind
 * {@code ecr-image}, key {@code <repository>@<digest>}). The manifest bytes themselves are a blob
 * in the blob store under {@link #digest}, so they are shared when two repositories hold the same.
 *
 * @param size length of the manifest bytes
 * @param imageSizeInBytes what DescribeImages reports: the sum of the config and layer sizes for an
 *     image manifest, the manifest's own size for an index
 * @param references digests this manifest needs: config and layers of an image manifest (the blobs
 *     garbage collection must keep), the child manifests of an index
 * @param subject the digest in the manifest's {@code subject} field (referrers API), or null
 * @param artifactType {@code artifactType}, else the config media type when it is not an image
 *     config, else null (ECR's {@code artifactMediaType} and OCI's referrers {@code artifactType})
 * @param configMediaType the config descriptor's media type, or null for an index
 * @param annotations the manifest's annotations, or null
 * @param pushedAt when the manifest was (last) pushed, epoch millis
 * @param lastPulledAt when the manifest was last pulled, epoch millis, or null
 */
public record ImageRecord(
        String repositoryName,
        String digest,
        String mediaType,
        long size,
        long imageSizeInBytes,
        List<String> references,
        String subject,
        String artifactType,
        String configMediaType,
        java.util.Map<String, String> annotations,
        long pushedAt,
        Long lastPulledAt) {

    public ImageRecord {
        references = references == null ? List.of() : List.copyOf(references);
    }

    public ImageRecord withLastPulledAt(long at) {
        return new ImageRecord(
                repositoryName,
                digest,
                mediaType,
                size,
                imageSizeInBytes,
                references,
                subject,
                artifactType,
                configMediaType,
                annotations,
                pushedAt,
                at);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }
}
