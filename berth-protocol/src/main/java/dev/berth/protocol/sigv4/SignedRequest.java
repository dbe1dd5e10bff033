package dev.berth.protocol.sigv4;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request as the signature verifier needs to see it: exactly the bytes the client signed,
 * with no Vert.x (or any server) types, so verification is a pure function that unit tests can feed
 * from AWS's own test vectors.
 *
 * <p>How the front door builds one from a request: {@code method} is the request method;
 * {@code rawPath} is the path exactly as it arrived on the request line, still percent-encoded and
 * not normalized (Vert.x: {@code request.path()}); {@code rawQuery} is everything after {@code ?},
 * still encoded, or {@code null} (Vert.x: {@code request.query()}); {@code headers} holds every
 * header line under its name in any case, repeated headers as several values in arrival order (for
 * HTTP/2 put the {@code :authority} value under {@code host}); and either {@code body}, the complete
 * body, or {@code bodySha256Hex}, the lower-case hex SHA-256 of a body that was hashed while it
 * streamed. A request without a body passes an empty array (or {@code null}).
 *
 * @param method        HTTP method, e.g. {@code POST}
 * @param rawPath       path as received, percent-encoded; {@code null} or empty means {@code /}
 * @param rawQuery      query string as received without the {@code ?}, or {@code null}
 * @param headers       header names (any case) to their values in arrival order
 * @param body          the request body, or {@code null} when {@code bodySha256Hex} is given or there is none
 * @param bodySha256Hex hex SHA-256 of the body when the body itself is not kept, else {@code null}
 */
public record SignedRequest(
        String method,
        String rawPath,
        String rawQuery,
        Map<String, List<String>> headers,
        byte[] body,
        String bodySha256Hex) {

    private static final byte[] EMPTY = new byte[0];

    public SignedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(headers, "headers");
        if (rawPath == null || rawPath.isEmpty()) {
            rawPath = "/";
        }
        if (body != null && bodySha256Hex != null) {
            throw new IllegalArgumentException("give the body or its SHA-256, not both");
        }
        if (bodySha256Hex != null) {
            if (!Hashing.isSha256Hex(bodySha256Hex)) {
                throw new IllegalArgumentException("bodySha256Hex must be 64 hex digits");
            }
            bodySha256Hex = bodySha256Hex.toLowerCase(Locale.ROOT);
        }
    }

    /** A request whose complete body is at hand. */
    public static SignedRequest of(
            String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        return new SignedRequest(method, rawPath, rawQuery, headers, body == null ? EMPTY : body, null);
    }

    /** A request whose body was hashed while it streamed (e.g. a large upload). */
    public static SignedRequest withBodyHash(
            String method, String rawPath, String rawQuery, Map<String, List<String>> headers, String bodySha256Hex) {
        return new SignedRequest(
                method, rawPath, rawQuery, headers, null, Objects.requireNonNull(bodySha256Hex, "bodySha256Hex"));
    }

    /** The lower-case hex SHA-256 of the body, computed when only the body was given. */
    String payloadSha256Hex() {
        return bodySha256Hex != null ? bodySha256Hex : Hashing.sha256Hex(body == null ? EMPTY : body);
    }

    /** Method, path and query only: headers carry the signature and the body may be large. */
    @Override
    public String toString() {
        return method + " " + rawPath + (rawQuery == null ? "" : "?" + rawQuery);
    }
}
