package dev.berth.ecs.taskdef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;

/** Test fixtures: requests written as JSON (single quotes allowed) and assertions on the error they raise. */
final class Requests {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Requests() {}

    /** Parses JSON written with single quotes for readability. */
    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A request with one family, the given containers (JSON array body) and extra top-level members. */
    static ObjectNode request(String containers, String extra) {
        return json("{'family':'web','containerDefinitions':[" + containers + "]" + (extra.isEmpty() ? "" : "," + extra)
                + "}");
    }

    /** An EC2 request with the given containers. */
    static ObjectNode request(String containers) {
        return request(containers, "");
    }

    /** A minimal valid container named {@code name} with 128 MiB, plus extra members. */
    static String container(String name, String extra) {
        return "{'name':'" + name + "','image':'busybox','memory':128" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** A Fargate request (awsvpc, 256/512) with the given containers and extra members. */
    static ObjectNode fargate(String containers, String extra) {
        return request(
                containers,
                "'requiresCompatibilities':['FARGATE'],'networkMode':'awsvpc','cpu':'256'," + "'memory':'512'"
                        + (extra.isEmpty() ? "" : "," + extra));
    }

    /** Asserts that validation fails with {@code code} and a message containing {@code message}. */
    static AwsException rejects(ObjectNode request, String code, String message) {
        AwsException e = catchThrowableOfType(AwsException.class, () -> TaskDefinitionRules.validate(request));
        assertThat(e).as("expected %s: %s", code, message).isNotNull();
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains(message);
        return e;
    }

    /** Asserts a ClientException containing {@code message}. */
    static AwsException client(ObjectNode request, String message) {
        return rejects(request, "ClientException", message);
    }

    /** Asserts that the request validates. */
    static void accepts(ObjectNode request) {
        assertThatCode(() -> TaskDefinitionRules.validate(request)).doesNotThrowAnyException();
    }

    /** Asserts that a request with these containers and extra members validates. */
    static void accepts(String containers, String extra) {
        accepts(request(containers, extra));
    }
}
