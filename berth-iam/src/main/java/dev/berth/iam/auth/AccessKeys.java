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
 * process sharing a PostgreSQL store accepts the same keys.
 *
 * <p>Lookups are on the hot path of every request, so keys are cached after the first read; a key
 * unknown to the cache is looked up in the store (another process may have created it). Keys are
 * never deleted yet, so the cache cannot go stale.
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

    /** The stored form: the secret sealed under the master key (or, in older documents, in clear). */
    record StoredKey(String accessKeyId, String sealedSecret, String secretAccessKey, String accountId, boolean root) {}

    private final StateStore store;
    private final Documents docs;
    private final MasterKey master;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Key> cache = new ConcurrentHashMap<>();

    public AccessKeys(StateStore store, Documents docs, MasterKey master) {
        this.store = store;
        this.docs = docs;
        this.master = master;
    }

    private Optional<Key> read(Transaction tx, String id) {
        return docs.get(tx, KIND, id, StoredKey.class).map(k -> {
            String secret = k.secretAccessKey();
            if (k.sealedSecret() != null) {
                try {
                    secret = new String(
                            master.open(Base64.getDecoder().decode(k.sealedSecret()), "access-key/" + id),
                            StandardCharsets.UTF_8);
                } catch (Aead.OpenFailed e) {
                    throw new IllegalStateException(
                            "the secret of access key " + id + " does not open with the master key");
                }
            }
            return new Key(k.accessKeyId(), secret, k.accountId(), k.root());
        });
    }

    private void write(Transaction tx, Key k) {
        String sealed = Base64.getEncoder()
                .encodeToString(master.seal(
                        k.secretAccessKey().getBytes(StandardCharsets.UTF_8), "access-key/" + k.accessKeyId()));
        docs.put(tx, KIND, k.accessKeyId(), new StoredKey(k.accessKeyId(), sealed, null, k.accountId(), k.root()));
    }

    @Override
    public Optional<Key> find(String accessKeyId) {
        Key cached = cache.get(accessKeyId);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (accessKeyId == null || accessKeyId.isEmpty() || accessKeyId.length() > 128) {
            return Optional.empty();
        }
        Optional<Key> stored = store.read(tx -> read(tx, accessKeyId));
        stored.ifPresent(k -> cache.put(k.accessKeyId(), k));
        return stored;
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
                Optional<Key> k = read(tx, currentId.get());
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
        cache.put(key.accessKeyId(), key);
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
