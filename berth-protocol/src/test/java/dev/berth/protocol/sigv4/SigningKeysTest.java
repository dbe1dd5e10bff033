package dev.berth.protocol.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The signing-key derivation and its cache. */
class SigningKeysTest {

    @Test
    void derivesTheKeyAwsDocuments() {
        // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4"
        byte[] key = SigningKeys.derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");

        assertThat(Hashing.hex(key)).isEqualTo("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    }

    @Test
    void reusesAKeyForTheSameSecretDayRegionAndService() {
        SigningKeys keys = new SigningKeys();

        byte[] first = keys.signingKey("secret", "20150830", "us-east-1", "ecs");
        byte[] again = keys.signingKey("secret", "20150830", "us-east-1", "ecs");
        byte[] nextDay = keys.signingKey("secret", "20150831", "us-east-1", "ecs");

        assertThat(again).isSameAs(first);
        assertThat(nextDay).isNotEqualTo(first);
        assertThat(keys.size()).isEqualTo(2);
    }

    @Test
    void staysBounded() {
        SigningKeys keys = new SigningKeys();
        for (int i = 0; i <= SigningKeys.MAX_ENTRIES; i++) {
            keys.signingKey("secret-" + i, "20150830", "us-east-1", "ecs");
        }

        assertThat(keys.size()).isLessThanOrEqualTo(SigningKeys.MAX_ENTRIES);
    }
}
