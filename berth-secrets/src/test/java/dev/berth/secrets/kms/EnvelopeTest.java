package dev.berth.secrets.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.Platform;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.json.Jsons;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.crypto.MasterKey;
import dev.berth.store.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key ring and the value envelope on a real H2 store: contexts, tampering, rotation, states. */
class EnvelopeTest {

    @TempDir
    Path dir;

    StateStore store;
    ManualClock clock = new ManualClock();
    KmsKeys keys;
    Envelope envelope;

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir, 2);
        keys = new KmsKeys(
                store,
                new Documents(Jsons.newMapper()),
                new Platform("000000000000", "us-east-1"),
                clock,
                MasterKey.load(dir, null, null));
        keys.checkMasterKey();
        envelope = new Envelope(keys);
    }

    @AfterEach
    void close() {
        store.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSealedValueOpensOnlyWithItsContextAndUntouched() {
        KmsKey key = store.transact(tx -> keys.create(tx, "k", List.of(), null));
        Envelope.Sealed sealed = envelope.seal(key, utf8("value-1"), Map.of("PARAMETER_ARN", "a"));
        String opened = store.read(
                tx -> new String(envelope.open(tx, sealed, Map.of("PARAMETER_ARN", "a")), StandardCharsets.UTF_8));
        assertThat(opened).isEqualTo("value-1");
        assertThatThrownBy(() -> store.read(tx -> envelope.open(tx, sealed, Map.of("PARAMETER_ARN", "b"))))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidCiphertextException"));
        byte[] value = Base64.getDecoder().decode(sealed.value());
        value[value.length - 1] ^= 1;
        Envelope.Sealed tampered = new Envelope.Sealed(
                sealed.keyId(), sealed.dataKey(), Base64.getEncoder().encodeToString(value));
        assertThatThrownBy(() -> store.read(tx -> envelope.open(tx, tampered, Map.of("PARAMETER_ARN", "a"))))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidCiphertextException"));
        assertThat(new String(Base64.getDecoder().decode(sealed.value()), StandardCharsets.ISO_8859_1))
                .doesNotContain("value-1");
    }

    @Test
    void rotationKeepsOldMaterialAndNewEncryptionsUseTheNewest() {
        KmsKey key = store.transact(tx -> {
            KmsKey k = keys.create(tx, "k", List.of(), null)
                    .withRotation(
                            true, 365, clock.millis() + Duration.ofDays(365).toMillis());
            keys.put(tx, k);
            return k;
        });
        byte[] before = keys.encrypt(key, utf8("old"), Map.of());
        clock.advance(Duration.ofDays(364));
        assertThat(keys.housekeeping()).isZero();
        clock.advance(Duration.ofDays(2));
        assertThat(keys.housekeeping()).isEqualTo(1);
        KmsKey rotated = store.read(tx -> keys.resolve(tx, key.keyId()));
        assertThat(rotated.materials()).hasSize(2);
        assertThat(rotated.nextRotationMillis())
                .isEqualTo(clock.millis() + Duration.ofDays(365).toMillis());
        byte[] after = keys.encrypt(rotated, utf8("new"), Map.of());
        assertThat(java.nio.ByteBuffer.wrap(after, 37, 4).getInt()).isEqualTo(2);
        assertThat(store.read(tx -> keys.decrypt(tx, before, Map.of())).plaintext())
                .isEqualTo(utf8("old"));
        assertThat(store.read(tx -> keys.decrypt(tx, after, Map.of())).plaintext())
                .isEqualTo(utf8("new"));
    }

    @Test
    void disabledAndPendingDeletionKeysRefuseAndDueDeletionsHappen() {
        KmsKey key = store.transact(tx -> keys.create(tx, "k", List.of(), null));
        byte[] blob = keys.encrypt(key, utf8("x"), Map.of());
        KmsKey disabled = key.withState(KmsKey.DISABLED, null, null);
        assertThatThrownBy(() -> keys.encrypt(disabled, utf8("x"), Map.of()))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("DisabledException"));
        store.transact(tx -> {
            keys.put(
                    tx,
                    key.withState(
                            KmsKey.PENDING_DELETION,
                            clock.millis() + Duration.ofDays(7).toMillis(),
                            7));
            return null;
        });
        assertThatThrownBy(() -> store.read(tx -> keys.decrypt(tx, blob, Map.of())))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("KMSInvalidStateException"));
        clock.advance(Duration.ofDays(7));
        assertThat(keys.housekeeping()).isEqualTo(1);
        java.util.Optional<KmsKey> gone = store.read(tx -> keys.find(tx, key.keyId()));
        assertThat(gone).isEmpty();
        assertThatThrownBy(() -> store.read(tx -> keys.decrypt(tx, blob, Map.of())))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidCiphertextException"));
    }

    @Test
    void theDefaultServiceKeyIsCreatedOnceWithItsAlias() {
        KmsKey first = store.transact(tx -> keys.resolveForService(tx, null, KmsKeys.SSM_ALIAS));
        KmsKey again = store.transact(tx -> keys.resolveForService(tx, "alias/aws/ssm", KmsKeys.SSM_ALIAS));
        assertThat(again.keyId()).isEqualTo(first.keyId());
        assertThat(first.awsManaged()).isTrue();
        assertThat(first.rotationEnabled()).isTrue();
        assertThat(store.read(tx -> keys.resolve(tx, "arn:aws:kms:us-east-1:000000000000:alias/aws/ssm"))
                        .keyId())
                .isEqualTo(first.keyId());
    }

    @Test
    void aDifferentMasterKeyIsRefusedAndTheKeyFileIsPrivate() throws Exception {
        assertThat(Files.getPosixFilePermissions(dir.resolve(MasterKey.FILE)).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        KmsKeys other = new KmsKeys(
                store,
                new Documents(Jsons.newMapper()),
                new Platform("000000000000", "us-east-1"),
                clock,
                MasterKey.of(new byte[32]));
        assertThatThrownBy(other::checkMasterKey).hasMessageContaining("is not the one this store was sealed with");
        assertThatThrownBy(() -> MasterKey.load(dir, null, Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("must be 32 bytes");
    }
}
