package dev.berth.registry;

/**
 * The document kinds the registry keeps in the state store, and how their keys are built. One
 * place, so that the OCI endpoints under {@code /v2/}, the ECR API and the lifecycle executor agree
 * on what a repository, an image and a tag are.
 *
 * <ul>
 *   <li>{@code ecr-repository}: key = repository name (e.g. {@code team/web}); value =
 *       {@link dev.berth.registry.repo.RepositoryRecord}</li>
 * </ul>
 *
 * <p>Images, tags, blob links and upload sessions add their kinds here as they are built.
 */
public final class RegistryKinds {

    public static final String REPOSITORY = "ecr-repository";

    private RegistryKinds() {
    }
}
