package dev.berth.objects;

import dev.berth.objects.ObjectRecords.Headers;
import dev.berth.objects.ObjectRecords.Item;
import dev.berth.protocol.sigv4.AwsChunkedStream;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * Object-level S3 operations: PutObject, GetObject (Range, conditional requests), HeadObject,
 * DeleteObject, DeleteObjects, CopyObject, and the multipart calls (CreateMultipartUpload,
 * UploadPart, CompleteMultipartUpload, AbortMultipartUpload). Called on the request's virtual thread
 * after the signature was verified.
 */
final class ObjectOps {

    /** S3's limit on user metadata: 2 KB of {@code x-amz-meta-*} names and values. */
    static final int MAX_METADATA = 2048;

    private static final int MAX_DELETE_KEYS = 1000;

    private final ObjectStore objects;
    private final Multipart multipart;

    ObjectOps(ObjectStore objects, Multipart multipart) {
        this.objects = objects;
        this.multipart = multipart;
    }

    /** PutObject, or UploadPart with {@code partNumber} and {@code uploadId}: the body streams to a file. */
    void upload(S3Exchange ex, String bucket, String key, S3Handler.Body body) throws IOException {
        MultiMap params = ex.req.params();
        boolean part = params.contains("uploadId") || params.contains("partNumber");
        int partNumber = part ? Multipart.partNumber(String.valueOf(params.get("partNumber"))) : 0;
        if (!part && !params.isEmpty()) {
            throw S3Errors.notImplemented("?" + String.join("&", params.names()));
        }
        if (part) {
            multipart.upload(bucket, ex.account, key, params.get("uploadId"));
        } else {
            objects.bucket(bucket, ex.account);
            ObjectStore.checkKey(key);
        }
        Headers headers = part ? null : headers(ex);
        if (ex.req.getHeader("Content-Length") == null && ex.req.getHeader("Transfer-Encoding") == null) {
            throw S3Errors.missingContentLength();
        }
        String contentMd5 = ex.req.getHeader("Content-MD5");
        byte[] expectedMd5 = null;
        if (contentMd5 != null) {
            try {
                expectedMd5 = Base64.getDecoder().decode(contentMd5.trim());
            } catch (IllegalArgumentException e) {
                expectedMd5 = new byte[0];
            }
            if (expectedMd5.length != 16) {
                throw S3Errors.invalidDigest();
            }
        }
        InputStream decoded = body.open();
        String checksumAlgorithm = null;
        String checksumHeader = null;
        for (String a : Checksums.ALGORITHMS) {
            if (ex.req.getHeader("x-amz-checksum-" + a) != null) {
                checksumAlgorithm = a;
                checksumHeader = ex.req.getHeader("x-amz-checksum-" + a);
            }
        }
        String trailer = ex.req.getHeader("x-amz-trailer");
        if (trailer != null && body.signature().payload().trailer()) {
            checksumAlgorithm = Checksums.algorithmOf(trailer.trim());
            if (checksumAlgorithm == null) {
                throw S3Errors.invalidRequest("The value specified in the x-amz-trailer header is not supported");
            }
        }
        Checksums.Computing checksum =
                checksumAlgorithm == null ? null : new Checksums.Computing(decoded, checksumAlgorithm);
        MessageDigest sha256 = sha256();
        InputStream in = new DigestInputStream(checksum != null ? checksum : decoded, sha256);
        ObjectFiles.Staged staged = null;
        try {
            staged = objects.stage(in, ObjectStore.MAX_SINGLE_PUT);
            String declaredLength = ex.req.getHeader("Content-Length");
            if (!body.signature().payload().chunked()
                    && declaredLength != null
                    && Long.parseLong(declaredLength.trim()) != staged.size()) {
                throw S3Errors.incompleteBody();
            }
            body.signature().checkBody(sha256.digest());
            if (expectedMd5 != null && !MessageDigest.isEqual(expectedMd5, staged.md5())) {
                throw S3Errors.badDigest("Content-MD5");
            }
            if (checksum != null) {
                String expected = checksumHeader;
                if (decoded instanceof AwsChunkedStream chunked && trailer != null) {
                    expected = chunked.trailers().get(trailer.trim().toLowerCase(Locale.ROOT));
                    if (expected == null) {
                        throw S3Errors.invalidRequest("The trailing checksum " + trailer + " was not sent");
                    }
                }
                checksum.check(expected);
            }
            String md5 = ObjectStore.hex(staged.md5());
            MultiMap out = ex.headers().add("ETag", "\"" + md5 + "\"");
            if (checksum != null) {
                out.add("x-amz-checksum-" + checksum.algorithm, checksum.value());
            }
            ObjectFiles.Staged s = staged;
            staged = null;
            if (part) {
                multipart.putPart(bucket, ex.account, key, ex.req.params().get("uploadId"), partNumber, s);
            } else {
                objects.put(bucket, ex.account, key, s, md5, headers);
            }
            ex.empty(200, out);
        } catch (IOException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw S3Errors.incompleteBody();
        } finally {
            objects.discard(staged);
        }
    }

