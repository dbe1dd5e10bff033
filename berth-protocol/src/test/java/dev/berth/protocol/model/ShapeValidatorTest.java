package dev.berth.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.json.Jsons;
import org.junit.jupiter.api.Test;

class ShapeValidatorTest {

    private final ObjectMapper mapper = Jsons.newMapper();
    private final ShapeValidator validator = new ShapeValidator(
            ServiceModel.load(mapper, "aws-models/test-2020-01-01.json"), "InvalidParameterException");

    private JsonNode json(String s) throws Exception {
        return mapper.readTree(s);
    }

    private AwsException failure(String body) throws Exception {
        JsonNode node = json(body);
        return (AwsException)
                org.assertj.core.api.Assertions.catchThrowable(() -> validator.validate("PutRequest", node));
    }

    @Test
    void acceptsAWellTypedRequestAndDropsUnknownMembersAndNulls() throws Exception {
        JsonNode out = validator.validate("PutRequest", json("""
                {"name":"abc","count":3,"big":12345678901,"flag":true,"color":"RED","items":[{"id":1,"extra":2}],
                 "labels":{"k":"v"},"ratio":0.5,"when":1700000000.5,"data":"aGk=","unknown":{"x":1},"nested":null}"""));
        assertThat(out.has("unknown")).isFalse();
        assertThat(out.has("nested")).isFalse();
        assertThat(out.get("items").get(0).has("extra")).isFalse();
        assertThat(out.get("big").asLong()).isEqualTo(12345678901L);
        assertThat(out.get("labels").get("k").asText()).isEqualTo("v");
    }

    @Test
    void wrongJsonTypesAreSerializationExceptions() throws Exception {
        for (String body : new String[] {
            "{\"name\":5}",
            "{\"name\":\"a\",\"count\":\"3\"}",
            "{\"name\":\"a\",\"count\":1.5}",
            "{\"name\":\"a\",\"count\":99999999999}",
            "{\"name\":\"a\",\"flag\":\"true\"}",
            "{\"name\":\"a\",\"items\":{}}",
            "{\"name\":\"a\",\"labels\":[]}",
            "{\"name\":\"a\",\"nested\":[1]}",
            "{\"name\":\"a\",\"ratio\":\"x\"}",
            "{\"name\":\"a\",\"when\":true}",
            "{\"name\":\"a\",\"data\":\"***\"}",
            "[1,2]",
            "\"text\"",
            "42"
        }) {
            AwsException e = failure(body);
            assertThat(e).as(body).isNotNull();
            assertThat(e.code()).as(body).isEqualTo("SerializationException");
            assertThat(e.httpStatus()).isEqualTo(400);
        }
    }

    @Test
    void typeErrorsNameThePath() throws Exception {
        assertThat(failure("{\"name\":\"a\",\"items\":[{\"id\":\"x\"}]}").getMessage())
                .contains("'items.1.member.id'")
                .contains("expected integer")
                .contains("found string");
    }

