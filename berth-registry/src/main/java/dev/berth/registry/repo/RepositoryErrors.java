package dev.berth.registry.repo;

import dev.berth.model.error.AwsException;

/**
 * The errors of ECR's repository operations, with the codes and messages ECR answers, so every
 * class of the control half says them the same way. All are client errors (HTTP 400).
 */
public final class RepositoryErrors {

    private RepositoryErrors() {}

    public static AwsException invalidParameter(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    /** ECR's wording for a constraint on one request member: {@code Invalid parameter at 'x' failed to satisfy constraint: '...'}. */
    /** ECR's answer to a nextToken that a previous call of {@code operation} did not return. */
    public static AwsException invalidNextToken(String operation) {
        return invalidParameter("nextToken", "the token was not returned by a previous " + operation + " call");
    }

    public static AwsException invalidParameter(String member, String constraint) {
        return invalidParameter(
                "Invalid parameter at '" + member + "' failed to satisfy constraint: '" + constraint + "'");
    }

    public static AwsException notFound(String registryId, String name) {
        return new AwsException(
                "RepositoryNotFoundException",
                400,
                "The repository with name '" + name + "' does not exist in the registry with id '" + registryId + "'");
    }

    public static AwsException alreadyExists(String registryId, String name) {
        return new AwsException(
                "RepositoryAlreadyExistsException",
                400,
                "The repository with name '" + name + "' already exists in the registry with id '" + registryId + "'");
    }

    public static AwsException notEmpty(String registryId, String name) {
        return new AwsException(
                "RepositoryNotEmptyException",
                400,
                "The repository with name '" + name + "' in registry with id '" + registryId
                        + "' cannot be deleted because it still contains images");
    }

    public static AwsException policyNotFound(String registryId, String name) {
        return new AwsException(
                "RepositoryPolicyNotFoundException",
                400,
                "Repository policy does not exist for the repository with name '" + name + "' in the registry with id '"
                        + registryId + "'");
    }

    public static AwsException lifecyclePolicyNotFound(String registryId, String name) {
        return new AwsException(
                "LifecyclePolicyNotFoundException",
                400,
                "Lifecycle policy does not exist for the repository with name '" + name + "' in the registry with id '"
                        + registryId + "'");
    }

    public static AwsException previewNotFound(String registryId, String name) {
        return new AwsException(
                "LifecyclePolicyPreviewNotFoundException",
                400,
                "There is no lifecycle policy preview for the repository with name '" + name
                        + "' in the registry with id '" + registryId + "'");
    }

    public static AwsException invalidTag(String message) {
        return new AwsException("InvalidTagParameterException", 400, message);
    }

    public static AwsException tooManyTags(String message) {
        return new AwsException("TooManyTagsException", 400, message);
    }
}
