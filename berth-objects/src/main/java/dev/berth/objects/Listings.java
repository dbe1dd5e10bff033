package dev.berth.objects;

import dev.berth.objects.ObjectRecords.Item;
import dev.berth.objects.ObjectRecords.Listing;
import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * ListObjectsV2 ({@code ?list-type=2}: prefix, delimiter with CommonPrefixes, max-keys,
 * continuation-token, start-after, encoding-type=url, fetch-owner) and the original ListObjects
 * (marker, NextMarker), rendered as S3 renders them. Continuation tokens are opaque base64 of the
 * last key or common prefix returned.
 */
final class Listings {

    static final Set<String> PARAMS = Set.of(
            "list-type",
            "prefix",
            "delimiter",
            "max-keys",
            "continuation-token",
            "start-after",
            "encoding-type",
            "fetch-owner",
            "marker");

    private Listings() {}

    static void list(S3Exchange ex, ObjectStore objects, String bucket) {
        MultiMap p = ex.req.params();
        boolean v2 = "2".equals(p.get("list-type"));
        String prefix = p.get("prefix") == null ? "" : p.get("prefix");
        String delimiter = p.get("delimiter");
        String encoding = p.get("encoding-type");
        if (encoding != null && !encoding.equals("url")) {
            throw S3Errors.invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding);
        }
        boolean url = encoding != null;
        int max = ObjectStore.MAX_KEYS;
        if (p.get("max-keys") != null) {
            try {
                max = Integer.parseInt(p.get("max-keys"));
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 0) {
                throw S3Errors.invalidArgument(
                        "Provided max-keys not an integer or within integer range", "max-keys", p.get("max-keys"));
            }
            max = Math.min(max, ObjectStore.MAX_KEYS);
        }
        String token = p.get("continuation-token");
        String startAfter = p.get("start-after");
        String marker = p.get("marker");
        String after;
        if (v2 && token != null) {
            after = decodeToken(token);
        } else if (v2) {
            after = startAfter;
        } else {
            after = marker;
        }
        listingText("prefix", prefix);
        listingText("delimiter", delimiter);
        listingText(v2 && token != null ? "continuation-token" : v2 ? "start-after" : "marker", after);
        Listing l = objects.list(bucket, ex.account, prefix, delimiter, after, max);
        String root = "ListBucketResult";
        S3Xml x = S3Xml.document(root).element("Name", bucket).element("Prefix", enc(prefix, url));
        if (v2) {
            if (token != null) {
                x.element("ContinuationToken", token);
            }
            if (startAfter != null) {
                x.element("StartAfter", enc(startAfter, url));
            }
            x.element("KeyCount", l.contents().size() + l.commonPrefixes().size());
        } else {
            x.element("Marker", enc(marker == null ? "" : marker, url));
        }
        x.element("MaxKeys", max);
        if (delimiter != null) {
            x.element("Delimiter", enc(delimiter, url));
        }
        if (url) {
            x.element("EncodingType", "url");
        }
        x.element("IsTruncated", l.truncated());
        if (l.truncated()) {
            if (v2) {
                x.element("NextContinuationToken", encodeToken(l.next()));
            } else if (delimiter != null) {
                x.element("NextMarker", enc(l.next(), url));
            }
        }
        boolean owner = !v2 || "true".equals(p.get("fetch-owner"));
        for (Item i : l.contents()) {
            x.open("Contents")
                    .element("Key", enc(i.key(), url))
                    .element("LastModified", S3Xml.timestamp(i.modified()))
                    .element("ETag", "\"" + i.etag() + "\"")
                    .element("Size", i.size());
            if (owner) {
                x.open("Owner")
                        .element("ID", S3Handler.ownerId(ex.account))
                        .element("DisplayName", "berth-" + ex.account)
                        .close("Owner");
            }
            x.element("StorageClass", "STANDARD").close("Contents");
        }
        for (String cp : l.commonPrefixes()) {
            x.open("CommonPrefixes").element("Prefix", enc(cp, url)).close("CommonPrefixes");
        }
        ex.xml(200, x.end(root));
    }

    /** S3's {@code encoding-type=url}: form encoding with spaces as {@code +}. */
    private static String enc(String s, boolean url) {
        return url && s != null ? URLEncoder.encode(s, StandardCharsets.UTF_8) : s;
    }

    static String encodeToken(String after) {
        return Base64.getEncoder().encodeToString(("v1:" + after).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A prefix, delimiter or start key is compared with keys, so it obeys their limits: no NUL
     * (no key holds one) and at most {@link ObjectStore#MAX_KEY_BYTES} bytes.
     */
    private static void listingText(String name, String value) {
        if (value == null) {
            return;
        }
        if (value.indexOf('\0') >= 0) {
            throw S3Errors.invalidArgument("The " + name + " must not contain a NUL character", name, value);
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > ObjectStore.MAX_KEY_BYTES) {
            throw S3Errors.invalidArgument(
                    "The " + name + " is longer than " + ObjectStore.MAX_KEY_BYTES + " bytes", name, value);
        }
    }

    static String decodeToken(String token) {
        try {
            String s = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith("v1:")) {
                return s.substring(3);
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw S3Errors.invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
    }
}
