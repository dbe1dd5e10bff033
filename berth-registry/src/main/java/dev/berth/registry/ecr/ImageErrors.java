package dev.berth.registry.ecr;

import dev.berth.model.error.AwsException;
import dev.berth.registry.RegistryError;

/**
 * The ECR exceptions of the image and layer operations, with ECR's messages, and the translation of
 * a {@link RegistryError} (which the OCI endpoints report as OCI codes) into them.
 */
final class ImageErrors {

    private ImageErrors() {}

    static AwsException invalidParameter(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    static AwsException repositoryNotFound(String repo, String registryId) {
        return new AwsException(
                "RepositoryNotFoundException",
                400,
                "The repository with name '" + repo + "' does not exist in the registry with id '" + registryId + "'");
    }

    /** The ECR form of a registry failure during an operation on {@code repo}. */
    static AwsException of(RegistryError e, String repo, String registryId) {
        return switch (e.code()) {
            case NAME_UNKNOWN, NAME_INVALID -> repositoryNotFound(repo, registryId);
            case MANIFEST_BLOB_UNKNOWN -> new AwsException("LayersNotFoundException", 400, e.getMessage());
            case MANIFEST_REFERENCE_UNKNOWN ->
                new AwsException("ReferencedImagesNotFoundException", 400, e.getMessage());
            case TAG_IMMUTABLE -> new AwsException("ImageTagAlreadyExistsException", 400, e.getMessage());
            case DIGEST_INVALID -> new AwsException("ImageDigestDoesNotMatchException", 400, e.getMessage());
            case BLOB_UPLOAD_UNKNOWN ->
                new AwsException(
                        "UploadNotFoundException",
                        400,
                        "The upload does not exist in the repository with name '" + repo + "' in the registry with id '"
                                + registryId + "'");
            case MANIFEST_UNKNOWN -> new AwsException("ImageNotFoundException", 400, e.getMessage());
            default -> invalidParameter(e.getMessage());
        };
    }
}
