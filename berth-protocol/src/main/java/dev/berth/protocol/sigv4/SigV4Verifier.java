package dev.berth.protocol.sigv4;

import dev.berth.model.error.AwsException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies AWS Signature Version 4 on every AWS API call, so Berth accepts exactly the requests that
 * the AWS CLI and SDKs sign with a key it knows, and answers everything else the way AWS does.
 *
 * <p>Order of checks (each failure is an {@link AwsException} with HTTP 403 and the code of the
 * caller's {@link Dialect}): a signature at all (header or presigned query) → its parameters are
 * complete → timestamp parses → credential scope (terminator, date, region, service) → clock skew
 * of at most 15 minutes, or for presigned URLs {@code X-Amz-Expires} (1..604800 s) not yet run out
 * → access key (and session token) known → {@code x-amz-content-sha256}, when sent as a hash,
 * matches the body → signature, compared in constant time.
 *
 * <p>Thread-safe and allocation-light: one instance serves the whole front door. Signing keys are
 * cached per (secret, day, region, service); SHA-256 and HMAC engines are kept per thread.
 */
public final class SigV4Verifier {

    /** Largest {@code X-Amz-Expires} AWS accepts: seven days. */
    public static final long MAX_EXPIRES_SECONDS = 604_800;
    /** How far a request's timestamp may be from the server's clock. */
    public static final long MAX_SKEW_SECONDS = 15 * 60;

    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    private static final Logger LOG = LoggerFactory.getLogger(SigV4Verifier.class);

    private final CredentialResolver credentials;
    private final Clock clock;
    private final String region;
    private final SigningKeys signingKeys = new SigningKeys();

    /**
     * @param credentials where access keys are looked up
     * @param clock       the time skew and expiry are measured against
     * @param region      the server's region; requests must be scoped to it
     */
    public SigV4Verifier(CredentialResolver credentials, Clock clock, String region) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.region = Objects.requireNonNull(region, "region");
    }

    /**
     * Verifies {@code request} as a call to the service whose signing name is {@code expectedService}.
     *
     * @return who signed it
     * @throws AwsException (403) with {@code dialect}'s error code when the request is not validly signed
     */
    public Principal verify(SignedRequest request, String expectedService, Dialect dialect) {
        Objects.requireNonNull(expectedService, "expectedService");
        Objects.requireNonNull(dialect, "dialect");
        Map<String, List<String>> headers = Headers.lowerCased(request.headers());
        QueryParams query = QueryParams.parse(request.rawQuery());
        AuthParameters auth = parse(headers, query, dialect);

        long signedAt = requestTime(auth, dialect);
        checkScope(auth, signedAt, expectedService, dialect);
        checkTime(auth, signedAt, dialect);

        Optional<String> secret = secret(auth, dialect);
        if (secret.isEmpty()) {
            throw dialect.unrecognizedClient();
        }
        String payloadHash = payloadHash(request, headers, dialect);
        List<String> signedHeaders = signedHeaders(auth, dialect);
        byte[] provided = Hashing.isSha256Hex(auth.signature()) ? Hashing.unhex32(auth.signature()) : null;
        byte[] key = signingKeys.signingKey(secret.get(), auth.scopeDate(), auth.scopeRegion(), auth.scopeService());

        String amzDate = AmzDates.formatBasic(signedAt);
        String normalizedUri = CanonicalRequest.uri(request.rawPath(), true);
        if (matches(provided, key, request, normalizedUri, query, headers, signedHeaders, payloadHash, auth, amzDate)) {
            return principal(auth);
        }
        String literalUri = CanonicalRequest.uri(request.rawPath(), false);
        if (!literalUri.equals(normalizedUri)
                && matches(
                        provided,
                        key,
                        request,
                        literalUri,
                        query,
                        headers,
                        signedHeaders,
                        payloadHash,
                        auth,
                        amzDate)) {
            return principal(auth); // signed by a client that does not normalize paths
        }
        throw dialect.mismatch();
    }

    /**
     * Verifies an Amazon S3 request before its body is read, because S3 bodies are streamed to disk
     * and may be gigabytes: the signature covers the {@code x-amz-content-sha256} value as sent, and
     * the caller checks the body against it afterwards ({@link S3Signature#checkBody}) or decodes an
     * {@code aws-chunked} body with {@link AwsChunkedStream}, which verifies every chunk's signature.
     *
     * <p>S3's canonical URI is the path exactly as the client encoded it once (no normalization, no
     * second encoding); a path whose encoding differs from the canonical one (e.g. {@code %7E} for
     * {@code ~}) is tried once more after decoding and re-encoding. A presigned URL's payload is
     * {@code UNSIGNED-PAYLOAD}; a header-signed request must carry {@code x-amz-content-sha256}.
     */
    public S3Signature verifyS3(String method, String rawPath, String rawQuery, Map<String, List<String>> rawHeaders) {
        Dialect dialect = Dialect.S3;
        Map<String, List<String>> headers = Headers.lowerCased(rawHeaders);
        QueryParams query = QueryParams.parse(rawQuery);
        AuthParameters auth = parse(headers, query, dialect);
        long signedAt = requestTime(auth, dialect);
        checkScope(auth, signedAt, "s3", dialect);
        checkTime(auth, signedAt, dialect);
        Optional<String> secret = secret(auth, dialect);
        if (secret.isEmpty()) {
            throw dialect.unrecognizedClient();
        }
        String declared = Headers.first(headers, "x-amz-content-sha256");
        S3Signature.Payload payload;
        if (declared == null) {
            if (!auth.presigned()) {
                throw new AwsException(
                        "InvalidRequest", 400, "Missing required header for this request: x-amz-content-sha256");
            }
            declared = UNSIGNED_PAYLOAD;
            payload = S3Signature.Payload.UNSIGNED;
        } else {
            payload = S3Signature.Payload.of(declared);
            if (payload == null) {
                throw new AwsException(
                        "InvalidArgument",
                        400,
                        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD,"
                                + " STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD,"
                                + " STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
            }
        }
        List<String> signedHeaders = signedHeaders(auth, dialect);
        byte[] provided = Hashing.isSha256Hex(auth.signature()) ? Hashing.unhex32(auth.signature()) : null;
        byte[] key = signingKeys.signingKey(secret.get(), auth.scopeDate(), auth.scopeRegion(), auth.scopeService());
        String amzDate = AmzDates.formatBasic(signedAt);
        SignedRequest request = new SignedRequest(method, rawPath, rawQuery, rawHeaders, null, null);
        String literal = request.rawPath();
        String reencoded = CanonicalRequest.s3Uri(literal);
        if (!matches(provided, key, request, literal, query, headers, signedHeaders, declared, auth, amzDate)
                && (reencoded.equals(literal)
                        || !matches(
                                provided,
                                key,
                                request,
                                reencoded,
                                query,
                                headers,
                                signedHeaders,
                                declared,
                                auth,
                                amzDate))) {
            throw dialect.mismatch();
        }
        return new S3Signature(
                principal(auth),
                payload,
                declared,
                key,
                auth.scope(),
                amzDate,
                auth.signature().toLowerCase(Locale.ROOT));
    }

    /**
     * The canonical request and string to sign the verifier computes for {@code request} (path
     * normalized), for tests and for explaining a mismatch to a client author.
     */
    SigningTrace trace(SignedRequest request, Dialect dialect) {
        Map<String, List<String>> headers = Headers.lowerCased(request.headers());
        QueryParams query = QueryParams.parse(request.rawQuery());
        AuthParameters auth = parse(headers, query, dialect);
        String canonical = canonicalRequest(
                request,
                CanonicalRequest.uri(request.rawPath(), true),
                query,
                headers,
                signedHeaders(auth, dialect),
                payloadHash(request, headers, dialect),
                auth);
        String amzDate = AmzDates.formatBasic(requestTime(auth, dialect));
        return new SigningTrace(canonical, CanonicalRequest.stringToSign(amzDate, auth.scope(), canonical));
    }

    /** What {@link #trace} returns. */
    record SigningTrace(String canonicalRequest, String stringToSign) {}

    private Optional<String> secret(AuthParameters auth, Dialect dialect) {
        try {
            return credentials.secretFor(auth.accessKeyId(), auth.sessionToken());
        } catch (ExpiredCredentialsException e) {
            throw dialect.expiredToken();
        }
    }

    private static AuthParameters parse(Map<String, List<String>> headers, QueryParams query, Dialect dialect) {
        String authorization = Headers.first(headers, "authorization");
        if (authorization != null) {
            return AuthParameters.fromHeader(authorization, headers, dialect);
        }
        if (AuthParameters.isPresigned(query)) {
            return AuthParameters.fromQuery(query, dialect);
        }
        throw dialect.missingToken();
    }

    private static long requestTime(AuthParameters auth, Dialect dialect) {
        long seconds = auth.basicDate() ? AmzDates.parseBasic(auth.amzDate()) : AmzDates.parseHttpDate(auth.amzDate());
        if (seconds == Long.MIN_VALUE) {
            throw dialect.incomplete("Date must be in ISO-8601 'basic format'. Got '" + auth.amzDate()
                    + "'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
        return seconds;
    }

    private void checkScope(AuthParameters auth, long signedAt, String expectedService, Dialect dialect) {
        if (!auth.terminator().equals(AuthParameters.TERMINATOR)) {
            throw dialect.invalid("Credential should be scoped with a valid terminator: '" + AuthParameters.TERMINATOR
                    + "', not '" + auth.terminator() + "'.");
        }
        String basic = AmzDates.formatBasic(signedAt);
        if (!basic.startsWith(auth.scopeDate()) || auth.scopeDate().length() != 8) {
            throw dialect.invalid(
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date" + " from HTTP: '"
                            + auth.scopeDate() + "' != '" + basic.substring(0, 8) + "', from '" + basic + "'.");
        }
        if (!auth.scopeRegion().equals(region)) {
            throw dialect.invalid("Credential should be scoped to a valid region.");
        }
        if (!auth.scopeService().equals(expectedService)) {
            throw dialect.invalid("Credential should be scoped to correct service: '" + expectedService + "'.");
        }
    }

    private void checkTime(AuthParameters auth, long signedAt, Dialect dialect) {
        long now = clock.instant().getEpochSecond();
        if (signedAt > now + MAX_SKEW_SECONDS) {
            throw dialect.expired(
                    "Signature not yet current: " + AmzDates.formatBasic(signedAt) + " is still later than "
                            + AmzDates.formatBasic(now + MAX_SKEW_SECONDS) + " (" + AmzDates.formatBasic(now)
                            + " + 15 min.)",
                    false);
        }
        if (!auth.presigned() || auth.expires() == null) {
            // header form, or a presigned URL without X-Amz-Expires: the same 15 minutes either way
            if (signedAt < now - MAX_SKEW_SECONDS) {
                throw dialect.expired(
                        "Signature expired: " + AmzDates.formatBasic(signedAt) + " is now earlier than "
                                + AmzDates.formatBasic(now - MAX_SKEW_SECONDS) + " (" + AmzDates.formatBasic(now)
                                + " - 15 min.)",
                        auth.presigned());
            }
            return;
        }
        long expires = parseExpires(auth.expires(), dialect);
        if (now > signedAt + expires) {
            throw dialect.expired(
                    "Signature expired: " + AmzDates.formatBasic(signedAt + expires) + " is now earlier than "
                            + AmzDates.formatBasic(now) + " (X-Amz-Date " + AmzDates.formatBasic(signedAt)
                            + " + X-Amz-Expires "
                            + expires + " s)",
                    true);
        }
    }

    private static long parseExpires(String value, Dialect dialect) {
        long expires;
        try {
            expires = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw dialect.incomplete("X-Amz-Expires should be a number");
        }
        if (expires < 1) {
            throw dialect.incomplete("X-Amz-Expires must be at least 1 second, got " + value);
        }
        if (expires > MAX_EXPIRES_SECONDS) {
            throw dialect.incomplete(
                    "X-Amz-Expires must be less than a week (in seconds) that is " + MAX_EXPIRES_SECONDS);
        }
        return expires;
    }

    /**
     * The payload hash the client signed: {@code x-amz-content-sha256} when it sent one (a hex hash must
     * then be the body's), else the body's SHA-256.
     */
    private static String payloadHash(SignedRequest request, Map<String, List<String>> headers, Dialect dialect) {
        String declared = Headers.first(headers, "x-amz-content-sha256");
        if (declared == null) {
            return request.payloadSha256Hex();
        }
        if (declared.equals(UNSIGNED_PAYLOAD)) {
            return declared;
        }
        if (!Hashing.isSha256Hex(declared)) {
            throw dialect.invalid("x-amz-content-sha256 must be the hex SHA-256 of the body or '" + UNSIGNED_PAYLOAD
                    + "', got '" + declared + "'.");
        }
        byte[] actual = Hashing.unhex32(request.payloadSha256Hex());
        if (!MessageDigest.isEqual(actual, Hashing.unhex32(declared))) {
            throw dialect.invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        return declared;
    }

    private static List<String> signedHeaders(AuthParameters auth, Dialect dialect) {
        String line = auth.signedHeaders();
        List<String> names = new ArrayList<>(8);
        boolean host = false;
        boolean sorted = true;
        int start = 0;
        while (start <= line.length()) {
            int end = line.indexOf(';', start);
            if (end < 0) {
                end = line.length();
            }
            String name = line.substring(start, end).trim().toLowerCase(Locale.ROOT);
            start = end + 1;
            if (name.isEmpty()) {
                continue;
            }
            host |= name.equals("host") || name.equals(":authority");
            sorted &= names.isEmpty() || names.get(names.size() - 1).compareTo(name) < 0;
            names.add(name);
        }
        if (!host) {
            throw dialect.invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        if (!sorted) {
            Collections.sort(names);
        }
        return names;
    }

    private boolean matches(
            byte[] provided,
            byte[] key,
            SignedRequest request,
            String canonicalUri,
            QueryParams query,
            Map<String, List<String>> headers,
            List<String> signedHeaders,
            String payloadHash,
            AuthParameters auth,
            String amzDate) {
        String canonical = canonicalRequest(request, canonicalUri, query, headers, signedHeaders, payloadHash, auth);
        String stringToSign = CanonicalRequest.stringToSign(amzDate, auth.scope(), canonical);
        byte[] expected = Hashing.hmac(key, stringToSign);
        boolean ok = provided != null && MessageDigest.isEqual(expected, provided);
        if (!ok && LOG.isDebugEnabled()) {
            LOG.debug(
                    "SigV4 mismatch for {} (key {}): canonical request\n{}\nstring to sign\n{}",
                    request,
                    auth.accessKeyId(),
                    canonical,
                    stringToSign);
        }
        return ok;
    }

    private static String canonicalRequest(
            SignedRequest request,
            String canonicalUri,
            QueryParams query,
            Map<String, List<String>> headers,
            List<String> signedHeaders,
            String payloadHash,
            AuthParameters auth) {
        return CanonicalRequest.build(
                request.method(),
                canonicalUri,
                CanonicalRequest.query(query, auth.presigned()),
                headers,
                signedHeaders,
                String.join(";", signedHeaders),
                payloadHash);
    }

    private static Principal principal(AuthParameters auth) {
        return new Principal(auth.accessKeyId(), auth.scopeRegion(), auth.scopeService(), auth.sessionToken());
    }
}
