package dev.berth.protocol.sigv4;

import dev.berth.model.error.AwsException;
import java.security.MessageDigest;

/**
 * A verified S3 request signature, and what the signature says about the body that is still to be
 * read: {@link SigV4Verifier#verifyS3} produces it from the headers alone, so an upload can be
 * streamed to disk while it is hashed, and only then judged.
 *
 * @param principal     who signed the request
 * @param payload       how the body is protected
 * @param declared      the {@code x-amz-content-sha256} value as sent ({@code UNSIGNED-PAYLOAD} for presigned URLs)
 * @param signingKey    the derived SigV4 key, for chunk signatures; never logged
 * @param scope         the credential scope, for chunk signatures
 * @param amzDate       the request timestamp in basic ISO-8601 form
 * @param seedSignature the request's own signature: the "previous signature" of the first chunk
 */
public record S3Signature(
        Principal principal,
        Payload payload,
        String declared,
        byte[] signingKey,
        String scope,
        String amzDate,
        String seedSignature) {

    /** The forms of {@code x-amz-content-sha256} S3 accepts. */
    public enum Payload {
        /** A hex SHA-256 the body must match. */
        SHA256(false, false, false),
        /** {@code UNSIGNED-PAYLOAD}: the body is not covered. */
        UNSIGNED(false, false, false),
        /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}: aws-chunked, every chunk signed. */
        STREAMING_SIGNED(true, true, false),
        /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER}: signed chunks, then signed trailing checksum headers. */
        STREAMING_SIGNED_TRAILER(true, true, true),
        /** {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}: aws-chunked without signatures, trailing checksum headers. */
        STREAMING_UNSIGNED_TRAILER(true, false, true);

        private final boolean chunked;
        private final boolean signedChunks;
        private final boolean trailer;

        Payload(boolean chunked, boolean signedChunks, boolean trailer) {
            this.chunked = chunked;
            this.signedChunks = signedChunks;
            this.trailer = trailer;
        }

        public boolean chunked() {
            return chunked;
        }

        public boolean signedChunks() {
            return signedChunks;
        }

        public boolean trailer() {
            return trailer;
        }

        /** The mode {@code x-amz-content-sha256} names, or {@code null} when it names none. */
        static Payload of(String declared) {
            return switch (declared) {
                case "UNSIGNED-PAYLOAD" -> UNSIGNED;
                case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" -> STREAMING_SIGNED;
                case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" -> STREAMING_SIGNED_TRAILER;
                case "STREAMING-UNSIGNED-PAYLOAD-TRAILER" -> STREAMING_UNSIGNED_TRAILER;
                default -> Hashing.isSha256Hex(declared) ? SHA256 : null;
            };
        }
    }

    /**
     * Checks the SHA-256 of the body that was read against the declared one (for {@link Payload#SHA256}).
     *
     * @throws AwsException {@code XAmzContentSHA256Mismatch} when they differ
     */
    public void checkBody(byte[] bodySha256) {
        if (payload == Payload.SHA256 && !MessageDigest.isEqual(bodySha256, Hashing.unhex32(declared))) {
            throw new AwsException(
                    "XAmzContentSHA256Mismatch",
                    400,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
    }

    /** The signing key is a secret: leave it out. */
    @Override
    public String toString() {
        return "S3Signature[" + principal + ", " + payload + "]";
    }
}
