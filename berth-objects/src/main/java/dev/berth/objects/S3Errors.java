package dev.berth.objects;

import dev.berth.model.error.AwsException;

/**
 * The S3 errors Berth returns, with the codes, HTTP statuses and messages Amazon S3 uses, so the
 * AWS CLI and SDKs raise the same exceptions (NoSuchBucket, NoSuchKey, ...) they raise against AWS.
 * A few carry the resource they name ({@code <BucketName>}, {@code <Key>}) in the XML body; that
 * element is the exception's {@link S3Exception#detailName()}.
 */
final class S3Errors {

    private S3Errors() {}

    /** An {@link AwsException} with one extra element for S3's error body. */
    static final class S3Exception extends RuntimeException {
        private final AwsException error;
        private final String detailName;
        private final String detailValue;

        S3Exception(String code, int status, String message, String detailName, String detailValue) {
            super(message, null, false, false);
            this.error = new AwsException(code, status, message);
            this.detailName = detailName;
            this.detailValue = detailValue;
        }

        AwsException error() {
            return error;
        }

        String detailName() {
            return detailName;
        }

        String detailValue() {
            return detailValue;
        }
    }

    static S3Exception noSuchBucket(String bucket) {
        return new S3Exception("NoSuchBucket", 404, "The specified bucket does not exist", "BucketName", bucket);
    }

    static S3Exception noSuchKey(String key) {
        return new S3Exception("NoSuchKey", 404, "The specified key does not exist.", "Key", key);
    }

    static S3Exception noSuchUpload(String uploadId) {
        return new S3Exception(
                "NoSuchUpload",
                404,
                "The specified upload does not exist. The upload ID may be invalid,"
                        + " or the upload may have been aborted or completed.",
                "UploadId",
                uploadId);
    }

    static S3Exception invalidBucketName(String bucket) {
        return new S3Exception("InvalidBucketName", 400, "The specified bucket is not valid.", "BucketName", bucket);
    }

    static S3Exception alreadyOwnedByYou(String bucket) {
        return new S3Exception(
                "BucketAlreadyOwnedByYou",
                409,
                "Your previous request to create the named bucket succeeded and you already own it.",
                "BucketName",
                bucket);
    }

    static S3Exception alreadyExists(String bucket) {
        return new S3Exception(
                "BucketAlreadyExists",
                409,
                "The requested bucket name is not available. The bucket"
                        + " namespace is shared by all users of the system. Please select a different name and try again.",
                "BucketName",
                bucket);
    }

    static S3Exception notEmpty(String bucket) {
        return new S3Exception(
                "BucketNotEmpty", 409, "The bucket you tried to delete is not empty", "BucketName", bucket);
    }

    static S3Exception keyTooLong() {
        return new S3Exception("KeyTooLongError", 400, "Your key is too long", null, null);
    }

    static S3Exception invalidArgument(String message, String name, String value) {
        return new S3Exception("InvalidArgument", 400, message, name == null ? null : "ArgumentName", name);
    }

    static S3Exception invalidRequest(String message) {
        return new S3Exception("InvalidRequest", 400, message, null, null);
    }

    static S3Exception malformedXml() {
        return new S3Exception(
                "MalformedXML",
                400,
                "The XML you provided was not well-formed or did not validate" + " against our published schema",
                null,
                null);
    }

    static S3Exception badDigest(String what) {
        return new S3Exception(
                "BadDigest", 400, "The " + what + " you specified did not match the calculated checksum.", null, null);
    }

    static S3Exception invalidDigest() {
        return new S3Exception("InvalidDigest", 400, "The Content-MD5 you specified is not valid.", null, null);
    }

    static S3Exception entityTooLarge(long max) {
        return new S3Exception(
                "EntityTooLarge",
                400,
                "Your proposed upload exceeds the maximum allowed size",
                "MaxSizeAllowed",
                Long.toString(max));
    }

    static S3Exception incompleteBody() {
        return new S3Exception(
                "IncompleteBody",
                400,
                "You did not provide the number of bytes specified by the Content-Length HTTP header",
                null,
                null);
    }

    static S3Exception missingContentLength() {
        return new S3Exception(
                "MissingContentLength", 411, "You must provide the Content-Length HTTP header.", null, null);
    }

    static S3Exception invalidRange(long size) {
        return new S3Exception(
                "InvalidRange", 416, "The requested range is not satisfiable", "ActualObjectSize", Long.toString(size));
    }

    static S3Exception preconditionFailed(String condition) {
        return new S3Exception(
                "PreconditionFailed",
                412,
                "At least one of the pre-conditions you specified did not hold",
                "Condition",
                condition);
    }

    static S3Exception methodNotAllowed(String method, String resource) {
        return new S3Exception(
                "MethodNotAllowed",
                405,
                "The specified method is not allowed against this resource.",
                "Method",
                method);
    }

    static S3Exception notImplemented(String what) {
        return new S3Exception(
                "NotImplemented",
                501,
                "A header or query you provided implies functionality that is" + " not implemented.",
                "Header",
                what);
    }

    static S3Exception invalidPart() {
        return new S3Exception(
                "InvalidPart",
                400,
                "One or more of the specified parts could not be found.  The part may"
                        + " not have been uploaded, or the specified entity tag may not match the part's entity tag.",
                null,
                null);
    }

    static S3Exception invalidPartOrder() {
        return new S3Exception(
                "InvalidPartOrder",
                400,
                "The list of parts was not in ascending order. Parts must be ordered by part number.",
                null,
                null);
    }

    static S3Exception entityTooSmall() {
        return new S3Exception(
                "EntityTooSmall",
                400,
                "Your proposed upload is smaller than the minimum allowed object size.",
                null,
                null);
    }
}
