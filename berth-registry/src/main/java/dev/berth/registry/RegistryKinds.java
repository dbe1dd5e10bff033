package dev.berth.registry;

/**
 * The document kinds the registry keeps in the state store, and how their keys are built. One
 * place, so that the OCI endpoints under {@code /v2/}, the ECR API and the lifecycle executor agree
 * on what a repository, an image and a tag are.
 *
 * <p>Repository names match ECR's pattern ({@code [a-z0-9._/-]}), so the separators {@code @} and
 * {@code :} below never occur inside a name: a scan with prefix {@code <repository>@} or
 * {@code <repository>:} sees exactly one repository's documents, never those of
 * {@code <repository>/child}.
 *
 * <ul>
 *   <li>{@code ecr-repository}: key = repository name (e.g. {@code team/web}); value =
 *       {@link dev.berth.registry.repo.RepositoryRecord}</li>
 *   <li>{@code ecr-lifecycle-preview}: key = repository name; the last StartLifecyclePolicyPreview
 *       of the repository ({@link dev.berth.registry.lifecycle.LifecyclePreviews})</li>
 *   <li>{@code ecr-lifecycle-preview-result}: key = repository name + {@code #} + index (8 digits);
 *       one image that preview expires, in evaluation order ({@code #} never occurs in a repository
 *       name, so one repository's prefix never matches another's)</li>
 *   <li>{@code ecr-image}: key = {@code <repository>@<manifest digest>}; value =
 *       {@link dev.berth.registry.meta.ImageRecord} (manifest bytes are a blob)</li>
 *   <li>{@code ecr-tag}: key = {@code <repository>:<tag>}; value = {@link dev.berth.registry.meta.TagRecord}</li>
 *   <li>{@code ecr-layer}: key = {@code <repository>@<blob digest>}; value =
 *       {@link dev.berth.registry.meta.LayerLink} (the blob is visible in that repository)</li>
 *   <li>{@code ecr-referrer}: key = {@code <repository>@<subject digest>@<referrer digest>}; value =
 *       {@link dev.berth.registry.meta.ReferrerRecord}</li>
 *   <li>{@code ecr-upload}: key = upload id (UUID); value = {@link dev.berth.registry.meta.UploadSession}</li>
 *   <li>{@code registry-secret}: key {@code token-hmac}; value = the HMAC key registry tokens are
 *       signed with, shared by every server process of one installation</li>
 *   <li>{@code registry-gc}: key {@code epoch}; value {@code {"epoch":N}}, the garbage collection
 *       epoch; every manifest push and blob link locks it, every collection bumps it (see
 *       {@code GarbageCollector})</li>
 * </ul>
 */
public final class RegistryKinds {

    public static final String REPOSITORY = "ecr-repository";
    public static final String LIFECYCLE_PREVIEW = "ecr-lifecycle-preview";
    public static final String LIFECYCLE_PREVIEW_RESULT = "ecr-lifecycle-preview-result";
    public static final String IMAGE = "ecr-image";
    public static final String TAG = "ecr-tag";
    public static final String LAYER = "ecr-layer";
    public static final String REFERRER = "ecr-referrer";
    public static final String UPLOAD = "ecr-upload";
    public static final String SECRET = "registry-secret";
    public static final String GC = "registry-gc";
    public static final String GC_EPOCH = "epoch";

    private RegistryKinds() {}

    public static String imageKey(String repository, String digest) {
        return repository + "@" + digest;
    }

    public static String imagePrefix(String repository) {
        return repository + "@";
    }

    public static String tagKey(String repository, String tag) {
        return repository + ":" + tag;
    }

    public static String tagPrefix(String repository) {
        return repository + ":";
    }

    public static String layerKey(String repository, String digest) {
        return repository + "@" + digest;
    }

    public static String referrerPrefix(String repository, String subject) {
        return repository + "@" + subject + "@";
    }

    public static String referrerKey(String repository, String subject, String digest) {
        return referrerPrefix(repository, subject) + digest;
    }
}
