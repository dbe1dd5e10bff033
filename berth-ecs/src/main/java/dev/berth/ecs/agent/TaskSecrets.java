package dev.berth.ecs.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import dev.berth.model.secrets.SecretValues;
import dev.berth.protocol.json.Jsons;
import java.nio.charset.StandardCharsets;

/**
 * Resolves a task's {@code secrets} and {@code repositoryCredentials} for the agent that is about
 * to start it, as the ECS agent does with the task execution role: each {@code secrets} entry's
 * {@code valueFrom} (an SSM parameter name or ARN, or a Secrets Manager ARN with the optional
 * {@code :json-key:version-stage:version-id} selectors) becomes an entry of the container's
 * {@code secretEnvironment}, and {@code repositoryCredentials.credentialsParameter} (a secret holding
 * {@code {"username": ..., "password": ...}}) becomes the registry login the image is pulled with.
 *
 * <p>The resolved values exist only in the long-poll answer to that task's own, authenticated
 * agent: the task document keeps the definition's {@code valueFrom} references, DescribeTasks shows
 * nothing of them, and no message here contains a value (only names and error codes).
 * Stateless; every value is read in a transaction of its own, so callers hold none open.
 */
public final class TaskSecrets {

    /** Prefix of the stoppedReason ECS gives a task whose secrets or registry login cannot be fetched. */
    public static final String REASON_PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: ";

    private static final ObjectMapper MAPPER = Jsons.newMapper();
    private static final int MAX_REASON = 1024;

    /** Why a task's secrets could not be resolved; the message is the task's stoppedReason. */
    public static final class Unresolvable extends Exception {
        Unresolvable(String detail) {
            super(trim(REASON_PREFIX + detail), null, false, false);
        }

        /** A reason that is already complete (environment files have their own ECS prefix). */
        Unresolvable(String reason, boolean complete) {
            super(trim(reason), null, false, false);
        }

