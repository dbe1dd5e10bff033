package dev.berth.protocol.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.protocol.CallContext;
import java.util.List;
import java.util.Map;

/**
 * The handler of one query-protocol action. It receives the decoded form parameters and returns
 * the action's result as a JSON tree shaped like the output shape; the front door renders it as XML.
 */
@FunctionalInterface
public interface QueryOperation {
    JsonNode handle(CallContext context, Map<String, List<String>> parameters);
}
