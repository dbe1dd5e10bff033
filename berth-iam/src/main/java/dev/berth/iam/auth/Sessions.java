package dev.berth.iam.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.berth.protocol.Caller;
import dev.berth.protocol.sigv4.ExpiredCredentialsException;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import dev.berth.store.crypto.Aead;
import dev.berth.store.crypto.MasterKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary credentials issued by STS (AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken):
 * an access key id {@code ASIA...}, a secret and a session token, valid until their expiration. Kept
 * in the store (kind {@code sts-session}, key = access key id) so that every server sharing a
 * PostgreSQL store accepts them; the secret is sealed under the master key and only the token's
 * SHA-256 is stored. A call signed with them must carry the token ({@code X-Amz-Security-Token});
 * after the expiration (measured on IAM's clock, which tests move forward) it is refused with
 * {@code ExpiredToken}.
 */
public final class Sessions {

    public static final String KIND = "sts-session";

    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** One session as stored. */
    public record Stored(
            String accessKeyId,
            String sealedSecret,
            String tokenSha256,
            long expiresAtMillis,
            String accountId,
            String callerType,
            String arn,
            String userId,
            String roleArn,
            String sessionName,
            List<String> policies,
            List<String> policyArns,
            Map<String, String> tags,
            String sourceArn) {

        @JsonIgnore
        Caller caller() {
            return new Caller(
                    Caller.Type.valueOf(callerType),
                    arn,
                    userId,
                    accountId,
                    new Caller.Session(
                            accessKeyId,
                            roleArn,
                            sessionName,
                            Instant.ofEpochMilli(expiresAtMillis),
                            policies,
                            policyArns,
                            tags,
                            sourceArn));
        }
    }

    /** What a new session is handed out with. */
    public record Issued(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {}

    private record Live(String secret, byte[] tokenHash, long expiresAtMillis, Caller caller) {}

    private final StateStore store;
    private final Documents docs;
    private final MasterKey master;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Live> cache = new ConcurrentHashMap<>();

    public Sessions(StateStore store, Documents docs, MasterKey master, Clock clock) {
        this.store = store;
        this.docs = docs;
        this.master = master;
        this.clock = clock;
    }

    /**
     * Creates a session in {@code tx} for {@code caller}'s identity (type, ARN, user id, account) with
     * {@code session}'s details; the access key id and expiration of {@code session} are replaced.
     */
    public Issued create(Transaction tx, Caller caller, Caller.Session session, long durationSeconds) {
        String id = "ASIA" + random(ID_ALPHABET, 16);
        String secret = random(SECRET_ALPHABET, 40);
        byte[] tokenBytes = new byte[96];
        random.nextBytes(tokenBytes);
        String token = "IQoJb3JpZ2luX2VjE" + Base64.getEncoder().encodeToString(tokenBytes);
        long expires = clock.millis() + durationSeconds * 1000;
        Stored s = new Stored(
                id,
                Base64.getEncoder()
                        .encodeToString(master.seal(secret.getBytes(StandardCharsets.UTF_8), KIND + "/" + id)),
                HexFormat.of().formatHex(sha256(token)),
                expires,
                caller.accountId(),
                caller.type().name(),
                caller.arn(),
                caller.userId(),
                session.roleArn(),
                session.sessionName(),
                session.policies(),
                session.policyArns(),
                session.tags(),
                session.sourceArn());
        docs.put(tx, KIND, id, s);
        return new Issued(
                id, secret, token, Instant.ofEpochMilli(expires).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /**
     * The secret of a session key when {@code token} is its token; empty when the key or token is
     * unknown.
     *
     * @throws ExpiredCredentialsException when the session has expired
     */
    public Optional<String> secretFor(String accessKeyId, String token) {
        Optional<Live> live = live(accessKeyId);
        if (live.isEmpty() || token == null || !MessageDigest.isEqual(live.get().tokenHash(), sha256(token))) {
            return Optional.empty();
        }
        if (clock.millis() >= live.get().expiresAtMillis()) {
            throw new ExpiredCredentialsException();
        }
        return Optional.of(live.get().secret());
    }

    /** Who a session key acts as (after {@link #secretFor} accepted it). */
    public Optional<Caller> caller(String accessKeyId) {
        return live(accessKeyId).map(Live::caller);
    }

    /** Whether a key id is a session key Berth issued (expired or not). */
    public boolean known(String accessKeyId) {
        return live(accessKeyId).isPresent();
    }

    private Optional<Live> live(String id) {
        if (id == null || !id.startsWith("ASIA") || id.length() > 128) {
            return Optional.empty();
        }
        Live l = cache.get(id);
        if (l != null) {
            return Optional.of(l);
        }
        Optional<Live> stored = store.read(tx -> docs.get(tx, KIND, id, Stored.class))
                .map(s -> {
                    String secret;
                    try {
                        secret = new String(
                                master.open(Base64.getDecoder().decode(s.sealedSecret()), KIND + "/" + id),
                                StandardCharsets.UTF_8);
                    } catch (Aead.OpenFailed e) {
                        throw new IllegalStateException(
                                "the secret of session " + id + " does not open with the master key");
                    }
                    return new Live(secret, HexFormat.of().parseHex(s.tokenSha256()), s.expiresAtMillis(), s.caller());
                });
        stored.ifPresent(x -> cache.put(id, x));
        return stored;
    }

    /** Deletes sessions that expired more than an hour ago (housekeeping). */
    public int purgeExpired() {
        long cutoff = clock.millis() - 3_600_000;
        List<String> gone = new ArrayList<>();
        store.read(tx -> {
            StorePages.forEach(tx, KIND, "", e -> {
                Stored s = docs.read(e, Stored.class);
                if (s.expiresAtMillis() < cutoff) {
                    gone.add(e.key());
                }
            });
            return null;
        });
        for (String id : gone) {
            store.transact(tx -> tx.delete(KIND, id));
            cache.remove(id);
        }
        cache.entrySet().removeIf(e -> e.getValue().expiresAtMillis() < cutoff);
        return gone.size();
    }

    private String random(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
