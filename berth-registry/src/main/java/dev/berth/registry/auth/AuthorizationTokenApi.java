package dev.berth.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.registry.repo.RepositoryErrors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * GetAuthorizationToken: a registry password for the calling access key, as ECR returns it —
 * {@code authorizationToken} = base64({@code AWS:<password>}), {@code expiresAt} 12 hours later,
 * {@code proxyEndpoint} = {@code http://host:port} of this registry. {@code aws ecr
 * get-login-password} prints the password and {@code docker login --username AWS --password-stdin}
 * sends it back to {@code /v2/}, where {@link RegistryTokens#verify} accepts it.
 */
public final class AuthorizationTokenApi {

    private final RegistryTokens tokens;
    private final String accountId;
    private final Supplier<String> registryHost;

    public AuthorizationTokenApi(RegistryTokens tokens, String accountId, Supplier<String> registryHost) {
        this.tokens = tokens;
        this.accountId = accountId;
        this.registryHost = registryHost;
    }

    public Map<String, JsonOperation> operations() {
        return Map.of("GetAuthorizationToken", this::get);
    }

    private JsonNode get(CallContext call, ObjectNode in) {
        List<String> registries = new ArrayList<>();
        in.path("registryIds").forEach(r -> registries.add(r.asText()));
        for (String r : registries) {
            if (!r.equals(accountId)) {
                throw RepositoryErrors.invalidParameter(
                        "registryIds", "Berth holds the registry of account " + accountId + " only, not " + r);
            }
        }
        if (registries.isEmpty()) {
            registries.add(accountId);
        }
        RegistryTokens.Token token = tokens.issue(call.accessKeyId());
        String encoded =
                Base64.getEncoder().encodeToString(("AWS:" + token.password()).getBytes(StandardCharsets.UTF_8));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode data = out.putArray("authorizationData");
        for (int i = 0; i < registries.size(); i++) {
            data.addObject()
                    .put("authorizationToken", encoded)
                    .put("expiresAt", token.expiresAt().getEpochSecond())
                    .put("proxyEndpoint", "http://" + registryHost.get());
        }
        return out;
    }
}
