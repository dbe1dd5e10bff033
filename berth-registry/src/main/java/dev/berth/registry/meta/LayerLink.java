package dev.berth.registry.meta;

/**
 * A blob made visible to one repository: uploaded into it, mounted from another repository, or
 * found already stored when pushed (kind {@code ecr-layer}, key {@code <repository>@<digest>}).
 * A blob is served under {@code /v2/<repository>/blobs/} only when its link exists; the bytes
 * themselves are shared in the blob store.
 *
 * @param linkedAt when the link was created, epoch millis
 * @param referencedAt when a manifest put last referenced it, epoch millis, or 0; garbage
 *     collection only removes links neither created nor referenced since its mark began
 */
public record LayerLink(String digest, long size, long linkedAt, long referencedAt) {

    public LayerLink referenced(long at) {
        return new LayerLink(digest, size, linkedAt, at);
    }
}
