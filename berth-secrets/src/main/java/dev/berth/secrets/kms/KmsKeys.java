package dev.berth.secrets.kms;

import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import dev.berth.model.tag.Tag;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import dev.berth.store.crypto.Aead;
import dev.berth.store.crypto.MasterKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The key ring behind the KMS API and every service that encrypts with KMS keys (SSM SecureString,
 * Secrets Manager): creating keys and their aliases, resolving a key reference as KMS does (key id,
 * key ARN, alias name, alias ARN), encrypting and decrypting with a key's material, and rotating it.
 *
 * <p>Envelope: the master key seals each key's material (associated data {@code kms-key/<id>/<version>});
 * key material encrypts data keys and small plaintexts; data keys encrypt values. A ciphertext blob is
 * {@code 0x01 | key id (36 ASCII) | material version (4 bytes) | AES-GCM(nonce, ct, tag)} with the
 * key id, version and the canonical encryption context as associated data, so Decrypt finds the key
 * without being told, and a changed context fails as {@code InvalidCiphertextException}.
 *
 * <p>Threading: methods that take a {@link Transaction} run inside the caller's; unsealed material
 * is cached per key version (material never changes once written), which keeps the master key off
 * the hot path of GetSecretValue. Thread-safe.
 */
public final class KmsKeys {

    public static final String KIND_KEY = "kms-key";
    public static final String KIND_ALIAS = "kms-alias";
    static final String KIND_MASTER = "kms-master";
    public static final String SSM_ALIAS = "alias/aws/ssm";
    public static final String SECRETS_MANAGER_ALIAS = "alias/aws/secretsmanager";
    private static final Map<String, String> AWS_DESCRIPTIONS = Map.of(
            SSM_ALIAS, "Default key that protects my SSM parameters when no other key is defined",
            SECRETS_MANAGER_ALIAS, "Default key that protects my Secrets Manager data when no other key is defined");
    private static final Pattern KEY_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final byte BLOB_VERSION = 1;
    private static final int KEY_ID_LENGTH = 36;
    /** How often AWS managed keys rotate (KMS: every year). */
    static final int AWS_MANAGED_ROTATION_DAYS = 365;

    private final StateStore store;
    private final Documents docs;
    private final Platform platform;
    private final Clock clock;
    private final MasterKey master;
    private final ConcurrentHashMap<String, byte[]> materialCache = new ConcurrentHashMap<>();

    public KmsKeys(StateStore store, Documents docs, Platform platform, Clock clock, MasterKey master) {
        this.store = store;
        this.docs = docs;
        this.platform = platform;
        this.clock = clock;
        this.master = master;
    }

    public Clock clock() {
        return clock;
    }

    public Platform platform() {
        return platform;
    }

    public MasterKey master() {
        return master;
    }

    /**
     * Records the master key's fingerprint on first start and refuses a different master key later:
     * a server started with the wrong key must stop before it writes anything sealed under it.
     */
    public void checkMasterKey() {
        String fingerprint = master.fingerprint();
        String stored = store.transact(tx -> {
            Optional<String> existing =
                    tx.get(KIND_MASTER, "fingerprint").map(e -> e.json().replace("\"", ""));
            if (existing.isPresent()) {
                return existing.get();
            }
            tx.insert(KIND_MASTER, "fingerprint", "\"" + fingerprint + "\"");
            return fingerprint;
        });
        if (!stored.equals(fingerprint)) {
            throw new IllegalStateException("the master key (" + master.source() + ", fingerprint " + fingerprint
                    + ") is not the one this store was sealed with (fingerprint " + stored + "); start the server with "
                    + "the original key (see docs/secrets.md)");
        }
    }

    public String arnOf(String keyId) {
        return platform.arn("kms", "key/" + keyId).toString();
    }

    public String aliasArnOf(String aliasName) {
        return platform.arn("kms", aliasName).toString();
    }

    /** A new symmetric customer managed key with one version of material. */
    public KmsKey create(Transaction tx, String description, List<Tag> tags, String policy) {
        return create(tx, description, "CUSTOMER", tags, policy);
    }

