package dev.berth.secrets.secretsmanager;

import dev.berth.model.tag.Tag;
import dev.berth.secrets.kms.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One secret as the store keeps it. The head (kind {@code sm-secret}, key = the secret's name)
 * holds the metadata and every version's id, staging labels and dates; each version's value lives
 * in its own document (kind {@code sm-version}, key = name + {@code #} + version id; {@code #}
 * cannot occur in a secret name), sealed with {@link Envelope} and the encryption context
 * {@code SecretARN}/{@code SecretVersionId} that AWS uses. No value is ever stored in plaintext.
 *
 * <p>Invariant kept by {@link SecretsManagerApi}: a staging label is attached to at most one version.
 *
 * @param suffix the six random characters after the name in the ARN
 * @param kmsKeyId the key reference the user gave (null: the AWS managed {@code aws/secretsmanager} key)
 * @param deletionMillis when a secret scheduled for deletion is deleted; null while it is not scheduled
 * @param deletedMillis when DeleteSecret scheduled it (DescribeSecret's DeletedDate)
 */
public record StoredSecret(
        String name,
        String suffix,
        String description,
        String kmsKeyId,
        List<Tag> tags,
        long createdMillis,
        long lastChangedMillis,
        Long lastAccessedMillis,
        Long deletedMillis,
        Long deletionMillis,
        List<VersionInfo> versions) {

    public StoredSecret {
        tags = tags == null ? List.of() : List.copyOf(tags);
        versions = versions == null ? List.of() : List.copyOf(versions);
    }

    /** A version's id, staging labels and dates; its value is in the {@code sm-version} document. */
    public record VersionInfo(
            String versionId, List<String> stages, long createdMillis, Long lastAccessedMillis, String kmsKeyId) {
        public VersionInfo {
            stages = stages == null ? List.of() : List.copyOf(stages);
        }

        VersionInfo withStages(List<String> s) {
            return new VersionInfo(versionId, s, createdMillis, lastAccessedMillis, kmsKeyId);
        }

        VersionInfo accessed(long day) {
            return new VersionInfo(versionId, stages, createdMillis, day, kmsKeyId);
        }
    }

    /** A version's sealed value: a string or binary secret. */
    public record VersionValue(String versionId, boolean binary, Envelope.Sealed sealed) {}

    public boolean scheduledForDeletion() {
        return deletionMillis != null;
    }

    public Optional<VersionInfo> version(String versionId) {
        return versions.stream().filter(v -> v.versionId().equals(versionId)).findFirst();
    }

    public Optional<VersionInfo> staged(String stage) {
        return versions.stream().filter(v -> v.stages().contains(stage)).findFirst();
    }

    StoredSecret withVersions(List<VersionInfo> v, long changedMillis) {
        return new StoredSecret(
                name,
                suffix,
                description,
                kmsKeyId,
                tags,
                createdMillis,
                changedMillis,
                lastAccessedMillis,
                deletedMillis,
                deletionMillis,
                v);
    }

    StoredSecret withVersionsQuietly(List<VersionInfo> v, Long accessed) {
        return new StoredSecret(
                name,
                suffix,
                description,
                kmsKeyId,
                tags,
                createdMillis,
                lastChangedMillis,
                accessed,
                deletedMillis,
                deletionMillis,
                v);
    }

    StoredSecret withDescriptionAndKey(String d, String k, long changedMillis) {
        return new StoredSecret(
                name,
                suffix,
                d,
                k,
                tags,
                createdMillis,
                changedMillis,
                lastAccessedMillis,
                deletedMillis,
                deletionMillis,
                versions);
    }

    StoredSecret withTags(List<Tag> t, long changedMillis) {
        return new StoredSecret(
                name,
                suffix,
                description,
                kmsKeyId,
                t,
                createdMillis,
                changedMillis,
                lastAccessedMillis,
                deletedMillis,
                deletionMillis,
                versions);
    }

    StoredSecret withDeletion(Long deleted, Long deletion) {
        return new StoredSecret(
                name,
                suffix,
                description,
                kmsKeyId,
                tags,
                createdMillis,
                lastChangedMillis,
                lastAccessedMillis,
                deleted,
                deletion,
                versions);
    }

    /** Staging labels moved so that each of {@code stages} is on {@code versionId} only. */
    static List<VersionInfo> moveStages(List<VersionInfo> versions, String versionId, List<String> stages) {
        List<VersionInfo> out = new ArrayList<>();
        for (VersionInfo v : versions) {
            List<String> s = new ArrayList<>(v.stages());
            if (v.versionId().equals(versionId)) {
                stages.stream().filter(x -> !s.contains(x)).forEach(s::add);
            } else {
                s.removeAll(stages);
            }
            out.add(v.withStages(s));
        }
        return out;
    }
}
