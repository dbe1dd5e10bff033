package dev.berth.protocol.sigv4;

import java.util.List;
import java.util.Map;

/**
 * The signature parameters of one request, read from either the {@code Authorization} header or a
 * presigned URL's query, so the rest of verification does not care which form the client used.
 *
 * <p>Parsing reports everything a request lacks in one message, worded as AWS words it, because a
 * client author fixing a hand-rolled signer wants the whole list at once.
 *
 * @param accessKeyId   first element of the credential scope
 * @param scopeDate     yyyyMMdd element of the scope
 * @param scopeRegion   region element of the scope
 * @param scopeService  service element of the scope
 * @param terminator    last element of the scope, {@code aws4_request} when well-formed
 * @param signedHeaders the {@code SignedHeaders} value as sent
 * @param signature     the signature as sent
 * @param amzDate       the timestamp as sent ({@code X-Amz-Date} or {@code Date}); {@code null} when absent
 * @param basicDate     {@code true} when {@code amzDate} is in ISO-8601 basic form (not an HTTP {@code Date})
 * @param expires       {@code X-Amz-Expires} as sent for presigned URLs, else {@code null}
 * @param sessionToken  {@code X-Amz-Security-Token}, or {@code null}
 * @param presigned     whether the parameters came from the query string
 */
record AuthParameters(
        String accessKeyId,
        String scopeDate,
        String scopeRegion,
        String scopeService,
        String terminator,
        String signedHeaders,
        String signature,
        String amzDate,
        boolean basicDate,
        String expires,
        String sessionToken,
        boolean presigned) {

    static final String TERMINATOR = "aws4_request";

    /** The credential scope the string to sign names, e.g. {@code 20150830/us-east-1/ecs/aws4_request}. */
    String scope() {
        return scopeDate + '/' + scopeRegion + '/' + scopeService + '/' + terminator;
    }

    /** Parses {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}. */
    static AuthParameters fromHeader(
            String authorization, Map<String, List<String>> lowerCaseHeaders, Dialect dialect) {
        String value = authorization.trim();
        int space = value.indexOf(' ');
        String algorithm = space < 0 ? value : value.substring(0, space);
        if (!algorithm.equals(CanonicalRequest.ALGORITHM)) {
            throw dialect.incomplete("Unsupported AWS 'algorithm': '" + algorithm + "'. Only '"
                    + CanonicalRequest.ALGORITHM + "' is supported.");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        StringBuilder problems = new StringBuilder();
        String rest = space < 0 ? "" : value.substring(space + 1);
        int start = 0;
        while (start < rest.length()) {
            int comma = rest.indexOf(',', start);
            int end = comma < 0 ? rest.length() : comma;
            String pair = rest.substring(start, end).trim();
            start = end + 1;
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                problems.append('\'')
                        .append(pair)
                        .append("' not a valid key=value pair (missing equal-sign) in")
                        .append(" Authorization header: '")
                        .append(value)
                        .append("'. ");
                continue;
            }
            String key = pair.substring(0, eq).trim();
            String v = pair.substring(eq + 1).trim();
            switch (key) {
                case "Credential" -> credential = v;
                case "SignedHeaders" -> signedHeaders = v;
                case "Signature" -> signature = v;
                default -> {} // AWS ignores unknown parameters
            }
        }
        String amzDate = Headers.first(lowerCaseHeaders, "x-amz-date");
        boolean basic = amzDate != null;
        if (!basic) {
            amzDate = Headers.first(lowerCaseHeaders, "date");
        }
        if (problems.isEmpty()) {
            requireParameter(problems, credential, "Credential");
            requireParameter(problems, signature, "Signature");
            requireParameter(problems, signedHeaders, "SignedHeaders");
            if (amzDate == null) {
                problems.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date'")
                        .append(" header. ");
            }
            if (!problems.isEmpty()) {
                problems.append("Authorization=").append(value);
            }
        }
        if (!problems.isEmpty()) {
            throw dialect.incomplete(problems.toString().trim());
        }
        String[] scope = splitCredential(credential, dialect);
        return new AuthParameters(
                scope[0],
                scope[1],
                scope[2],
                scope[3],
                scope[4],
                signedHeaders,
                signature,
                amzDate.trim(),
                basic,
                null,
                Headers.first(lowerCaseHeaders, "x-amz-security-token"),
                false);
    }

    /** Whether the query carries presigned-URL parameters at all. */
    static boolean isPresigned(QueryParams query) {
        return query.first("X-Amz-Algorithm") != null
                || query.first("X-Amz-Credential") != null
                || query.first(CanonicalRequest.SIGNATURE_PARAM) != null;
    }

    /** Parses the {@code X-Amz-*} parameters of a presigned URL. */
    static AuthParameters fromQuery(QueryParams query, Dialect dialect) {
        String algorithm = query.first("X-Amz-Algorithm");
        String credential = query.first("X-Amz-Credential");
        String amzDate = query.first("X-Amz-Date");
        String signedHeaders = query.first("X-Amz-SignedHeaders");
        String signature = query.first(CanonicalRequest.SIGNATURE_PARAM);
        StringBuilder problems = new StringBuilder();
        requireQueryParameter(problems, algorithm, "X-Amz-Algorithm");
        requireQueryParameter(problems, credential, "X-Amz-Credential");
        requireQueryParameter(problems, signature, CanonicalRequest.SIGNATURE_PARAM);
        requireQueryParameter(problems, signedHeaders, "X-Amz-SignedHeaders");
        requireQueryParameter(problems, amzDate, "X-Amz-Date");
        if (!problems.isEmpty()) {
            throw dialect.incomplete(
                    problems.append("Re-examine the query-string parameters.").toString());
        }
        if (!algorithm.equals(CanonicalRequest.ALGORITHM)) {
            throw dialect.incomplete("Unsupported AWS 'algorithm': '" + algorithm + "'. Only '"
                    + CanonicalRequest.ALGORITHM + "' is supported.");
        }
        String[] scope = splitCredential(credential, dialect);
        return new AuthParameters(
                scope[0],
                scope[1],
                scope[2],
                scope[3],
                scope[4],
                signedHeaders,
                signature,
                amzDate,
                true,
                query.first("X-Amz-Expires"),
                query.first("X-Amz-Security-Token"),
                true);
    }

    private static void requireParameter(StringBuilder problems, String value, String name) {
        if (value == null || value.isEmpty()) {
            problems.append("Authorization header requires '").append(name).append("' parameter. ");
        }
    }

    private static void requireQueryParameter(StringBuilder problems, String value, String name) {
        if (value == null || value.isEmpty()) {
            problems.append("AWS query-string parameters must include '")
                    .append(name)
                    .append("'. ");
        }
    }

    private static String[] splitCredential(String credential, Dialect dialect) {
        String[] parts = credential.split("/", -1);
        if (parts.length != 5) {
            throw dialect.incomplete("Credential must have exactly 5 slash-delimited elements, e.g."
                    + " keyid/date/region/service/term, got '" + credential + "'");
        }
        return parts;
    }
}