    @Test
    void constraintViolationsUseTheServiceCodeAndAwsMessageForm() throws Exception {
        AwsException missing = failure("{}");
        assertThat(missing.code()).isEqualTo("InvalidParameterException");
        assertThat(missing.getMessage())
                .isEqualTo(
                        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");

        AwsException many = failure(
                "{\"name\":\"TOOLONGNAME\",\"count\":11,\"color\":\"BLUE\",\"items\":[{},{\"id\":1},{\"id\":2}]}");
        assertThat(many.getMessage())
                .startsWith("6 validation errors detected: ")
                .contains("Member must satisfy enum value set: [RED, GREEN]")
                .contains("Member must have value less than or equal to 10")
                .contains("Member must have length less than or equal to 8")
                .contains("regular expression pattern")
                .contains("Value null at 'items.1.member.id'")
                .contains(
                        "Value at 'items' (3 items) failed to satisfy constraint: Member must have length less than or equal to 2");
    }

    @Test
    void emptyOrNullBodyIsAnEmptyStructure() {
        assertThatThrownBy(() -> validator.validate("PutRequest", null))
                .isInstanceOf(AwsException.class)
                .hasMessageContaining("Value null at 'name'");
        assertThat(validator.validate(null, null).isEmpty()).isTrue();
    }

    @Test
    void mapKeysAreValidatedToo() throws Exception {
        assertThat(failure("{\"name\":\"a\",\"labels\":{\"BAD\":\"v\"}}").getMessage())
                .contains("labels.key");
    }

    @Test
    void blobLengthIsTheDecodedLengthAndTheValueIsNotEchoed() throws Exception {
        assertThat(validator
                        .validate("PutRequest", json("{\"name\":\"a\",\"small\":\"AAECAw==\"}"))
                        .get("small")
                        .asText())
                .isEqualTo("AAECAw==");
        AwsException tooLong = failure("{\"name\":\"a\",\"small\":\"AAECAwQ=\"}");
        assertThat(tooLong.code()).isEqualTo("InvalidParameterException");
        assertThat(tooLong.getMessage())
                .isEqualTo("1 validation error detected: Value at 'small' failed to satisfy "
                        + "constraint: Member must have length less than or equal to 4");
        assertThat(failure("{\"name\":\"a\",\"small\":\"\"}").getMessage())
                .isEqualTo(
                        "1 validation error detected: "
                                + "Value at 'small' failed to satisfy constraint: Member must have length greater than or equal to 1");
        assertThat(failure("{\"name\":\"a\",\"small\":\"AAE=x\"}").code()).isEqualTo("SerializationException");
    }

    @Test
    void patternsMustMatchTheWholeValueAndTheMessageQuotesTheModelsPattern() throws Exception {
        for (String name : new String[] {"abc\\n", "abc\\u0000", "\\u0000", "ab\\u007f", "a b"}) {
            AwsException e = failure("{\"name\":\"" + name + "\"}");
            assertThat(e).as(name).isNotNull();
            assertThat(e.code()).isEqualTo("InvalidParameterException");
            assertThat(e.getMessage())
                    .as(name)
                    .endsWith("' at 'name' failed to satisfy constraint: "
                            + "Member must satisfy regular expression pattern: ^[a-z]+$");
        }
        assertThat(failure("{\"name\":\"a b\"}").getMessage())
                .isEqualTo("1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: ^[a-z]+$");
        assertThat(failure("{\"name\":\"ok\",\"labels\":{\"k\\u0001\":\"v\"}}").getMessage())
                .contains("at 'labels.key'");
    }

    @Test
    void identifierMembersRefuseControlCharactersOthersKeepThem() throws Exception {
        ShapeValidator ids = new ShapeValidator(
                ServiceModel.load(mapper, "aws-models/test-2020-01-01.json"),
                "InvalidParameterException",
                java.util.Set.of("ref", "refs"));
        for (int c : new int[] {0, 1, 9, 10, 13, 0x1f, 0x7f}) {
            String bad = "x" + (char) c + "y";
            com.fasterxml.jackson.databind.node.ObjectNode body = mapper.createObjectNode();
            body.put("name", "ok").put("ref", bad).put("note", bad);
            AwsException e = (AwsException)
                    org.assertj.core.api.Assertions.catchThrowable(() -> ids.validate("PutRequest", body));
            assertThat(e).as("U+%04X", c).isNotNull();
            assertThat(e.getMessage())
                    .isEqualTo("1 validation error detected: Value '" + bad + "' at 'ref' failed to satisfy "
                            + "constraint: Member must not contain control characters");
            body.remove("ref");
            body.putArray("refs").add("fine").add(bad);
            e = (AwsException) org.assertj.core.api.Assertions.catchThrowable(() -> ids.validate("PutRequest", body));
            assertThat(e.getMessage()).contains("at 'refs.2.member'");
            body.remove("refs");
            assertThat(ids.validate("PutRequest", body).get("note").asText()).isEqualTo(bad);
        }
        assertThat(ids.validate("PutRequest", json("{\"name\":\"ok\",\"ref\":\"caf\u00e9 \u2028 ok\"}"))
                        .get("ref")
                        .asText())
                .isEqualTo("caf\u00e9 \u2028 ok");
    }

    @Test
    void theEcrDialectWordsTheFirstViolationAsEcrDoes() throws Exception {
        ShapeValidator ecr = new ShapeValidator(
                ServiceModel.load(mapper, "aws-models/test-2020-01-01.json"),
                "InvalidParameterException",
                java.util.Set.of("ref"),
                ShapeValidator.Dialect.ECR);
        AwsException pattern = (AwsException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ecr.validate("PutRequest", json("{\"name\":\"Up\"}")));
        assertThat(pattern.getMessage())
                .isEqualTo("Invalid parameter at 'name' failed to satisfy constraint: "
                        + "'must satisfy regular expression '^[a-z]+$''");
        AwsException control = (AwsException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ecr.validate("PutRequest", json("{\"name\":\"ok\",\"ref\":\"a\\u0000\"}")));
        assertThat(control.getMessage())
                .isEqualTo("Invalid parameter at 'ref' failed to satisfy constraint: "
                        + "'must not contain control characters'");
        AwsException length = (AwsException) org.assertj.core.api.Assertions.catchThrowable(
                () -> ecr.validate("PutRequest", json("{\"name\":\"NINECHARS\"}")));
        assertThat(length.getMessage())
                .isEqualTo("1 validation error detected: Value at 'name' (length 9) failed to satisfy "
                        + "constraint: Member must have length less than or equal to 8");
    }
}
