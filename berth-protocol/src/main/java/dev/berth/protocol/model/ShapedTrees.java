package dev.berth.protocol.model;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Reads a JSON request body into a tree guided by the operation's input shape, decoding blob
 * members straight from the parser into {@link BinaryNode}s. The front door uses it for operations
 * whose bodies may exceed the usual limit (ECR's UploadLayerPart: a 20 MiB part is 28 MiB of
 * base64): a plain tree would hold the base64 text as a 28 MiB string, built through a char
 * buffer twice that size, and the handler would then decode it once more. Everything that is not a
 * blob of the shape reads exactly as {@link ObjectMapper#readTree} reads it, so the validator sees
 * the same tree but for blobs, which it measures the same way.
 */
public final class ShapedTrees {

    /** The standard alphabet; padding optional, as {@link java.util.Base64#getDecoder()} takes it. */
    private static final Base64Variant BASE64 =
            Base64Variants.MIME_NO_LINEFEEDS.withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);

    private ShapedTrees() {}

    /** The tree of {@code body}, or null for an empty body; a malformed body throws a Jackson exception. */
    public static JsonNode read(ObjectMapper mapper, ServiceModel model, String shapeName, byte[] body)
            throws IOException {
        try (JsonParser p = mapper.getFactory().createParser(body)) {
            if (p.nextToken() == null) {
                return null;
            }
            return node(p, mapper, model, shapeName == null ? null : model.shape(shapeName));
        }
    }

    private static JsonNode node(JsonParser p, ObjectMapper mapper, ServiceModel model, Shape shape)
            throws IOException {
        JsonToken t = p.currentToken();
        if (shape != null) {
            switch (shape.type()) {
                case BLOB -> {
                    if (t == JsonToken.VALUE_STRING) {
                        return BinaryNode.valueOf(p.getBinaryValue(BASE64));
                    }
                }
                case STRUCTURE -> {
                    if (t == JsonToken.START_OBJECT) {
                        ObjectNode out = JsonNodeFactory.instance.objectNode();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            p.nextToken();
                            Shape.Member m = shape.members().get(name);
                            out.set(name, node(p, mapper, model, m == null ? null : model.shape(m.shape())));
                        }
                        return out;
                    }
                }
                case LIST -> {
                    if (t == JsonToken.START_ARRAY) {
                        ArrayNode out = JsonNodeFactory.instance.arrayNode();
                        Shape member = model.shape(shape.listMember());
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            out.add(node(p, mapper, model, member));
                        }
                        return out;
                    }
                }
                case MAP -> {
                    if (t == JsonToken.START_OBJECT) {
                        ObjectNode out = JsonNodeFactory.instance.objectNode();
                        Shape value = model.shape(shape.mapValue());
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            p.nextToken();
                            out.set(key, node(p, mapper, model, value));
                        }
                        return out;
                    }
                }
                default -> {}
            }
        }
        return mapper.readTree(p);
    }
}
