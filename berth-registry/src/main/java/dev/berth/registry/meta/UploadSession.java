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
 */
public record UploadSession(String id, String repositoryName, String api, long startedAt, long touchedAt, int parts,
        long lastPartSize) {

    public UploadSession touched(long at) {
        return new UploadSession(id, repositoryName, api, startedAt, at, parts, lastPartSize);
    }

    public UploadSession withPart(long at, long partSize) {
        return new UploadSession(id, repositoryName, api, startedAt, at, parts + 1, partSize);
    }
}
