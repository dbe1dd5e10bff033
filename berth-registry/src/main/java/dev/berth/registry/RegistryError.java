package dev.berth.registry;

/**
 * A failure of a registry operation, named by what went wrong rather than by protocol, because two
 * front ends report the same failures: the OCI endpoints turn a {@link Code} into an OCI error
 * body and status, the ECR API into the ECR exception its model names ({@code RepositoryNotFoundException},
 * {@code ImageTagAlreadyExistsException}, ...).
 */
public final class RegistryError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong; the OCI code and HTTP status each one is served with under {@code /v2/}. */
    public enum Code {
        NAME_INVALID("NAME_INVALID", 400),
        NAME_UNKNOWN("NAME_UNKNOWN", 404),
        MANIFEST_INVALID("MANIFEST_INVALID", 400),
        MANIFEST_UNKNOWN("MANIFEST_UNKNOWN", 404),
        MANIFEST_BLOB_UNKNOWN("MANIFEST_BLOB_UNKNOWN", 400),
        /** An index names a manifest the repository does not hold. */
        MANIFEST_REFERENCE_UNKNOWN("MANIFEST_UNKNOWN", 400),
        /** A manifest still listed by an index of the repository cannot be deleted. */
        MANIFEST_REFERENCED("DENIED", 409),
        BLOB_UNKNOWN("BLOB_UNKNOWN", 404),
        BLOB_UPLOAD_UNKNOWN("BLOB_UPLOAD_UNKNOWN", 404),
        BLOB_UPLOAD_INVALID("BLOB_UPLOAD_INVALID", 400),
        DIGEST_INVALID("DIGEST_INVALID", 400),
        TAG_INVALID("TAG_INVALID", 400),
        /** The tag exists, points elsewhere, and the repository's tags are immutable. */
        TAG_IMMUTABLE("TAG_INVALID", 400),
        SIZE_INVALID("SIZE_INVALID", 400),
        /** A malformed {@code n} or {@code last} in a listing. */
        UNSUPPORTED_PAGE("PAGINATION_NUMBER_INVALID", 400),
        RANGE_INVALID("BLOB_UPLOAD_INVALID", 416),
        UNSUPPORTED("UNSUPPORTED", 405),
        UNAUTHORIZED("UNAUTHORIZED", 401),
        DENIED("DENIED", 403);

        private final String oci;
        private final int status;

        Code(String oci, int status) {
            this.oci = oci;
            this.status = status;
        }

        public String oci() {
            return oci;
        }

        public int status() {
            return status;
        }
    }

    private final Code code;

    public RegistryError(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    public static RegistryError nameUnknown(String repository) {
        return new RegistryError(
                Code.NAME_UNKNOWN, "The repository with name '" + repository + "' does not exist in the registry");
    }
}
