package dev.berth.secrets.kms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.Platform;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.Jsons;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.crypto.MasterKey;
import dev.berth.store.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RotateKeyOnDemand, ListKeyRotations and GetKeyRotationStatus on a real H2 store. */
class KeyRotationsOnDemandTest {

    static final CallContext CALL = new CallContext("req", "AKIDEXAMPLE", "000000000000", "us-east-1");

    @TempDir
    Path dir;

    final ObjectMapper mapper = Jsons.newMapper();
    final ManualClock clock = new ManualClock();
    StateStore store;
    KmsKeys keys;
    Map<String, JsonOperation> ops;

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir, 2);
        keys = new KmsKeys(
                store,
                new Documents(mapper),
                new Platform("000000000000", "us-east-1"),
                clock,
                MasterKey.load(dir, null, null));
        keys.checkMasterKey();
        ops = new KmsApi(store, keys).operations();
    }

    @AfterEach
    void close() {
        store.close();
    }

    JsonNode call(String op, String json) {
        try {
            return ops.get(op).handle(CALL, (ObjectNode) mapper.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode call(String op, String keyId, String more) {
        return call(op, "{\"KeyId\": \"" + keyId + "\"" + more + "}");
    }

    static String code(Runnable r) {
        try {
            r.run();
            return "none";
        } catch (AwsException e) {
            return e.code();
        }
    }

    @Test
    void onDemandRotationsAddMaterialListAndOldCiphertextsStillDecrypt() {
        String id = call("CreateKey", "{}").path("KeyMetadata").path("KeyId").asText();
        String blob = call("Encrypt", id, ", \"Plaintext\": \"aGVsbG8=\"")
                .path("CiphertextBlob")
                .asText();
        assertThat(call("ListKeyRotations", id, "").path("Rotations")).isEmpty();
        assertThat(call("ListKeyRotations", id, "").path("Truncated").asBoolean())
                .isFalse();

        assertThat(call("RotateKeyOnDemand", id, "").path("KeyId").asText()).isEqualTo(id);
        clock.advance(Duration.ofMinutes(1));
        call("EnableKeyRotation", id, "");
        clock.advance(Duration.ofDays(366));
        assertThat(keys.housekeeping()).isEqualTo(1);
        call("RotateKeyOnDemand", id, "");

        JsonNode all = call("ListKeyRotations", id, "");
        List<String> types = new ArrayList<>();
        all.path("Rotations").forEach(r -> types.add(r.path("RotationType").asText()));
        assertThat(types).containsExactly("ON_DEMAND", "AUTOMATIC", "ON_DEMAND");
        assertThat(all.path("Rotations").get(0).path("KeyId").asText())
                .isEqualTo("arn:aws:kms:us-east-1:000000000000:key/" + id);
        assertThat(all.path("Rotations").get(0).has("RotationDate")).isTrue();

        JsonNode first = call("ListKeyRotations", id, ", \"Limit\": 2");
        assertThat(first.path("Rotations")).hasSize(2);
        assertThat(first.path("Truncated").asBoolean()).isTrue();
        JsonNode second = call(
                "ListKeyRotations",
                id,
                ", \"Limit\": 2, \"Marker\": \"" + first.path("NextMarker").asText() + "\"");
        assertThat(second.path("Rotations")).hasSize(1);
        assertThat(second.path("Rotations").get(0).path("RotationType").asText())
                .isEqualTo("ON_DEMAND");
        assertThat(second.path("Truncated").asBoolean()).isFalse();
        assertThat(code(() -> call("ListKeyRotations", id, ", \"Marker\": \"forged\"")))
                .isEqualTo("InvalidMarkerException");

        JsonNode status = call("GetKeyRotationStatus", id, "");
        assertThat(status.path("KeyRotationEnabled").asBoolean()).isTrue();
        assertThat(status.path("RotationPeriodInDays").asInt()).isEqualTo(365);
        assertThat(status.has("NextRotationDate")).isTrue();

        assertThat(call("Decrypt", "{\"CiphertextBlob\": \"" + blob + "\"}")
                        .path("Plaintext")
                        .asText())
                .isEqualTo("aGVsbG8=");
    }

    @Test
    void enableKeyRotationTakesAPeriodAndANewPeriodKeepsTheScheduleBase() {
        String id = call("CreateKey", "{}").path("KeyMetadata").path("KeyId").asText();
        long start = clock.millis();
        call("EnableKeyRotation", id, ", \"RotationPeriodInDays\": 90");
        JsonNode status = call("GetKeyRotationStatus", id, "");
        assertThat(status.path("RotationPeriodInDays").asInt()).isEqualTo(90);
        assertThat(status.path("NextRotationDate").asDouble())
                .isEqualTo((start + Duration.ofDays(90).toMillis()) / 1000.0);
        clock.advance(Duration.ofDays(10));
        call("EnableKeyRotation", id, ", \"RotationPeriodInDays\": 180");
        assertThat(call("GetKeyRotationStatus", id, "").path("NextRotationDate").asDouble())
                .isEqualTo((start + Duration.ofDays(180).toMillis()) / 1000.0);
        call("DisableKeyRotation", id, "");
        JsonNode off = call("GetKeyRotationStatus", id, "");
        assertThat(off.path("KeyRotationEnabled").asBoolean()).isFalse();
        assertThat(off.has("RotationPeriodInDays")).isFalse();
    }

    @Test
    void dryRunsCheckEverythingAndAnswerDryRunOperationException() {
        String id = call("CreateKey", "{}").path("KeyMetadata").path("KeyId").asText();
        assertThat(code(() -> call("Encrypt", id, ", \"Plaintext\": \"aGVsbG8=\", \"DryRun\": true")))
                .isEqualTo("DryRunOperationException");
        assertThat(code(() -> call("GenerateDataKey", id, ", \"KeySpec\": \"AES_256\", \"DryRun\": true")))
                .isEqualTo("DryRunOperationException");
        assertThat(code(() -> call("Encrypt", id, ", \"Plaintext\": \"aGVsbG8=\", \"DryRun\": false")))
                .isEqualTo("none");
        call("DisableKey", id, "");
        assertThat(code(() -> call("Encrypt", id, ", \"Plaintext\": \"aGVsbG8=\", \"DryRun\": true")))
                .as("a dry run that would fail fails as the call would")
                .isEqualTo("DisabledException");
        assertThat(code(() -> call(
                        "GenerateRandom",
                        "{\"NumberOfBytes\": 8, \"Recipient\": {\"KeyEncryptionAlgorithm\": \"RSAES_OAEP_SHA_256\"}}")))
                .isEqualTo("UnsupportedOperationException");
    }

    @Test
    void onDemandRotationNeedsAnEnabledKeyAndStopsAtTheLimit() {
        String id = call("CreateKey", "{}").path("KeyMetadata").path("KeyId").asText();
        for (int i = 0; i < KmsApi.MAX_ON_DEMAND_ROTATIONS; i++) {
            call("RotateKeyOnDemand", id, "");
        }
        assertThat(code(() -> call("RotateKeyOnDemand", id, ""))).isEqualTo("LimitExceededException");

        String other = call("CreateKey", "{}").path("KeyMetadata").path("KeyId").asText();
        call("DisableKey", other, "");
        assertThat(code(() -> call("RotateKeyOnDemand", other, ""))).isEqualTo("DisabledException");
        call("ScheduleKeyDeletion", other, ", \"PendingWindowInDays\": 7");
        assertThat(code(() -> call("RotateKeyOnDemand", other, ""))).isEqualTo("KMSInvalidStateException");
        assertThat(code(() -> call("RotateKeyOnDemand", "00000000-0000-0000-0000-000000000000", "")))
                .isEqualTo("NotFoundException");
    }
}