        private static String trim(String s) {
            return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) : s;
        }
    }

    private final SecretValues secrets;
    private final EnvironmentFiles environmentFiles;

    public TaskSecrets(SecretValues secrets) {
        this(secrets, null);
    }

    /** @param environmentFiles where {@code environmentFiles} are fetched from; null when this server has no object store */
    public TaskSecrets(SecretValues secrets, EnvironmentFiles environmentFiles) {
        this.secrets = secrets;
        this.environmentFiles = environmentFiles;
    }

    /** Whether any container of the spec has secrets or registry credentials to resolve. */
    public static boolean needed(JsonNode spec) {
        for (JsonNode c : spec.path("containers")) {
            if (!c.path("secrets").isEmpty()
                    || c.path("repositoryCredentials").has("credentialsParameter")
                    || !c.path("environmentFiles").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The spec without the references (for an agent that already runs the task and needs no values). */
    public static ObjectNode stripped(ObjectNode spec) {
        ObjectNode copy = spec.deepCopy();
        for (JsonNode c : copy.path("containers")) {
            ((ObjectNode) c).remove("secrets");
            ((ObjectNode) c).remove("repositoryCredentials");
            ((ObjectNode) c).remove("environmentFiles");
        }
        return copy;
    }

    /** A copy of the spec with every container's secrets and registry credentials resolved. */
    public ObjectNode resolve(ObjectNode spec) throws Unresolvable {
        ObjectNode copy = stripped(spec);
        JsonNode original = spec.path("containers");
        for (int i = 0; i < original.size(); i++) {
            JsonNode def = original.get(i);
            ObjectNode out = (ObjectNode) copy.path("containers").get(i);
            ObjectNode env = out.putObject("secretEnvironment");
            if (!def.path("environmentFiles").isEmpty()) {
                // variables from files go where secrets go (never into labels or logs); environment and secrets win
                if (environmentFiles == null) {
                    throw new Unresolvable(EnvironmentFiles.REASON_PREFIX + "this server has no object store", true);
                }
                try {
                    environmentFiles.resolve(def.path("environmentFiles")).forEach((k, v) -> {
                        if (!def.path("environment").has(k)) {
                            env.put(k, v);
                        }
                    });
                } catch (EnvironmentFiles.Unresolvable e) {
                    throw new Unresolvable(e.getMessage(), true);
                }
            }
            for (JsonNode s : def.path("secrets")) {
                env.put(s.path("name").asText(), value(s.path("valueFrom").asText()));
            }
            String credentials = def.path("repositoryCredentials")
                    .path("credentialsParameter")
                    .asText(null);
            if (credentials != null) {
                out.set("repositoryCredentials", registryLogin(credentials));
            }
        }
        return copy;
    }

    private String value(String valueFrom) throws Unresolvable {
        if (valueFrom.startsWith("arn:")
                && valueFrom.split(":", 4).length > 2
                && valueFrom.split(":", 4)[2].equals("secretsmanager")) {
            return secretValue(valueFrom);
        }
        try {
            return secrets.parameterValue(valueFrom);
        } catch (AwsException e) {
            throw new Unresolvable("execution resource retrieval failed: unable to retrieve secrets from ssm: "
                    + "service call has failed: " + e.code() + ": parameter " + valueFrom
                    + (e.getMessage() == null || e.getMessage().isEmpty() ? "" : ": " + e.getMessage()));
        }
    }

    /** {@code arn:aws:secretsmanager:<region>:<account>:secret:<name>[-XXXXXX][:json-key[:version-stage[:version-id]]]}. */
    private String secretValue(String valueFrom) throws Unresolvable {
        String[] parts = valueFrom.split(":", -1);
        if (parts.length < 7 || parts.length > 10 || !parts[5].equals("secret")) {
            throw new Unresolvable("execution resource retrieval failed: unable to retrieve secret from asm: "
                    + "invalid secret ARN " + valueFrom);
        }
        String secretArn = String.join(":", java.util.Arrays.copyOfRange(parts, 0, 7));
        String jsonKey = part(parts, 7);
        String stage = part(parts, 8);
        String versionId = part(parts, 9);
        byte[] raw = fetch(secretArn, stage, versionId);
        String text = new String(raw, StandardCharsets.UTF_8);
        if (jsonKey == null) {
            return text;
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new Unresolvable("execution resource retrieval failed: unable to retrieve secret from asm: secret "
                    + secretArn + " is not a JSON object, so it has no key " + jsonKey);
        }
        JsonNode v = json.get(jsonKey);
        if (v == null) {
            throw new Unresolvable("execution resource retrieval failed: unable to retrieve secret from asm: "
                    + "retrieved secret from Secrets Manager did not contain json key " + jsonKey);
        }
        return v.isTextual() ? v.asText() : v.toString();
    }

    private static String part(String[] parts, int i) {
        return i < parts.length && !parts[i].isEmpty() ? parts[i] : null;
    }

    private byte[] fetch(String secretId, String stage, String versionId) throws Unresolvable {
        try {
            return secrets.secretValue(secretId, stage, versionId);
        } catch (AwsException e) {
            throw new Unresolvable("execution resource retrieval failed: unable to retrieve secret from asm: "
                    + "service call has failed: failed to fetch secret " + secretId + " from secrets manager: "
                    + e.code() + ": " + e.getMessage());
        }
    }

    private JsonNode registryLogin(String credentialsParameter) throws Unresolvable {
        byte[] raw = fetch(credentialsParameter, null, null);
        JsonNode json;
        try {
            json = MAPPER.readTree(new String(raw, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            json = null;
        }
        if (json == null
                || !json.path("username").isTextual()
                || !json.path("password").isTextual()) {
            throw new Unresolvable("execution resource retrieval failed: unable to retrieve secret from asm: "
                    + "the secret " + credentialsParameter + " for repositoryCredentials must be a JSON object with "
                    + "string fields username and password");
        }
        ObjectNode login = MAPPER.createObjectNode();
        login.put("username", json.get("username").asText())
                .put("password", json.get("password").asText());
        return login;
    }
}
