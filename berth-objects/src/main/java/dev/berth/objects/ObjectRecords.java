package dev.berth.objects;

import java.util.List;
import java.util.Map;

/**
 * What the state store holds for the object endpoint, as JSON documents:
 * <pre>
 * s3-bucket           name                      -&gt; Bucket   (the id names the bucket's object kind)
 * s3obj-&lt;bucket id&gt;   object key                -&gt; Item     (one kind per bucket, so keys of 1024 bytes fit)
 * s3-upload           upload id                 -&gt; Upload   (in-progress multipart uploads)
 * s3-part             upload id/00001           -&gt; Part
 * </pre>
 * A bucket deleted and created again gets a new id, so no object of its past life can reappear.
 */
final class ObjectRecords {

    static final String BUCKET = "s3-bucket";
    static final String UPLOAD = "s3-upload";
    static final String PART = "s3-part";

    private ObjectRecords() {}

    /** The store kind holding the objects of bucket {@code id}. */
    static String objectKind(long bucketId) {
        return "s3obj-" + bucketId;
    }

    /**
     * @param created creation time, epoch millis
     * @param owner   the account id of the creator
     */
    record Bucket(String name, long id, String owner, String region, long created) {}

    /**
     * Headers S3 stores with an object and returns on GET/HEAD.
     *
     * @param metadata user metadata, lower-case names without {@code x-amz-meta-}
     */
    record Headers(
            String contentType,
            String cacheControl,
            String contentDisposition,
            String contentEncoding,
            String contentLanguage,
            String expires,
            Map<String, String> metadata) {
        Headers {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }

    /**
     * One object.
     *
     * @param etag     the entity tag without quotes: hex MD5, or {@code md5-of-md5s-N} after a multipart upload
     * @param file     the data file's name under the object root
     * @param modified last-modified time, epoch millis
     */
    record Item(String key, long size, String etag, long modified, String file, Headers headers) {}

    /** A multipart upload that was created and neither completed nor aborted. */
    record Upload(
            String uploadId, String bucket, long bucketId, String key, long initiated, String owner, Headers headers) {}

    /** One uploaded part; {@code md5Hex} is its ETag without quotes. */
    record Part(String uploadId, int partNumber, long size, String md5Hex, long modified, String file) {}

    /** One page of a ListObjectsV2 answer. */
    record Listing(List<Item> contents, List<String> commonPrefixes, boolean truncated, String next) {}
}
