package dev.berth.registry.meta;

/**
 * An upload session (kind {@code ecr-upload}, key = upload id, a UUID): which repository it belongs
 * to and when it last received bytes. The bytes live in the blob store's upload area; the size
 * there is the resume offset. Sessions idle longer than the expiry are discarded by housekeeping.
 *
 * @param api {@code OCI} (started by a POST under {@code /v2/}) or {@code ECR} (InitiateLayerUpload)
 * @param parts ECR parts received so far
 * @param lastPartSize size of the last ECR part (only the last part may be smaller than ECR's
 *     minimum: LayerPartTooSmallException)
 * @param smallPartFollowed a part smaller than {@link #MIN_PART} was followed by another one
 */
public record UploadSession(
        String id,
        String repositoryName,
        String api,
        long startedAt,
        long touchedAt,
        int parts,
        long lastPartSize,
        boolean smallPartFollowed) {

    /** ECR's smallest part, except for the last one (LayerPartTooSmallException). */
    public static final long MIN_PART = 5L * 1024 * 1024;

    public UploadSession withPart(long at, long partSize) {
        return new UploadSession(
                id,
                repositoryName,
                api,
                startedAt,
                at,
                parts + 1,
                partSize,
                smallPartFollowed || (parts > 0 && lastPartSize < MIN_PART));
    }
}