    void dispatch(S3Exchange ex, String bucket, String key, byte[] body) throws IOException {
        HttpMethod m = ex.req.method();
        MultiMap params = ex.req.params();
        if ((m == HttpMethod.GET || m == HttpMethod.HEAD) && onlyGetParams(params)) {
            get(ex, objects.get(bucket, ex.account, key), m == HttpMethod.HEAD);
        } else if (m == HttpMethod.DELETE && params.isEmpty()) {
            objects.delete(bucket, ex.account, key);
            ex.empty(204, ex.headers());
        } else if (m == HttpMethod.DELETE && params.contains("uploadId")) {
            multipart.abort(bucket, ex.account, key, params.get("uploadId"));
            ex.empty(204, ex.headers());
        } else if (m == HttpMethod.PUT && ex.req.getHeader("x-amz-copy-source") != null && params.isEmpty()) {
            copy(ex, bucket, key);
        } else if (m == HttpMethod.POST && params.contains("uploads")) {
            var u = multipart.create(bucket, ex.account, key, headers(ex));
            ex.xml(
                    200,
                    S3Xml.document("InitiateMultipartUploadResult")
                            .element("Bucket", bucket)
                            .element("Key", key)
                            .element("UploadId", u.uploadId())
                            .end("InitiateMultipartUploadResult"));
        } else if (m == HttpMethod.POST && params.contains("uploadId")) {
            complete(ex, bucket, key, params.get("uploadId"), body);
        } else {
            throw S3Errors.notImplemented(params.names().isEmpty() ? m.name() : "?" + String.join("&", params.names()));
        }
    }

    private static boolean onlyGetParams(MultiMap params) {
        for (String n : params.names()) {
            if (!n.startsWith("response-") && !n.startsWith("X-Amz-") && !n.equals("partNumber")) {
                return false;
            }
        }
        return !params.contains("partNumber");
    }