    private KmsKey create(Transaction tx, String description, String manager, List<Tag> tags, String policy) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        boolean aws = manager.equals("AWS");
        KmsKey key = new KmsKey(
                id,
                description == null ? "" : description,
                "ENCRYPT_DECRYPT",
                "SYMMETRIC_DEFAULT",
                KmsKey.ENABLED,
                manager,
                "AWS_KMS",
                now,
                null,
                null,
                aws,
                aws ? AWS_MANAGED_ROTATION_DAYS : 0,
                aws ? now + Duration.ofDays(AWS_MANAGED_ROTATION_DAYS).toMillis() : null,
                List.of(newMaterial(id, 1, now, null)),
                tags,
                policy);
        if (!docs.insert(tx, KIND_KEY, id, key)) {
            throw new IllegalStateException("KMS key id collision: " + id);
        }
        return key;
    }

    private KmsKey.Material newMaterial(String keyId, int version, long now, String rotationType) {
        byte[] material = Aead.randomKey();
        byte[] sealed = master.seal(material, KmsKey.purpose(keyId, version));
        materialCache.put(keyId + "/" + version, material);
        return new KmsKey.Material(version, Base64.getEncoder().encodeToString(sealed), now, rotationType);
    }

    public void put(Transaction tx, KmsKey key) {
        docs.put(tx, KIND_KEY, key.keyId(), key);
    }

    /** The key a reference names (key id, key ARN, {@code alias/...} or alias ARN), or NotFoundException. */
    public KmsKey resolve(Transaction tx, String reference) {
        return find(tx, reference).orElseThrow(() -> notFound(reference));
    }

    private RuntimeException notFound(String reference) {
        if (reference.startsWith("alias/")) {
            return KmsErrors.notFound("Alias " + aliasArnOf(reference) + " is not found.");
        }
        if (reference.startsWith("arn:") && reference.contains(":alias/")) {
            return KmsErrors.notFound("Alias " + reference + " is not found.");
        }
        if (reference.startsWith("arn:")) {
            return KmsErrors.keyNotFound(reference);
        }
        if (!KEY_ID.matcher(reference).matches()) {
            return KmsErrors.notFound("Invalid keyId '" + reference + "'");
        }
        return KmsErrors.keyNotFound(arnOf(reference));
    }

    public Optional<KmsKey> find(Transaction tx, String reference) {
        if (reference == null || reference.isEmpty()) {
            return Optional.empty();
        }
        if (reference.startsWith("arn:")) {
            Optional<Arn> arn = Arn.parse(reference);
            if (arn.isEmpty()
                    || !arn.get().service().equals("kms")
                    || !arn.get().account().equals(platform.accountId())
                    || !arn.get().region().equals(platform.region())) {
                return Optional.empty();
            }
            String resource = arn.get().resource();
            if (resource.startsWith("key/")) {
                return docs.get(tx, KIND_KEY, resource.substring(4), KmsKey.class);
            }
            return resource.startsWith("alias/") ? byAlias(tx, resource) : Optional.empty();
        }
        if (reference.startsWith("alias/")) {
            return byAlias(tx, reference);
        }
        return KEY_ID.matcher(reference).matches() ? docs.get(tx, KIND_KEY, reference, KmsKey.class) : Optional.empty();
    }

    private Optional<KmsKey> byAlias(Transaction tx, String alias) {
        return docs.get(tx, KIND_ALIAS, alias, KmsAlias.class)
                .flatMap(a -> docs.get(tx, KIND_KEY, a.targetKeyId(), KmsKey.class));
    }

    /**
     * The key a service encrypts with: {@code reference} when given, else the AWS managed key of
     * {@code defaultAlias}, created (with its alias) the first time it is needed, as AWS does.
     */
    public KmsKey resolveForService(Transaction tx, String reference, String defaultAlias) {
        if (reference != null
                && !reference.isEmpty()
                && !reference.equals(defaultAlias)
                && !reference.equals(aliasArnOf(defaultAlias))) {
            return usable(resolve(tx, reference));
        }
        Optional<KmsKey> existing = byAlias(tx, defaultAlias);
        if (existing.isPresent()) {
            return existing.get();
        }
        KmsKey key = create(tx, AWS_DESCRIPTIONS.getOrDefault(defaultAlias, ""), "AWS", List.of(), null);
        long now = clock.millis();
        docs.put(tx, KIND_ALIAS, defaultAlias, new KmsAlias(defaultAlias, key.keyId(), now, now));
        return key;
    }

    /** The key if it may encrypt and decrypt now: DisabledException or KMSInvalidStateException otherwise. */
    public KmsKey usable(KmsKey key) {
        return switch (key.keyState()) {
            case KmsKey.ENABLED -> key;
            case KmsKey.DISABLED -> throw KmsErrors.disabled(arnOf(key.keyId()));
            default -> throw KmsErrors.invalidState(arnOf(key.keyId()) + " is pending deletion.");
        };
    }

    /** Encrypts up to a few KB under the key's newest material; returns the ciphertext blob. */
    public byte[] encrypt(KmsKey key, byte[] plaintext, Map<String, String> context) {
        usable(key);
        KmsKey.Material m = key.current();
        byte[] sealed = Aead.seal(material(key, m.version()), plaintext, aad(key.keyId(), m.version(), context));
        ByteBuffer out = ByteBuffer.allocate(1 + KEY_ID_LENGTH + 4 + sealed.length);
        out.put(BLOB_VERSION)
                .put(key.keyId().getBytes(StandardCharsets.US_ASCII))
                .putInt(m.version())
                .put(sealed);
        return out.array();
    }

    /** What Decrypt learnt: the key that made the blob and the plaintext. */
    public record Decrypted(KmsKey key, byte[] plaintext) {}

    /** The key id a ciphertext blob names, or InvalidCiphertextException if it is not one of ours. */
    public static String keyIdOf(byte[] blob) {
        if (blob == null || blob.length < 1 + KEY_ID_LENGTH + 4 + 28 || blob[0] != BLOB_VERSION) {
            throw KmsErrors.invalidCiphertext();
        }
        String id = new String(blob, 1, KEY_ID_LENGTH, StandardCharsets.US_ASCII);
        if (!KEY_ID.matcher(id).matches()) {
            throw KmsErrors.invalidCiphertext();
        }
        return id;
    }

    /** Decrypts a blob made by {@link #encrypt} with the same context; the key must exist and be usable. */
    public Decrypted decrypt(Transaction tx, byte[] blob, Map<String, String> context) {
        String id = keyIdOf(blob);
        KmsKey key = docs.get(tx, KIND_KEY, id, KmsKey.class).orElseThrow(KmsErrors::invalidCiphertext);
        return new Decrypted(key, decrypt(key, blob, context));
    }

    /** Decrypts a blob of {@code key} (already looked up). */
    public byte[] decrypt(KmsKey key, byte[] blob, Map<String, String> context) {
        if (!keyIdOf(blob).equals(key.keyId())) {
            throw KmsErrors.incorrectKey();
        }
        usable(key);
        int version = ByteBuffer.wrap(blob, 1 + KEY_ID_LENGTH, 4).getInt();
        byte[] sealed = new byte[blob.length - 1 - KEY_ID_LENGTH - 4];
        System.arraycopy(blob, 1 + KEY_ID_LENGTH + 4, sealed, 0, sealed.length);
        if (key.materials().stream().noneMatch(m -> m.version() == version)) {
            throw KmsErrors.invalidCiphertext();
        }
        try {
            return Aead.open(material(key, version), sealed, aad(key.keyId(), version, context));
        } catch (Aead.OpenFailed e) {
            throw KmsErrors.invalidCiphertext();
        }
    }

    private byte[] material(KmsKey key, int version) {
        return materialCache.computeIfAbsent(key.keyId() + "/" + version, k -> {
            KmsKey.Material m = key.materials().stream()
                    .filter(x -> x.version() == version)
                    .findFirst()
                    .orElseThrow(KmsErrors::invalidCiphertext);
            try {
                return master.open(Base64.getDecoder().decode(m.sealed()), KmsKey.purpose(key.keyId(), version));
            } catch (Aead.OpenFailed e) {
                throw new IllegalStateException("the material of KMS key " + key.keyId() + " version " + version
                        + " does not open with the master key");
            }
        });
    }

    /** Associated data: key id, version and the encryption context sorted by key, each part length-prefixed. */
    static byte[] aad(String keyId, int version, Map<String, String> context) {
        StringBuilder sb = new StringBuilder().append(keyId).append('/').append(version);
        new TreeMap<>(context == null ? Map.<String, String>of() : context).forEach((k, v) -> sb.append('|')
                .append(k.length())
                .append(':')
                .append(k)
                .append(v.length())
                .append(':')
                .append(v));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Adds material to every key whose rotation is due ({@code nextRotation <= now}) and deletes keys
     * whose deletion date has passed (their aliases go with them). Returns how many keys changed.
     */
    public int housekeeping() {
        long now = clock.millis();
        List<String> due = new ArrayList<>();
        store.read(tx -> {
            StorePages.forEach(tx, KIND_KEY, "", e -> {
                KmsKey k = docs.read(e, KmsKey.class);
                if ((k.nextRotationMillis() != null
                                && k.nextRotationMillis() <= now
                                && k.keyState().equals(KmsKey.ENABLED))
                        || (k.deletionMillis() != null && k.deletionMillis() <= now)) {
                    due.add(k.keyId());
                }
            });
            return null;
        });
        for (String id : due) {
            store.transact(tx -> {
                Optional<KmsKey> k = docs.getForUpdate(tx, KIND_KEY, id, KmsKey.class);
                if (k.isEmpty()) {
                    return null;
                }
                KmsKey key = k.get();
                if (key.deletionMillis() != null && key.deletionMillis() <= now) {
                    tx.delete(KIND_KEY, id);
                    List<String> aliases = new ArrayList<>();
                    StorePages.forEach(tx, KIND_ALIAS, "", e -> {
                        if (docs.read(e, KmsAlias.class).targetKeyId().equals(id)) {
                            aliases.add(e.key());
                        }
                    });
                    aliases.forEach(a -> tx.delete(KIND_ALIAS, a));
                    return null;
                }
                put(tx, rotated(key, now));
                return null;
            });
        }
        return due.size();
    }

    /** The key with one more version of material; its next rotation one period after {@code now}. */
    KmsKey rotated(KmsKey key, long now) {
        int next = key.current().version() + 1;
        Long nextRotation = key.rotationEnabled()
                ? now + Duration.ofDays(key.rotationPeriodDays()).toMillis()
                : null;
        return key.withMaterial(newMaterial(key.keyId(), next, now, KmsKey.Material.AUTOMATIC), nextRotation);
    }

    /**
     * The key with one more version of material added on demand (RotateKeyOnDemand): the automatic
     * rotation schedule does not move, as in KMS.
     */
    KmsKey rotatedOnDemand(KmsKey key, long now) {
        int next = key.current().version() + 1;
        return key.withMaterial(
                newMaterial(key.keyId(), next, now, KmsKey.Material.ON_DEMAND), key.nextRotationMillis());
    }

    Documents docs() {
        return docs;
    }
}
