package dev.berth.iam.sts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the web identity tokens of AssumeRoleWithWebIdentity: a JWT signed with RS256 by a key of
 * the OIDC provider registered for its issuer.
 *
 * <p>Berth has no internet, so where a provider's keys (JWKS) come from is decided here, in order:
 *
 * <ol>
 *   <li>a file the operator put at {@code <data-dir>/iam/oidc/<host>[_<path>].jwks.json} (the
 *       provider's URL without scheme, {@code /} and {@code :} replaced by {@code _});
 *   <li>for issuers on a loopback host (127.0.0.0/8, localhost, ::1) only: the provider's own
 *       {@code <issuer>/.well-known/openid-configuration} and the {@code jwks_uri} it names (which must
 *       be on a loopback host too), fetched over HTTP(S) and kept for five minutes.
 * </ol>
 *
 * Any other issuer without a file answers {@code InvalidIdentityToken}, as AWS does when it cannot
 * reach a provider's keys.
 */
public final class WebIdentityTokens {

    /** A verified token's claims. */
    public record Claims(String issuer, String subject, List<String> audiences, String authorizedParty, JsonNode all) {}

    private record CachedJwks(JsonNode jwks, long fetchedAt) {}

    static final String NOT_JWT =
            "The ID Token provided is not a valid JWT. (You may see this error if you sent an" + " Access Token)";
    static final String NO_KEYS = "Couldn't retrieve verification key from your identity provider,  please reference"
            + " AssumeRoleWithWebIdentity documentation for requirements";

    private final ObjectMapper mapper;
    private final Path keyDir;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ConcurrentHashMap<String, CachedJwks> fetched = new ConcurrentHashMap<>();

    public WebIdentityTokens(ObjectMapper mapper, Path keyDir, Clock clock) {
        this.mapper = mapper;
        this.keyDir = keyDir;
        this.clock = clock;
    }

    static AwsException invalid(String message) {
        return new AwsException("InvalidIdentityToken", 400, message);
    }

    /** The token's claims, unverified (to find its issuer's provider first). */
    public JsonNode peek(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw invalid(NOT_JWT);
        }
        try {
            return mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            throw invalid(NOT_JWT);
        }
    }

    /**
     * Verifies {@code token}'s RS256 signature with the keys of the provider at {@code providerUrl}
     * ({@code scheme://host/path}) and its expiry; returns its claims.
     */
    public Claims verify(String token, String providerKey, String providerUrl) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw invalid(NOT_JWT);
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = mapper.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IOException | IllegalArgumentException e) {
            throw invalid(NOT_JWT);
        }
        if (!header.path("alg").asText().equals("RS256")) {
            throw invalid("Unsupported token signing algorithm "
                    + header.path("alg").asText() + "; Berth verifies RS256 tokens.");
        }
        JsonNode jwks = jwks(providerKey, providerUrl);
        String kid = header.path("kid").asText(null);
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        boolean anyKey = false;
        for (JsonNode k : jwks.path("keys")) {
            if (!k.path("kty").asText().equals("RSA")
                    || (kid != null && !kid.equals(k.path("kid").asText(null)))) {
                continue;
            }
            anyKey = true;
            try {
                PublicKey key = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(
                                new BigInteger(
                                        1,
                                        Base64.getUrlDecoder()
                                                .decode(k.path("n").asText())),
                                new BigInteger(
                                        1,
                                        Base64.getUrlDecoder()
                                                .decode(k.path("e").asText()))));
                Signature v = Signature.getInstance("SHA256withRSA");
                v.initVerify(key);
                v.update(signed);
                if (v.verify(signature)) {
                    ok = true;
                    break;
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not a usable key: try the next one
            }
        }
        if (!anyKey) {
            throw invalid(NO_KEYS);
        }
        if (!ok) {
            throw invalid("Signature verification failed for the web identity token.");
        }
        long now = clock.instant().getEpochSecond();
        long exp = claims.path("exp").asLong(0);
        if (exp == 0) {
            throw invalid("The web identity token has no exp claim.");
        }
        if (now >= exp) {
            throw new AwsException(
                    "ExpiredTokenException",
                    400,
                    "Token expired: current date/time " + Instant.ofEpochSecond(now)
                            + " must be before the expiration date/time" + Instant.ofEpochSecond(exp));
        }
        if (claims.has("nbf") && now + 300 < claims.path("nbf").asLong()) {
            throw invalid("The web identity token is not valid yet (nbf).");
        }
        List<String> audiences = new ArrayList<>();
        JsonNode aud = claims.get("aud");
        if (aud != null && aud.isArray()) {
            aud.forEach(a -> audiences.add(a.asText()));
        } else if (aud != null) {
            audiences.add(aud.asText());
        }
        return new Claims(
                claims.path("iss").asText(),
                claims.path("sub").asText(),
                audiences,
                claims.path("azp").asText(null),
                claims);
    }

    private JsonNode jwks(String providerKey, String providerUrl) {
        Path file = keyDir.resolve(providerKey.replace('/', '_').replace(':', '_') + ".jwks.json");
        if (Files.isRegularFile(file)) {
            try {
                return mapper.readTree(file.toFile());
            } catch (IOException e) {
                throw invalid(NO_KEYS);
            }
        }
        URI issuer = URI.create(providerUrl);
        if (!loopback(issuer.getHost())) {
            throw invalid(NO_KEYS);
        }
        CachedJwks c = fetched.get(providerUrl);
        if (c != null && clock.millis() - c.fetchedAt() < 300_000) {
            return c.jwks();
        }
        try {
            JsonNode config = get(URI.create(providerUrl + "/.well-known/openid-configuration"));
            URI jwksUri = URI.create(config.path("jwks_uri").asText());
            if (!loopback(jwksUri.getHost())) {
                throw invalid(NO_KEYS);
            }
            JsonNode jwks = get(jwksUri);
            fetched.put(providerUrl, new CachedJwks(jwks, clock.millis()));
            return jwks;
        } catch (IOException | IllegalArgumentException e) {
            throw invalid(NO_KEYS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw invalid(NO_KEYS);
        }
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + uri);
        }
        return mapper.readTree(r.body());
    }

    static boolean loopback(String host) {
        return host != null
                && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    }
}