    private void get(S3Exchange ex, Item item, boolean head) {
        String etag = "\"" + item.etag() + "\"";
        long modifiedSeconds = item.modified() / 1000;
        String ifMatch = ex.req.getHeader("If-Match");
        String ifNoneMatch = ex.req.getHeader("If-None-Match");
        Long ifModifiedSince = httpDate(ex.req.getHeader("If-Modified-Since"));
        Long ifUnmodifiedSince = httpDate(ex.req.getHeader("If-Unmodified-Since"));
        MultiMap h = objectHeaders(ex, item);
        if (ifMatch != null && !etagMatches(ifMatch, etag)) {
            throw S3Errors.preconditionFailed("If-Match");
        }
        if (ifMatch == null && ifUnmodifiedSince != null && modifiedSeconds > ifUnmodifiedSince) {
            throw S3Errors.preconditionFailed("If-Unmodified-Since");
        }
        if (ifNoneMatch != null && etagMatches(ifNoneMatch, etag)) {
            ex.empty(304, notModifiedHeaders(ex, item));
            return;
        }
        if (ifNoneMatch == null && ifModifiedSince != null && modifiedSeconds <= ifModifiedSince) {
            ex.empty(304, notModifiedHeaders(ex, item));
            return;
        }
        String range = ex.req.getHeader("Range");
        long size = item.size();
        long[] r = range == null ? null : Ranges.parse(range, size);
        if (r != null) {
            h.add("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
            ex.sendFile(206, h, objects.path(item), r[0], r[1] - r[0] + 1);
        } else {
            ex.sendFile(200, h, objects.path(item), 0, size);
        }
    }

    private MultiMap notModifiedHeaders(S3Exchange ex, Item item) {
        return ex.headers().add("ETag", "\"" + item.etag() + "\"").add("Last-Modified", httpDate(item.modified()));
    }

    private MultiMap objectHeaders(S3Exchange ex, Item item) {
        MultiMap h = ex.headers()
                .add("ETag", "\"" + item.etag() + "\"")
                .add("Last-Modified", httpDate(item.modified()))
                .add("Accept-Ranges", "bytes");
        Headers hs = item.headers();
        h.add("Content-Type", hs.contentType() == null ? "binary/octet-stream" : hs.contentType());
        put(h, "Cache-Control", hs.cacheControl());
        put(h, "Content-Disposition", hs.contentDisposition());
        put(h, "Content-Encoding", hs.contentEncoding());
        put(h, "Content-Language", hs.contentLanguage());
        put(h, "Expires", hs.expires());
        hs.metadata().forEach((k, v) -> h.add("x-amz-meta-" + k, v));
        if (item.etag().contains("-")) {
            h.add("x-amz-mp-parts-count", item.etag().substring(item.etag().indexOf('-') + 1));
        }
        MultiMap p = ex.req.params();
        for (String[] o : new String[][] {
            {"response-content-type", "Content-Type"},
            {"response-content-language", "Content-Language"},
            {"response-expires", "Expires"},
            {"response-cache-control", "Cache-Control"},
            {"response-content-disposition", "Content-Disposition"},
            {"response-content-encoding", "Content-Encoding"}
        }) {
            if (p.get(o[0]) != null) {
                h.set(o[1], p.get(o[0]));
            }
        }
        return h;
    }

    private static void put(MultiMap h, String name, String value) {
        if (value != null) {
            h.add(name, value);
        }
    }

    private static boolean etagMatches(String header, String etag) {
        for (String t : header.split(",")) {
            String v = t.trim();
            if (v.equals("*") || v.equals(etag) || ("\"" + v + "\"").equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** The object headers a request sets: Content-Type, the standard ones, and x-amz-meta-*. */
    static Headers headers(S3Exchange ex) {
        Map<String, String> meta = new LinkedHashMap<>();
        int size = 0;
        for (Map.Entry<String, String> e : ex.req.headers()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-amz-meta-")) {
                String k = name.substring("x-amz-meta-".length());
                meta.merge(k, e.getValue(), (a, b) -> a + "," + b);
                size += k.length() + e.getValue().length();
            }
        }
        if (size > MAX_METADATA) {
            throw new S3Errors.S3Exception(
                    "MetadataTooLarge",
                    400,
                    "Your metadata headers exceed the maximum allowed" + " metadata size.",
                    "Size",
                    Integer.toString(size));
        }
        return new Headers(
                ex.req.getHeader("Content-Type"),
                ex.req.getHeader("Cache-Control"),
                ex.req.getHeader("Content-Disposition"),
                ex.req.getHeader("Content-Encoding"),
                ex.req.getHeader("Content-Language"),
                ex.req.getHeader("Expires"),
                meta);
    }

    private void copy(S3Exchange ex, String bucket, String key) throws IOException {
        String source = S3Handler.decode(ex.req.getHeader("x-amz-copy-source"));
        int q = source.indexOf("?versionId=");
        if (q >= 0) {
            source = source.substring(0, q);
        }
        if (source.startsWith("/")) {
            source = source.substring(1);
        }
        int slash = source.indexOf('/');
        if (slash <= 0 || slash == source.length() - 1) {
            throw S3Errors.invalidArgument(
                    "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
                    "x-amz-copy-source",
                    ex.req.getHeader("x-amz-copy-source"));
        }
        String srcBucket = source.substring(0, slash);
        String srcKey = source.substring(slash + 1);
        S3Handler.checkBucketCharacters(srcBucket);
        ObjectStore.checkKey(srcKey);
        String directive = ex.req.getHeader("x-amz-metadata-directive");
        boolean replace = "REPLACE".equals(directive);
        if (directive != null && !replace && !"COPY".equals(directive)) {
            throw S3Errors.invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
        }
        Item src = objects.get(srcBucket, ex.account, srcKey);
        if (srcBucket.equals(bucket) && srcKey.equals(key) && !replace) {
            throw S3Errors.invalidRequest(
                    "This copy request is illegal because it is trying to copy an object to itself"
                            + " without changing the object's metadata, storage class, website redirect location or encryption"
                            + " attributes.");
        }
        objects.bucket(bucket, ex.account);
        ObjectStore.checkKey(key);
        ObjectFiles.Staged staged = objects.files().copy(src.file());
        Item copied;
        try {
            String file = objects.files().commit(staged);
            copied = objects.install(
                    bucket, ex.account, key, staged.size(), src.etag(), file, replace ? headers(ex) : src.headers());
        } catch (IOException | RuntimeException e) {
            objects.discard(staged);
            throw e;
        }
        ex.xml(
                200,
                S3Xml.document("CopyObjectResult")
                        .element("LastModified", S3Xml.timestamp(copied.modified()))
                        .element("ETag", "\"" + copied.etag() + "\"")
                        .end("CopyObjectResult"));
    }

    private void complete(S3Exchange ex, String bucket, String key, String uploadId, byte[] body) throws IOException {
        if (body.length == 0) {
            throw S3Errors.malformedXml();
        }
        Element root = S3Xml.parse(body);
        List<Multipart.Requested> parts = new ArrayList<>();
        for (Element p : S3Xml.children(root, "Part")) {
            String number = S3Xml.text(p, "PartNumber");
            String etag = S3Xml.text(p, "ETag");
            if (number == null || etag == null) {
                throw S3Errors.malformedXml();
            }
            parts.add(new Multipart.Requested(Multipart.partNumber(number.trim()), etag));
        }
        Item item = multipart.complete(bucket, ex.account, key, uploadId, parts);
        String location = "/" + bucket + "/" + key;
        ex.xml(
                200,
                S3Xml.document("CompleteMultipartUploadResult")
                        .element("Location", location)
                        .element("Bucket", bucket)
                        .element("Key", key)
                        .element("ETag", "\"" + item.etag() + "\"")
                        .end("CompleteMultipartUploadResult"));
    }

    void deleteObjects(S3Exchange ex, String bucket, byte[] body) {
        if (ex.req.getHeader("Content-MD5") == null
                && ex.req.headers().names().stream()
                        .noneMatch(n -> n.toLowerCase(Locale.ROOT).startsWith("x-amz-checksum-"))) {
            throw S3Errors.invalidRequest("Missing required header for this request: Content-MD5");
        }
        Element root = S3Xml.parse(body);
        List<Element> list = S3Xml.children(root, "Object");
        if (list.size() > MAX_DELETE_KEYS || list.isEmpty()) {
            throw S3Errors.malformedXml();
        }
        boolean quiet = "true".equalsIgnoreCase(S3Xml.text(root, "Quiet"));
        objects.bucket(bucket, ex.account);
        S3Xml x = S3Xml.document("DeleteResult");
        for (Element o : list) {
            String key = S3Xml.text(o, "Key");
            if (key == null) {
                throw S3Errors.malformedXml();
            }
            try {
                ObjectStore.checkKey(key);
                objects.delete(bucket, ex.account, key);
                if (!quiet) {
                    x.open("Deleted").element("Key", key).close("Deleted");
                }
            } catch (S3Errors.S3Exception e) {
                x.open("Error")
                        .element("Key", key)
                        .element("Code", e.error().code())
                        .element("Message", e.getMessage())
                        .close("Error");
            }
        }
        ex.xml(200, x.end("DeleteResult"));
    }

    static String httpDate(long millis) {
        return DateTimeFormatter.RFC_1123_DATE_TIME
                .format(ZonedDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC))
                .replace("+0000", "GMT");
    }

    /** Epoch seconds of an HTTP date, or null when absent or unparseable (S3 then ignores the condition). */
    static Long httpDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toEpochSecond();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
