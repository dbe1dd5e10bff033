package dev.berth.iam.sts;

import dev.berth.model.error.AwsException;
import dev.berth.store.crypto.Aead;
import dev.berth.store.crypto.MasterKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The encoded authorization messages of access-denied answers (the authorization step encodes the
 * decision's details with {@link #encode}; STS DecodeAuthorizationMessage opens them): sealed under
 * the master key, so only this Berth can read them, base64url without padding.
 */
public final class AuthorizationMessages {

    private static final String CONTEXT = "sts-authorization-message";

    private final MasterKey master;

    public AuthorizationMessages(MasterKey master) {
        this.master = master;
    }

    /** Seals a decoded message (JSON) into what an AccessDenied answer carries. */
    public String encode(String decodedJson) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(master.seal(decodedJson.getBytes(StandardCharsets.UTF_8), CONTEXT));
    }

    /** The JSON an encoded message carries, or {@code InvalidAuthorizationMessageException}. */
    public String decode(String encoded) {
        try {
            return new String(
                    master.open(Base64.getUrlDecoder().decode(encoded.trim()), CONTEXT), StandardCharsets.UTF_8);
        } catch (Aead.OpenFailed | IllegalArgumentException e) {
            throw new AwsException(
                    "InvalidAuthorizationMessageException", 400, "The encoded authorization message is invalid.");
        }
    }
}
