package dev.berth.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.protocol.CallContext;

/**
 * The handler of one JSON-protocol operation. It receives the request already authenticated and
 * validated against the operation's input shape and returns the output structure. It runs on a
 * virtual thread, so it may block on the state store. Failures are {@link dev.berth.model.error.AwsException}s.
 */
@FunctionalInterface
public interface JsonOperation {
    JsonNode handle(CallContext context, ObjectNode input);
}
