package dev.berth.protocol.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds the SigV4 canonical request and string to sign from what the client sent, the server half
 * of the contract the AWS SDKs implement in their signers.
 *
 * <p>Rules, as the AWS test suite pins them down for every service but S3:
 * <ul>
 *   <li>URI: the path as received (already percent-encoded once by the client) is normalized (empty
 *       and {@code .} segments dropped, {@code ..} pops, a trailing slash kept) and every segment is
 *       encoded again, because non-S3 clients sign the doubly-encoded path;</li>
 *   <li>query: every parameter decoded and re-encoded with the RFC 3986 unreserved set, sorted by
 *       encoded name then encoded value, {@code X-Amz-Signature} left out for presigned URLs;</li>
 *   <li>headers: the signed ones, lower-case names, values trimmed with runs of spaces collapsed,
 *       repeated headers joined by {@code ,} in arrival order;</li>
 *   <li>payload: the hash the caller determined ({@code x-amz-content-sha256} or the body's SHA-256).</li>
 * </ul>
 */
final class CanonicalRequest {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final String SIGNATURE_PARAM = "X-Amz-Signature";

    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    private CanonicalRequest() {}

    /** The canonical request, ready to hash. {@code signedHeaders} are lower-case and sorted. */
    static String build(
            String method,
            String canonicalUri,
            String canonicalQuery,
            Map<String, List<String>> lowerCaseHeaders,
            List<String> signedHeaders,
            String signedHeadersLine,
            String payloadHash) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method)
                .append('\n')
                .append(canonicalUri)
                .append('\n')
                .append(canonicalQuery)
                .append('\n');
        for (String name : signedHeaders) {
            sb.append(name).append(':');
            List<String> values = lowerCaseHeaders.get(name);
            if (values != null) {
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    appendTrimmed(sb, values.get(i));
                }
            }
            sb.append('\n');
        }
        sb.append('\n').append(signedHeadersLine).append('\n').append(payloadHash);
        return sb.toString();
    }

    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + Hashing.sha256Hex(canonicalRequest);
    }

    /**
     * The canonical URI of a non-S3 request. With {@code normalize} false the segments are encoded
     * as they are (some clients do not normalize before signing; the verifier then tries both).
     */
    static String uri(String rawPath, boolean normalize) {
        if (rawPath.equals("/")) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        int start = rawPath.startsWith("/") ? 1 : 0;
        while (start <= rawPath.length()) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = rawPath.length();
            }
            String segment = rawPath.substring(start, end);
            if (!normalize) {
                segments.add(segment);
            } else if (segment.equals("..")) {
                if (!segments.isEmpty()) {
                    segments.remove(segments.size() - 1);
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
            start = end + 1;
        }
        StringBuilder sb = new StringBuilder(rawPath.length() + 16);
        for (String segment : segments) {
            sb.append('/');
            appendEncoded(sb, segment);
        }
        boolean trailingSlash = rawPath.endsWith("/") || rawPath.endsWith("/.") || rawPath.endsWith("/..");
        if (sb.isEmpty() || (normalize && trailingSlash && !segments.isEmpty())) {
            sb.append('/');
        }
        return sb.toString();
    }

    /**
     * S3's canonical URI for a path whose client encoded it differently from SigV4's rules: every
     * {@code %XX} decoded, then every byte but the unreserved set and {@code /} encoded once.
     */
    static String s3Uri(String rawPath) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%'
                    && i + 2 < rawPath.length()
                    && Character.digit(rawPath.charAt(i + 1), 16) >= 0
                    && Character.digit(rawPath.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(rawPath.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < rawPath.length()) {
                    b = rawPath.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(b);
            }
        }
        StringBuilder sb = new StringBuilder(rawPath.length() + 16);
        for (byte b : bytes.toByteArray()) {
            int v = b & 0xFF;
            if (v < 0x80 && (isUnreserved((char) v) || v == '/')) {
                sb.append((char) v);
            } else {
                appendPercent(sb, v);
            }
        }
        return sb.toString();
    }

    /** The canonical query string; {@code presigned} leaves {@code X-Amz-Signature} out. */
    static String query(QueryParams params, boolean presigned) {
        int n = params.size();
        if (n == 0) {
            return "";
        }
        String[] pairs = new String[n];
        int count = 0;
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < n; i++) {
            if (presigned && params.name(i).equals(SIGNATURE_PARAM)) {
                continue;
            }
            sb.setLength(0);
            appendEncoded(sb, params.name(i));
            sb.append('=');
            appendEncoded(sb, params.value(i));
            pairs[count++] = sb.toString();
        }
        // "name=value" strings sort by name then value: '=' (0x3D) sorts below every encoded name character
        // except '-', '.' and the digits, so compare the name parts first.
        Arrays.sort(pairs, 0, count, CanonicalRequest::compareParams);
        StringBuilder out = new StringBuilder(64 * count);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append('&');
            }
            out.append(pairs[i]);
        }
        return out.toString();
    }

    private static int compareParams(String a, String b) {
        int ea = a.indexOf('=');
        int eb = b.indexOf('=');
        int byName = CharSequence.compare(a.subSequence(0, ea), b.subSequence(0, eb));
        return byName != 0 ? byName : a.substring(ea + 1).compareTo(b.substring(eb + 1));
    }

    /** Appends {@code s} percent-encoded: RFC 3986 unreserved characters stay, every other UTF-8 byte is %XX. */
    static void appendEncoded(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isUnreserved(c)) {
                sb.append(c);
            } else if (c < 0x80) {
                appendPercent(sb, c);
            } else {
                int cp = s.codePointAt(i);
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    appendPercent(sb, b & 0xFF);
                }
                i += Character.charCount(cp) - 1;
            }
        }
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }

    private static void appendPercent(StringBuilder sb, int b) {
        sb.append('%').append(HEX_UPPER[b >> 4]).append(HEX_UPPER[b & 0xF]);
    }

    /** Appends a header value trimmed, with every run of spaces and tabs collapsed to one space. */
    static void appendTrimmed(StringBuilder sb, String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isBlank(value.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(value.charAt(end - 1))) {
            end--;
        }
        boolean previousBlank = false;
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (isBlank(c)) {
                if (!previousBlank) {
                    sb.append(' ');
                }
                previousBlank = true;
            } else {
                sb.append(c);
                previousBlank = false;
            }
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
