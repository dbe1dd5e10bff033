package dev.berth.store.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce and a 128-bit tag: the one cipher every layer of Berth's
 * envelope encryption uses. A sealed value is {@code nonce || ciphertext || tag}; the associated
 * data binds it to its purpose (which key, which parameter, which encryption context), so a
 * ciphertext moved elsewhere fails to open instead of decrypting under the wrong name.
 *
 * <p>Stateless and thread-safe; a fresh {@link Cipher} per call (they are cheap and not thread-safe).
 */
public final class Aead {

    public static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Thrown when a sealed value does not open: wrong key, wrong associated data, or damage. */
    public static final class OpenFailed extends Exception {
        OpenFailed(String message) {
            super(message, null, false, false);
        }
    }

    private Aead() {}

    public static byte[] randomKey() {
        return random(KEY_BYTES);
    }

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static byte[] seal(byte[] key, byte[] plaintext, byte[] aad) {
        try {
            byte[] nonce = random(NONCE_BYTES);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[NONCE_BYTES + ct.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public static byte[] open(byte[] key, byte[] sealed, byte[] aad) throws OpenFailed {
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new OpenFailed("the ciphertext is too short");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            c.updateAAD(aad);
            return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new OpenFailed("the ciphertext does not authenticate");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
