package dev.berth.secrets.kms;

import dev.berth.model.tag.Tag;
import dev.berth.store.crypto.MasterKey;
import java.util.ArrayList;
import java.util.List;

/**
 * One KMS key as the store keeps it (kind {@code kms-key}, key = key id, a UUID). Its material is a
 * list of versions, each an AES-256 key sealed under the {@link MasterKey}; rotation appends a
 * version and encryption uses the newest, while every older version stays so that ciphertexts made
 * with it still decrypt (as KMS keeps rotated material). A key is never moved between states
 * except by {@link KmsKeys}.
 *
 * @param keyManager {@code CUSTOMER}, or {@code AWS} for the {@code aws/ssm}-style default keys
 * @param keyState {@code Enabled}, {@code Disabled} or {@code PendingDeletion}
 * @param deletionMillis when a key pending deletion is deleted, else null
 * @param nextRotationMillis when rotation next adds material, null while rotation is off
 */
public record KmsKey(
        String keyId,
        String description,
        String keyUsage,
        String keySpec,
        String keyState,
        String keyManager,
        String origin,
        long creationMillis,
        Long deletionMillis,
        Integer pendingWindowDays,
        boolean rotationEnabled,
        int rotationPeriodDays,
        Long nextRotationMillis,
        List<Material> materials,
        List<Tag> tags,
        String policy) {

    public static final String ENABLED = "Enabled";
    public static final String DISABLED = "Disabled";
    public static final String PENDING_DELETION = "PendingDeletion";

    /**
     * One version of key material, sealed under the master key with associated data {@link #purpose}.
     *
     * @param rotationType how a rotation added it: {@code AUTOMATIC} or {@code ON_DEMAND}; null for
     *     the key's first material (and for materials stored before Berth recorded it, which only
     *     automatic rotation could add)
     */
    public record Material(int version, String sealed, long createdMillis, String rotationType) {

        public static final String AUTOMATIC = "AUTOMATIC";
        public static final String ON_DEMAND = "ON_DEMAND";

        /** How the rotation that added this material ran; null for the key's first material. */
        public String rotation() {
            return version == 1 ? null : rotationType == null ? AUTOMATIC : rotationType;
        }
    }

    public KmsKey {
        materials = materials == null ? List.of() : List.copyOf(materials);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    static String purpose(String keyId, int version) {
        return "kms-key/" + keyId + "/" + version;
    }

    public boolean awsManaged() {
        return "AWS".equals(keyManager);
    }

    public Material current() {
        return materials.get(materials.size() - 1);
    }

    /** The materials rotations added, oldest first (every material but the first). */
    public List<Material> rotations() {
        return materials.stream().filter(m -> m.rotation() != null).toList();
    }

    KmsKey withState(String state, Long deletion, Integer window) {
        return new KmsKey(
                keyId,
                description,
                keyUsage,
                keySpec,
                state,
                keyManager,
                origin,
                creationMillis,
                deletion,
                window,
                rotationEnabled,
                rotationPeriodDays,
                nextRotationMillis,
                materials,
                tags,
                policy);
    }

    KmsKey withRotation(boolean enabled, int periodDays, Long next) {
        return new KmsKey(
                keyId,
                description,
                keyUsage,
                keySpec,
                keyState,
                keyManager,
                origin,
                creationMillis,
                deletionMillis,
                pendingWindowDays,
                enabled,
                periodDays,
                next,
                materials,
                tags,
                policy);
    }

    KmsKey withMaterial(Material m, Long next) {
        List<Material> all = new ArrayList<>(materials);
        all.add(m);
        return new KmsKey(
                keyId,
                description,
                keyUsage,
                keySpec,
                keyState,
                keyManager,
                origin,
                creationMillis,
                deletionMillis,
                pendingWindowDays,
                rotationEnabled,
                rotationPeriodDays,
                next,
                all,
                tags,
                policy);
    }

    KmsKey withDescription(String d) {
        return new KmsKey(
                keyId,
                d,
                keyUsage,
                keySpec,
                keyState,
                keyManager,
                origin,
                creationMillis,
                deletionMillis,
                pendingWindowDays,
                rotationEnabled,
                rotationPeriodDays,
                nextRotationMillis,
                materials,
                tags,
                policy);
    }

    KmsKey withTags(List<Tag> t) {
        return new KmsKey(
                keyId,
                description,
                keyUsage,
                keySpec,
                keyState,
                keyManager,
                origin,
                creationMillis,
                deletionMillis,
                pendingWindowDays,
                rotationEnabled,
                rotationPeriodDays,
                nextRotationMillis,
                materials,
                t,
                policy);
    }
}
