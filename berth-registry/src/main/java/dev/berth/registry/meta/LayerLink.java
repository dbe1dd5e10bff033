package dev.berth.registry.meta;

/**
 * A blob made visible to one repository: uploaded into it, mounted from another repository, or
 * found already stored when pushed (kind {@code ecr-layer}, key {@code <repository>@<digest>}).
 * A blob is served under {@code /v2/<repository>/blobs/} only when its link exists; the bytes
 * themselves are shared in the blob store.
 *
 * @param linkedAt when the link was created, epoch millis
 * @param referencedEpoch the garbage collection epoch in which a manifest push last referenced
 *     it (0 = never); a collection only removes links not referenced in its own epoch
 */
public record LayerLink(String digest, long size, long linkedAt, long referencedEpoch) {

    public LayerLink referenced(long epoch) {
        return new LayerLink(digest, size, linkedAt, epoch);
    }
}
