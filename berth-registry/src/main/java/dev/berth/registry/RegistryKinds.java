package dev.berth.registry;

/**
 * The document kinds the registry keeps in the state store, and how their keys are built. One
 * place, so that the OCI endpoints under {@code /v2/}, the ECR API and the lifecycle executor agree
 * on what a repository, an image and a tag are.
 *
 * <ul>
 *   <li>{@code ecr-repository}: key = repository name (e.g. {@code team/web}); value =
 *       {@link dev.berth.registry.repo.RepositoryRecord}</li>
 *   <li>{@code ecr-lifecycle-preview}: key = repository name; the last StartLifecyclePolicyPreview
 *       of the repository ({@link dev.berth.registry.lifecycle.LifecyclePreviews})</li>
 *   <li>{@code ecr-lifecycle-preview-result}: key = repository name + {@code #} + index (8 digits);
 *       one image that preview expires, in evaluation order ({@code #} never occurs in a repository
 *       name, so one repository's prefix never matches another's)</li>
 * </ul>
 *
 * <p>Images, tags, blob links and upload sessions add their kinds here as they are built.
 */
public final class RegistryKinds {

    public static final String REPOSITORY = "ecr-repository";
    public static final String LIFECYCLE_PREVIEW = "ecr-lifecycle-preview";
    public static final String LIFECYCLE_PREVIEW_RESULT = "ecr-lifecycle-preview-result";

    private RegistryKinds() {
    }
}
