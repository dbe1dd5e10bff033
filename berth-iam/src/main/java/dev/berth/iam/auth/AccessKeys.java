package dev.berth.iam.auth;

import dev.berth.model.auth.AccessKeyDirectory;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.Transaction;
import dev.berth.store.crypto.Aead;
import dev.berth.store.crypto.MasterKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access keys the front door accepts, kept in the state store so that every control-plane
 * process sharing a PostgreSQL store accepts the same keys: the account's root key and the keys of
 * IAM users (at most two per user, Active or Inactive), each carrying its owner so the authenticator
 * knows which principal signed a call.
 *
 * <p>Lookups are on the hot path of every request, so keys are cached after the first read; a key
 * unknown to the cache is looked up in the store (another process may have created it). A user's
 * key can be deactivated or deleted: this process forgets it at once ({@link #forget}), and other
 * processes re-read user keys older than {@link #USER_KEY_TTL_MILLIS} in their cache.
 *
 * <p>At rest a key's secret is sealed with the {@link MasterKey} (associated data
 * {@code access-key/<id>}), so the store holds no usable credential; documents written before
 * that (plaintext {@code secretAccessKey}) are still read, and the root key is sealed again on
 * the next start.
 */
public final class AccessKeys implements AccessKeyDirectory {

    /** The document kind of access keys; key = access key id. */
    public static final String KIND = "access-key";

    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** How long another process's change to a user key may go unnoticed here. */
    public static final long USER_KEY_TTL_MILLIS = 5_000;

    /**
     * The stored form: the secret sealed under the master key (or, in older documents, in clear);
     * for a user's key its owner, status, creation and last use (null for the root key).
     */
    record StoredKey(
            String accessKeyId,
            String sealedSecret,
            String secretAccessKey,
            String accountId,
            boolean root,
            String userName,
            String userId,
            String userArn,
            String status,
            String createDate,
            String lastUsedDate,
            String lastUsedService,
            String lastUsedRegion) {
        StoredKey(String accessKeyId, String sealedSecret, String secretAccessKey, String accountId, boolean root) {
            this(
                    accessKeyId,
                    sealedSecret,
                    secretAccessKey,
                    accountId,
                    root,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
    }

    /** An IAM user's access key, as IAM's access key operations show it. */
    public record UserKey(
            String accessKeyId,
            String secretAccessKey,
            String accountId,
            String userName,
            String userId,
            String userArn,
            String status,
            String createDate,
            String lastUsedDate,
            String lastUsedService,
            String lastUsedRegion) {
        public boolean active() {
            return !"Inactive".equals(status);
        }
    }

    /** Who owns a key: the root (user fields null) or an IAM user. */
    public record Owner(String accountId, boolean root, String userName, String userId, String userArn) {}

    private record Cached(Key key, Owner owner, boolean active, long loadedAt) {}

    private final StateStore store;
    private final Documents docs;
    private final MasterKey master;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastUseWritten = new ConcurrentHashMap<>();

    public AccessKeys(StateStore store, Documents docs, MasterKey master) {
        this.store = store;
        this.docs = docs;
        this.master = master;
    }

    private Optional<Cached> read(Transaction tx, String id) {
        return docs.get(tx, KIND, id, StoredKey.class).map(k -> {
            String secret = open(k);
            Owner owner = new Owner(k.accountId(), k.root(), k.userName(), k.userId(), k.userArn());
            return new Cached(
                    new Key(k.accessKeyId(), secret, k.accountId(), k.root()),
                    owner,
                    !"Inactive".equals(k.status()),
                    System.currentTimeMillis());
        });
    }

    private String open(StoredKey k) {
        String secret = k.secretAccessKey();
        if (k.sealedSecret() != null) {
            try {
                secret = new String(
                        master.open(Base64.getDecoder().decode(k.sealedSecret()), "access-key/" + k.accessKeyId()),
                        StandardCharsets.UTF_8);
            } catch (Aead.OpenFailed e) {
                throw new IllegalStateException(
                        "the secret of access key " + k.accessKeyId() + " does not open with the master key");
            }
        }
        return secret;
    }

    private String seal(String id, String secret) {
        return Base64.getEncoder()
                .encodeToString(master.seal(secret.getBytes(StandardCharsets.UTF_8), "access-key/" + id));
    }

    private void write(Transaction tx, Key k) {
        docs.put(
                tx,
                KIND,
                k.accessKeyId(),
                new StoredKey(
                        k.accessKeyId(), seal(k.accessKeyId(), k.secretAccessKey()), null, k.accountId(), k.root()));
    }

    @Override
    public Optional<Key> find(String accessKeyId) {
        return cached(accessKeyId).filter(Cached::active).map(Cached::key);
    }

    /** The owner of an active key, if Berth knows the key. */
    public Optional<Owner> owner(String accessKeyId) {
        return cached(accessKeyId).filter(Cached::active).map(Cached::owner);
    }

    private Optional<Cached> cached(String accessKeyId) {
        Cached cached = cache.get(accessKeyId);
        if (cached != null
                && (cached.owner().root() || System.currentTimeMillis() - cached.loadedAt() < USER_KEY_TTL_MILLIS)) {
            return Optional.of(cached);
        }
        if (accessKeyId == null || accessKeyId.isEmpty() || accessKeyId.length() > 128) {
            return Optional.empty();
        }
        Optional<Cached> stored = store.read(tx -> read(tx, accessKeyId));
        stored.ifPresentOrElse(k -> cache.put(accessKeyId, k), () -> cache.remove(accessKeyId));
        return stored;
    }

    /** Drops a key from this process's cache (after it was deactivated or deleted). */
    public void forget(String accessKeyId) {
        cache.remove(accessKeyId);
    }

    // ---- IAM users' keys (called inside the IAM operation's transaction)

    /** Creates an Active key for a user. */
    public UserKey createUserKey(Transaction tx, String userName, String userId, String userArn, String now) {
        String id = "AKIA" + randomString(ID_ALPHABET, 16);
        String secret = randomString(SECRET_ALPHABET, 40);
        String accountId = userArn.split(":")[4];
        docs.put(
                tx,
                KIND,
                id,
                new StoredKey(
                        id,
                        seal(id, secret),
                        null,
                        accountId,
                        false,
                        userName,
                        userId,
                        userArn,
                        "Active",
                        now,
                        null,
                        null,
                        null));
        return new UserKey(id, secret, accountId, userName, userId, userArn, "Active", now, null, null, null);
    }

    /** A user's key (not the root key). */
    public Optional<UserKey> userKey(Transaction tx, String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return Optional.empty();
        }
        return docs.get(tx, KIND, id, StoredKey.class)
                .filter(k -> !k.root() && k.userName() != null)
                .map(k -> new UserKey(
                        k.accessKeyId(),
                        null,
                        k.accountId(),
                        k.userName(),
                        k.userId(),
                        k.userArn(),
                        k.status() == null ? "Active" : k.status(),
                        k.createDate(),
                        k.lastUsedDate(),
                        k.lastUsedService(),
                        k.lastUsedRegion()));
    }

    private void update(Transaction tx, String id, java.util.function.UnaryOperator<StoredKey> change) {
        docs.getForUpdate(tx, KIND, id, StoredKey.class).ifPresent(k -> docs.put(tx, KIND, id, change.apply(k)));
    }

    public void setStatus(Transaction tx, String id, String status) {
        update(
                tx,
                id,
                k -> new StoredKey(
                        k.accessKeyId(),
                        k.sealedSecret(),
                        k.secretAccessKey(),
                        k.accountId(),
                        k.root(),
                        k.userName(),
                        k.userId(),
                        k.userArn(),
                        status,
                        k.createDate(),
                        k.lastUsedDate(),
                        k.lastUsedService(),
                        k.lastUsedRegion()));
    }

    public void renameOwner(Transaction tx, String id, String userName, String userArn) {
        update(
                tx,
                id,
                k -> new StoredKey(
                        k.accessKeyId(),
                        k.sealedSecret(),
                        k.secretAccessKey(),
                        k.accountId(),
                        k.root(),
                        userName,
                        k.userId(),
                        userArn,
                        k.status(),
                        k.createDate(),
                        k.lastUsedDate(),
                        k.lastUsedService(),
                        k.lastUsedRegion()));
        cache.remove(id);
    }

    public void deleteUserKey(Transaction tx, String id) {
        tx.delete(KIND, id);
    }

    /**
     * Notes that a user's key signed a call (GetAccessKeyLastUsed): written at most once a minute per
     * key, on a virtual thread of its own, so the request does not wait for it.
     */
    public void recordUse(String id, String service, String region, String now) {
        long t = System.currentTimeMillis();
        Long last = lastUseWritten.get(id);
        if (last != null && t - last < 60_000) {
            return;
        }
        lastUseWritten.put(id, t);
        Thread.ofVirtual().name("access-key-last-used").start(() -> {
            try {
                store.transact(tx -> {
                    update(
                            tx,
                            id,
                            k -> new StoredKey(
                                    k.accessKeyId(),
                                    k.sealedSecret(),
                                    k.secretAccessKey(),
                                    k.accountId(),
                                    k.root(),
                                    k.userName(),
                                    k.userId(),
                                    k.userArn(),
                                    k.status(),
                                    k.createDate(),
                                    now,
                                    service,
                                    region));
                    return null;
                });
            } catch (RuntimeException e) {
                lastUseWritten.remove(id);
            }
        });
    }

    /**
     * The root key of {@code accountId}: the preset one when both parts are given (it replaces a
     * previous root key, which stops working), else the stored one, else a newly generated one.
     */
    public Key ensureRoot(String accountId, String presetId, String presetSecret) {
        Key key = store.transact(tx -> {
            String marker = "root/" + accountId;
            Optional<String> currentId =
                    tx.getForUpdate("root-key", marker).map(e -> e.json().replace("\"", ""));
            if (presetId != null && presetSecret != null) {
                Key k = new Key(presetId, presetSecret, accountId, true);
                currentId.filter(id -> !id.equals(presetId)).ifPresent(old -> tx.delete(KIND, old));
                write(tx, k);
                tx.put("root-key", marker, "\"" + presetId + "\"");
                return k;
            }
            if (currentId.isPresent()) {
                Optional<Key> k = read(tx, currentId.get()).map(Cached::key);
                if (k.isPresent()) {
                    write(tx, k.get());
                    return k.get();
                }
            }
            Key k = new Key("AKIA" + randomString(ID_ALPHABET, 16), randomString(SECRET_ALPHABET, 40), accountId, true);
            write(tx, k);
            tx.put("root-key", marker, "\"" + k.accessKeyId() + "\"");
            return k;
        });
        cache.put(
                key.accessKeyId(),
                new Cached(key, new Owner(accountId, true, null, null, null), true, System.currentTimeMillis()));
        return key;
    }

    private String randomString(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
