package dev.berth.secrets.kms;

import dev.berth.store.Transaction;
import dev.berth.store.crypto.Aead;
import java.util.Base64;
import java.util.Map;

/**
 * Envelope encryption of stored values (SSM SecureString values, Secrets Manager secret versions):
 * each value gets its own random AES-256 data key, the value is sealed with the data key, and the
 * data key is encrypted under a KMS key, as KMS-backed AWS services do. What is stored is only
 * {@link Sealed}: the KMS key id, the encrypted data key and the sealed value.
 *
 * <p>The encryption context (e.g. {@code PARAMETER_ARN} for SSM, {@code SecretARN} and
 * {@code SecretVersionId} for Secrets Manager, the names AWS uses) is bound to both layers, so a
 * sealed value copied to another parameter or secret does not decrypt there.
 */
public final class Envelope {

    /** A sealed value as stored: which KMS key, the data key it encrypted (base64), the sealed value (base64). */
    public record Sealed(String keyId, String dataKey, String value) {}

    private final KmsKeys keys;

    public Envelope(KmsKeys keys) {
        this.keys = keys;
    }

    public KmsKeys keys() {
        return keys;
    }

    public Sealed seal(KmsKey key, byte[] plaintext, Map<String, String> context) {
        byte[] dataKey = Aead.randomKey();
        byte[] wrapped = keys.encrypt(key, dataKey, context);
        byte[] value = Aead.seal(dataKey, plaintext, KmsKeys.aad(key.keyId(), 0, context));
        Base64.Encoder b64 = Base64.getEncoder();
        return new Sealed(key.keyId(), b64.encodeToString(wrapped), b64.encodeToString(value));
    }

    /**
     * Opens a sealed value; the KMS key must still exist and be enabled (else the KMS error:
     * NotFoundException, DisabledException, KMSInvalidStateException, InvalidCiphertextException).
     */
    public byte[] open(Transaction tx, Sealed sealed, Map<String, String> context) {
        KmsKey key = keys.find(tx, sealed.keyId()).orElseThrow(() -> KmsErrors.keyNotFound(keys.arnOf(sealed.keyId())));
        byte[] dataKey = keys.decrypt(key, Base64.getDecoder().decode(sealed.dataKey()), context);
        try {
            return Aead.open(dataKey, Base64.getDecoder().decode(sealed.value()), KmsKeys.aad(key.keyId(), 0, context));
        } catch (Aead.OpenFailed e) {
            throw KmsErrors.invalidCiphertext();
        }
    }
}
