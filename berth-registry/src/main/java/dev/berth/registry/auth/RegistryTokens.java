package dev.berth.registry.auth;

import dev.berth.registry.RegistryKinds;
import dev.berth.store.StateStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Registry passwords: what {@code GetAuthorizationToken} hands out (as base64 of {@code AWS:<password>})
 * and what {@code docker login} then sends back in {@code Authorization: Basic}.
 *
 * <p>A password is self-contained and signed, so issuing one writes nothing to the store:
 * {@code b1.<base64url(principal "\n" expiry-epoch-seconds)>.<base64url(HMAC-SHA256)>}. It never
 * contains a colon (the AWS CLI's {@code get-login-password} splits the token on the first colon).
 * The HMAC key is created once per installation and kept in the store (kind
 * {@code registry-secret}), so every server process sharing a PostgreSQL store verifies the
 * passwords the others issued. Passwords are valid {@link #VALIDITY} (ECR: 12 hours); they cannot be
 * revoked one by one, only all at once by deleting the secret document.
 *
 * <p>Thread-safe; the key is loaded on first use.
 */
public final class RegistryTokens {

    /** How long a password is valid (ECR's authorization tokens: 12 hours). */
    public static final Duration VALIDITY = Duration.ofHours(12);

    private static final String KEY = "token-hmac";
    private static final String PREFIX = "b1.";

    /** An issued password and when it stops being accepted. */
    public record Token(String password, Instant expiresAt) {}

    private final StateStore store;
    private final Clock clock;
    private volatile byte[] secret;

    public RegistryTokens(StateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Issues a password for {@code principal} (an access key id, or a scoped principal such as
     * {@code agent/<instance id>}), valid {@link #VALIDITY} from now. Stable API: the ECR
     * GetAuthorizationToken operation calls it with the caller's access key id and returns
     * base64({@code "AWS:" + password}) and {@code expiresAt}.
     */
    public Token issue(String principal) {
        if (principal == null || principal.isEmpty() || principal.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid principal");
        }
        Instant expires = clock.instant().plus(VALIDITY);
        String payload = b64(principal + "\n" + expires.getEpochSecond());
        return new Token(PREFIX + payload + "." + b64(hmac(payload)), Instant.ofEpochSecond(expires.getEpochSecond()));
    }

    /** The principal a password was issued to, if it is genuine and not expired. */
    public Optional<String> verify(String password) {
        if (password == null || !password.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = password.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String payload = rest.substring(0, dot);
        byte[] mac;
        String text;
        try {
            mac = Base64.getUrlDecoder().decode(rest.substring(dot + 1));
            text = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac, hmac(payload))) {
            return Optional.empty();
        }
        int nl = text.lastIndexOf('\n');
        if (nl <= 0) {
            return Optional.empty();
        }
        try {
            long expires = Long.parseLong(text.substring(nl + 1));
            if (clock.instant().getEpochSecond() >= expires) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(text.substring(0, nl));
    }

    private byte[] hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private byte[] secret() {
        byte[] s = secret;
        if (s == null) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            String candidate = "{\"key\":\"" + HexFormat.of().formatHex(fresh) + "\"}";
            String json = store.transact(tx -> {
                tx.insert(RegistryKinds.SECRET, KEY, candidate);
                return tx.get(RegistryKinds.SECRET, KEY).orElseThrow().json();
            });
            int start = json.indexOf("\"key\":\"") + 7;
            s = HexFormat.of().parseHex(json.substring(start, json.indexOf('"', start)));
            secret = s;
        }
        return s;
    }

    private static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
