package dev.berth.secrets.secretsmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.Platform;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.Jsons;
import dev.berth.secrets.kms.Envelope;
import dev.berth.secrets.kms.KmsKeys;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.crypto.MasterKey;
import dev.berth.store.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BatchGetSecretValue on a real H2 store: by id list, by filters with pages, per-secret errors. */
class BatchGetSecretValueTest {

    static final CallContext CALL = new CallContext("req", "AKIDEXAMPLE", "000000000000", "us-east-1");

    @TempDir
    Path dir;

    final ObjectMapper mapper = Jsons.newMapper();
    final ManualClock clock = new ManualClock();
    StateStore store;
    Map<String, JsonOperation> ops;

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir, 2);
        Platform platform = new Platform("000000000000", "us-east-1");
        KmsKeys keys = new KmsKeys(store, new Documents(mapper), platform, clock, MasterKey.load(dir, null, null));
        keys.checkMasterKey();
        ops = new SecretsManagerApi(new SecretStore(store, new Envelope(keys), platform, clock)).operations();
    }

    @AfterEach
    void close() {
        store.close();
    }

    JsonNode call(String op, String json) {
        try {
            return ops.get(op).handle(CALL, (ObjectNode) mapper.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void create(String name, String value, String team) {
        call("CreateSecret", """
                {"Name": "%s", "SecretString": "%s", "Tags": [{"Key": "team", "Value": "%s"}]}""".formatted(name, value, team));
        clock.advance(Duration.ofSeconds(1));
    }

    @Test
    void anIdListAnswersEachSecretOrAnErrorForIt() {
        create("app/db", "s3cret", "a");
        create("app/api", "k3y", "a");
        create("gone", "x", "b");
        call("DeleteSecret", "{\"SecretId\": \"gone\"}");
        call("CreateSecret", "{\"Name\": \"empty\"}");
        String arn = call("DescribeSecret", "{\"SecretId\": \"app/api\"}")
                .path("ARN")
                .asText();

        JsonNode out = call("BatchGetSecretValue", """
                {"SecretIdList": ["app/db", "%s", "missing", "gone", "empty"]}""".formatted(arn));

        assertThat(out.path("SecretValues")).hasSize(2);
        JsonNode db = out.path("SecretValues").get(0);
        assertThat(db.path("Name").asText()).isEqualTo("app/db");
        assertThat(db.path("SecretString").asText()).isEqualTo("s3cret");
        assertThat(db.path("VersionStages").get(0).asText()).isEqualTo("AWSCURRENT");
        assertThat(db.path("ARN").asText()).startsWith("arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-");
        assertThat(db.has("VersionId")).isTrue();
        assertThat(db.has("CreatedDate")).isTrue();
        assertThat(out.path("SecretValues").get(1).path("SecretString").asText())
                .isEqualTo("k3y");
        assertThat(out.has("NextToken")).isFalse();

        List<String> errors = new ArrayList<>();
        out.path("Errors")
                .forEach(e -> errors.add(
                        e.path("SecretId").asText() + " " + e.path("ErrorCode").asText()));
        assertThat(errors)
                .containsExactly(
                        "missing ResourceNotFoundException",
                        "gone InvalidRequestException",
                        "empty ResourceNotFoundException");
        assertThat(out.path("Errors").get(1).path("Message").asText()).contains("marked for deletion");
        assertThat(call("DescribeSecret", "{\"SecretId\": \"app/db\"}").has("LastAccessedDate"))
                .isTrue();
    }

    @Test
    void filtersChooseSecretsAndPagesFollowNextToken() {
        for (int i = 0; i < 5; i++) {
            create("svc/" + i, "v" + i, "web");
        }
        create("other", "o", "db");
        create("svc/deleted", "d", "web");
        call("DeleteSecret", "{\"SecretId\": \"svc/deleted\"}");

        String filters = "\"Filters\": [{\"Key\": \"tag-value\", \"Values\": [\"web\"]}]";
        JsonNode first = call("BatchGetSecretValue", "{" + filters + ", \"MaxResults\": 3}");
        assertThat(first.path("SecretValues")).hasSize(3);
        assertThat(first.path("Errors")).isEmpty();
        String token = first.path("NextToken").asText();
        assertThat(token).isNotEmpty();
        JsonNode second =
                call("BatchGetSecretValue", "{" + filters + ", \"MaxResults\": 3, \"NextToken\": \"" + token + "\"}");
        assertThat(second.path("SecretValues")).hasSize(2);
        assertThat(second.has("NextToken")).isFalse();

        List<String> names = new ArrayList<>();
        first.path("SecretValues").forEach(v -> names.add(v.path("Name").asText()));
        second.path("SecretValues").forEach(v -> names.add(v.path("Name").asText()));
        assertThat(names).containsExactly("svc/4", "svc/3", "svc/2", "svc/1", "svc/0");

        assertThat(call("BatchGetSecretValue", "{" + filters + "}").path("SecretValues"))
                .hasSize(5);
        assertThatThrownBy(() -> call("BatchGetSecretValue", "{" + filters + ", \"NextToken\": \"junk\"}"))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidNextTokenException"));
    }

    @Test
    void exactlyOneOfIdListAndFiltersAndMaxResultsOnlyWithFilters() {
        create("a", "1", "t");
        for (String bad : List.of(
                "{}",
                "{\"SecretIdList\": [\"a\"], \"Filters\": [{\"Key\": \"name\", \"Values\": [\"a\"]}]}",
                "{\"SecretIdList\": [\"a\"], \"MaxResults\": 5}")) {
            assertThatThrownBy(() -> call("BatchGetSecretValue", bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidParameterException"));
        }
    }
}
