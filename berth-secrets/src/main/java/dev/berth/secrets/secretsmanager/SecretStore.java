package dev.berth.secrets.secretsmanager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.json.Jsons;
import dev.berth.secrets.kms.Envelope;
import dev.berth.secrets.kms.KmsKey;
import dev.berth.secrets.kms.KmsKeys;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The secrets in the state store: how a {@code SecretId} (name, full ARN, partial ARN) finds a
 * secret as Secrets Manager resolves it, sealing and opening version values, and the scheduled
 * deletion that housekeeping performs. Shared by {@link SecretsManagerApi} and the ECS secret
 * resolver. Methods taking a {@link Transaction} run inside the caller's; thread-safe.
 */
public final class SecretStore {

    static final String KIND = "sm-secret";
    static final String KIND_VERSION = "sm-version";
    static final String SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@\\-]{1,512}");
    private static final Pattern FULL_SUFFIX = Pattern.compile("-[A-Za-z0-9]{6}$");
    private static final ObjectMapper MAPPER = Jsons.newMapper();

    private final StateStore store;
    private final Envelope envelope;
    private final Platform platform;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public SecretStore(StateStore store, Envelope envelope, Platform platform, Clock clock) {
        this.store = store;
        this.envelope = envelope;
        this.platform = platform;
        this.clock = clock;
    }

    StateStore store() {
        return store;
    }

    Envelope envelope() {
        return envelope;
    }

    Clock clock() {
        return clock;
    }

    public String arnOf(StoredSecret s) {
        return platform.arn("secretsmanager", "secret:" + s.name() + "-" + s.suffix())
                .toString();
    }

    String newSuffix() {
        StringBuilder sb = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            sb.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return sb.toString();
    }

    static String versionKey(String name, String versionId) {
        return name + "#" + versionId;
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored secret is unreadable", e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The secret a SecretId names: its name, its full ARN, or its ARN without the random suffix. */
    public Optional<StoredSecret> find(Transaction tx, String secretId, boolean lock) {
        if (secretId == null || secretId.isEmpty()) {
            return Optional.empty();
        }
        if (!secretId.startsWith("arn:")) {
            return get(tx, secretId, lock);
        }
        Optional<Arn> arn = Arn.parse(secretId);
        if (arn.isEmpty()
                || !arn.get().service().equals("secretsmanager")
                || !arn.get().resource().startsWith("secret:")
                || !arn.get().account().equals(platform.accountId())
                || !arn.get().region().equals(platform.region())) {
            return Optional.empty();
        }
        String rest = arn.get().resource().substring("secret:".length());
        if (FULL_SUFFIX.matcher(rest).find()) {
            String name = rest.substring(0, rest.length() - 7);
            Optional<StoredSecret> full =
                    get(tx, name, lock).filter(s -> s.suffix().equals(rest.substring(rest.length() - 6)));
            if (full.isPresent()) {
                return full;
            }
        }
        return get(tx, rest, lock);
    }

    private Optional<StoredSecret> get(Transaction tx, String name, boolean lock) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return (lock ? tx.getForUpdate(KIND, name) : tx.get(KIND, name)).map(e -> read(e.json(), StoredSecret.class));
    }

    public StoredSecret require(Transaction tx, String secretId, boolean lock) {
        return find(tx, secretId, lock).orElseThrow(SecretsErrors::notFound);
    }

    void put(Transaction tx, StoredSecret s) {
        tx.put(KIND, s.name(), write(s));
    }

    Map<String, String> context(StoredSecret s, String versionId) {
        return Map.of("SecretARN", arnOf(s), "SecretVersionId", versionId);
    }

    /** The KMS key a secret's new versions are sealed with; EncryptionFailure when it cannot encrypt. */
    KmsKey key(Transaction tx, String kmsKeyId) {
        try {
            return envelope.keys().resolveForService(tx, kmsKeyId, KmsKeys.SECRETS_MANAGER_ALIAS);
        } catch (AwsException e) {
            throw new AwsException(
                    "EncryptionFailure",
                    400,
                    "Secrets Manager can't encrypt the protected secret text "
                            + "using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state.");
        }
    }

    StoredSecret.VersionValue seal(
            Transaction tx, StoredSecret s, String versionId, KmsKey key, boolean binary, byte[] value) {
        StoredSecret.VersionValue v =
                new StoredSecret.VersionValue(versionId, binary, envelope.seal(key, value, context(s, versionId)));
        tx.put(KIND_VERSION, versionKey(s.name(), versionId), write(v));
        return v;
    }

    /** A version's value, opened; DecryptionFailure when its KMS key cannot decrypt it. */
    public Opened open(Transaction tx, StoredSecret s, String versionId) {
        StoredSecret.VersionValue v = tx.get(KIND_VERSION, versionKey(s.name(), versionId))
                .map(e -> read(e.json(), StoredSecret.VersionValue.class))
                .orElseThrow(() -> SecretsErrors.notFound(
                        "Secrets Manager can't find the specified secret value for VersionId: " + versionId));
        try {
            return new Opened(v.binary(), envelope.open(tx, v.sealed(), context(s, versionId)));
        } catch (AwsException e) {
            throw new AwsException(
                    "DecryptionFailure",
                    400,
                    "Secrets Manager can't decrypt the protected secret text " + "using the provided KMS key.");
        }
    }

    /** An opened version value: a string secret (UTF-8 bytes) or a binary one. */
    public record Opened(boolean binary, byte[] value) {}

    /**
     * The version a GetSecretValue-style selection names: by id and/or staging label (AWSCURRENT when
     * neither); ResourceNotFoundException as Secrets Manager words it when there is none.
     */
    public StoredSecret.VersionInfo select(StoredSecret s, String versionId, String stage) {
        if (versionId != null) {
            StoredSecret.VersionInfo v = s.version(versionId)
                    .orElseThrow(() -> SecretsErrors.notFound(
                            "Secrets Manager can't find the specified secret value for VersionId: " + versionId));
            if (stage != null && !v.stages().contains(stage)) {
                throw SecretsErrors.invalidRequest(
                        "You provided a VersionStage that is not associated to the provided " + "VersionId.");
            }
            return v;
        }
        String label = stage == null ? "AWSCURRENT" : stage;
        return s.staged(label)
                .orElseThrow(() -> SecretsErrors.notFound(
                        "Secrets Manager can't find the specified secret value for staging label: " + label));
    }

    void deleteVersions(Transaction tx, String name) {
        List<String> keys = new ArrayList<>();
        StorePages.forEach(tx, KIND_VERSION, name + "#", e -> keys.add(e.key()));
        keys.forEach(k -> tx.delete(KIND_VERSION, k));
    }

    /** Deletes every secret whose recovery window has ended; returns how many. */
    public int deleteDue() {
        long now = clock.millis();
        List<String> due = new ArrayList<>();
        store.read(tx -> {
            StorePages.forEach(tx, KIND, "", e -> {
                StoredSecret s = read(e.json(), StoredSecret.class);
                if (s.deletionMillis() != null && s.deletionMillis() <= now) {
                    due.add(s.name());
                }
            });
            return null;
        });
        int deleted = 0;
        for (String name : due) {
            boolean gone = store.transact(tx -> {
                Optional<StoredSecret> s = get(tx, name, true);
                if (s.isEmpty() || s.get().deletionMillis() == null || s.get().deletionMillis() > now) {
                    return false;
                }
                tx.delete(KIND, name);
                deleteVersions(tx, name);
                return true;
            });
            deleted += gone ? 1 : 0;
        }
        return deleted;
    }
}
