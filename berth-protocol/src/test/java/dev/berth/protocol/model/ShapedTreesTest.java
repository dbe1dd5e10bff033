package dev.berth.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.protocol.json.Jsons;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShapedTreesTest {

    private final ObjectMapper mapper = Jsons.newMapper();
    private final ServiceModel model = ServiceModel.load(mapper, "aws-models/test-2020-01-01.json");

    private JsonNode read(String body) throws Exception {
        return ShapedTrees.read(mapper, model, "PutRequest", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void blobsArriveDecodedAndEverythingElseAsReadTreeReadsIt() throws Exception {
        String body = """
                {"name":"abc","count":3,"items":[{"id":1,"extra":[2]}],"labels":{"k":"v"},"nested":null,
                 "data":"aGk=","small":"AAE","unknown":{"data":"aGk="}}""";
        JsonNode tree = read(body);
        assertThat(tree.get("data").isBinary()).isTrue();
        assertThat(tree.get("data").binaryValue()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThat(tree.get("small").binaryValue()).containsExactly(0, 1);
        JsonNode plain = mapper.readTree(body);
        assertThat(tree.get("unknown")).isEqualTo(plain.get("unknown"));
        assertThat(tree.get("items")).isEqualTo(plain.get("items"));
        assertThat(tree.get("labels")).isEqualTo(plain.get("labels"));
        assertThat(tree.get("nested").isNull()).isTrue();
        assertThat(tree.get("count")).isEqualTo(plain.get("count"));
        ShapeValidator validator = new ShapeValidator(model, "InvalidParameterException");
        assertThat(validator.validate("PutRequest", tree).get("small").isBinary())
                .isTrue();
    }

    @Test
    void aWronglyTypedBlobIsLeftForTheValidatorAndBadBase64IsAParseError() throws Exception {
        assertThat(read("{\"data\":5}").get("data").isInt()).isTrue();
        assertThat(read("")).isNull();
        assertThatThrownBy(() -> read("{\"data\":\"***\"}")).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> read("{\"data\":\"aGk=\"")).isInstanceOf(JacksonException.class);
    }
}
