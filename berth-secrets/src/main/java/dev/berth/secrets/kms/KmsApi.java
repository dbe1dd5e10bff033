package dev.berth.secrets.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.Jsons;
import dev.berth.protocol.json.OperationTable;
import dev.berth.protocol.json.PageTokens;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import dev.berth.store.crypto.Aead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * AWS KMS (JSON 1.1, {@code TrentService}) for symmetric keys: keys, aliases, Encrypt/Decrypt,
 * data keys, enabling/disabling, rotation and scheduled deletion, tags. Everything lives in the
 * {@link KmsKeys} key ring; this class checks requests as KMS does and renders KMS's shapes.
 * Asymmetric and HMAC keys, grants, imported material and custom key stores are not implemented:
 * CreateKey refuses them and their operations stay unregistered.
 */
public final class KmsApi {

    /** KMS's lifetime limit of on-demand rotations per key. */
    static final int MAX_ON_DEMAND_ROTATIONS = 10;

    public static final String MODEL = "aws-models/kms-2014-11-01.json";
    private static final int MAX_PLAINTEXT = 4096;

    private final StateStore store;
    private final KmsKeys keys;

    public KmsApi(StateStore store, KmsKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    public OperationTable service(ServiceModel model) {
        return new OperationTable(model, "ValidationException")
                .identifierMembers(Set.of(
                        "KeyId", "TargetKeyId", "TagKey", "TagKeys", "TagValue", "CustomKeyStoreId", "GrantTokens"))
                .register(operations());
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("CreateKey", this::createKey);
        ops.put("DescribeKey", this::describeKey);
        ops.put("ListKeys", this::listKeys);
        ops.put("UpdateKeyDescription", this::updateDescription);
        ops.put("EnableKey", (c, in) -> setState(in, true));
        ops.put("DisableKey", (c, in) -> setState(in, false));
        ops.put("ScheduleKeyDeletion", this::scheduleDeletion);
        ops.put("CancelKeyDeletion", this::cancelDeletion);
        ops.put("CreateAlias", this::createAlias);
        ops.put("UpdateAlias", this::updateAlias);
        ops.put("DeleteAlias", this::deleteAlias);
        ops.put("ListAliases", this::listAliases);
        ops.put("Encrypt", dryRunnable(this::encrypt));
        ops.put("Decrypt", dryRunnable(this::decrypt));
        ops.put("GenerateDataKey", dryRunnable((c, in) -> generateDataKey(in, true)));
        ops.put("GenerateDataKeyWithoutPlaintext", dryRunnable((c, in) -> generateDataKey(in, false)));
        ops.put("GenerateRandom", dryRunnable(this::generateRandom));
        ops.put("EnableKeyRotation", (c, in) -> setRotation(in, true));
        ops.put("DisableKeyRotation", (c, in) -> setRotation(in, false));
        ops.put("GetKeyRotationStatus", this::rotationStatus);
        ops.put("RotateKeyOnDemand", this::rotateOnDemand);
        ops.put("ListKeyRotations", this::listRotations);
        ops.put("TagResource", this::tagResource);
        ops.put("UntagResource", this::untagResource);
        ops.put("ListResourceTags", this::listTags);
        return ops;
    }

    /**
     * The cryptographic operations' {@code DryRun} and {@code Recipient} members (KMS, 2024). They
     * change no state, so a dry run does all the checks of the real call and then answers, as KMS,
     * DryRunOperationException instead of the result. {@code Recipient} asks for the result
     * encrypted to a Nitro Enclave's attestation document, which Berth cannot verify: refused.
     */
    private static JsonOperation dryRunnable(JsonOperation op) {
        return (call, in) -> {
            if (in.hasNonNull("Recipient")) {
                throw KmsErrors.unsupported(
                        "Berth does not support Recipient: it cannot verify Nitro Enclaves attestation documents.");
            }
            JsonNode out = op.handle(call, in);
            if (in.path("DryRun").asBoolean(false)) {
                throw new AwsException(
                        "DryRunOperationException",
                        400,
                        "The request would have succeeded, but the DryRun option is set.");
            }
            return out;
        };
    }

    private static ObjectNode obj() {
        return JsonNodeFactory.instance.objectNode();
    }

    private JsonNode createKey(CallContext call, ObjectNode in) {
        String spec = in.path("KeySpec").asText(in.path("CustomerMasterKeySpec").asText("SYMMETRIC_DEFAULT"));
        if (!spec.equals("SYMMETRIC_DEFAULT")
                || !in.path("KeyUsage").asText("ENCRYPT_DECRYPT").equals("ENCRYPT_DECRYPT")) {
            throw KmsErrors.unsupported("Berth supports symmetric encryption keys only (KeySpec SYMMETRIC_DEFAULT, "
                    + "KeyUsage ENCRYPT_DECRYPT).");
        }
        if (!in.path("Origin").asText("AWS_KMS").equals("AWS_KMS")
                || in.has("CustomKeyStoreId")
                || in.has("XksKeyId")) {
            throw KmsErrors.unsupported("Berth generates key material itself (Origin AWS_KMS); external and custom key "
                    + "stores are not supported.");
        }
        if (in.path("MultiRegion").asBoolean(false)) {
            throw KmsErrors.unsupported("Berth has one region; multi-Region keys are not supported.");
        }
        List<Tag> tags = tags(in.get("Tags"), List.of());
        KmsKey key = store.transact(tx -> keys.create(
                tx, in.path("Description").asText(""), tags, in.path("Policy").asText(null)));
        ObjectNode out = obj();
        out.set("KeyMetadata", metadata(key));
        return out;
    }

    private static List<Tag> tags(JsonNode given, List<Tag> existing) {
        Map<String, String> map = new LinkedHashMap<>();
        existing.forEach(t -> map.put(t.key(), t.value()));
        Map<String, String> seen = new LinkedHashMap<>();
        if (given != null) {
            for (JsonNode t : given) {
                String k = t.path("TagKey").asText();
                if (k.startsWith("aws:")) {
                    throw new dev.berth.model.error.AwsException(
                            "TagException", 400, "Tag keys beginning with aws: are reserved.");
                }
                if (seen.put(k, "") != null) {
                    throw new dev.berth.model.error.AwsException("TagException", 400, "Duplicate tag keys: " + k);
                }
                map.put(k, t.path("TagValue").asText(""));
            }
        }
        if (map.size() > 50) {
            throw new dev.berth.model.error.AwsException(
                    "LimitExceededException", 400, "A KMS key can have at most 50 tags.");
        }
        return map.entrySet().stream()
                .map(e -> new Tag(e.getKey(), e.getValue()))
                .toList();
    }

    ObjectNode metadata(KmsKey k) {
        ObjectNode m = obj();
        m.put("AWSAccountId", keys.platform().accountId())
                .put("KeyId", k.keyId())
                .put("Arn", keys.arnOf(k.keyId()));
        m.put("CreationDate", Jsons.seconds(k.creationMillis()));
        m.put("Enabled", k.keyState().equals(KmsKey.ENABLED)).put("Description", k.description());
        m.put("KeyUsage", k.keyUsage()).put("KeyState", k.keyState());
        if (k.deletionMillis() != null) {
            m.put("DeletionDate", Jsons.seconds(k.deletionMillis()));
            m.put("PendingDeletionWindowInDays", k.pendingWindowDays());
        }
        m.put("Origin", k.origin()).put("KeyManager", k.keyManager());
        m.put("CustomerMasterKeySpec", k.keySpec()).put("KeySpec", k.keySpec());
        m.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
        m.put("MultiRegion", false);
        return m;
    }

    private KmsKey require(Transaction tx, ObjectNode in) {
        return keys.resolve(tx, in.path("KeyId").asText());
    }

    /** The customer managed key named by KeyId, locked; AWS managed keys cannot be changed. */
    private KmsKey requireCustomer(Transaction tx, ObjectNode in, String what) {
        KmsKey k = require(tx, in);
        KmsKey locked = keys.docs()
                .getForUpdate(tx, KmsKeys.KIND_KEY, k.keyId(), KmsKey.class)
                .orElse(k);
        if (locked.awsManaged()) {
            throw KmsErrors.unsupported(keys.arnOf(k.keyId()) + " is an AWS managed key; you cannot " + what + " it.");
        }
        return locked;
    }

    private JsonNode describeKey(CallContext call, ObjectNode in) {
        KmsKey k = store.read(tx -> require(tx, in));
        ObjectNode out = obj();
        out.set("KeyMetadata", metadata(k));
        return out;
    }

    private static int limit(ObjectNode in) {
        int limit = in.has("Limit") ? in.get("Limit").asInt() : 100;
        if (limit < 1 || limit > 1000) {
            throw KmsErrors.validation("1 validation error detected: Value '" + limit
                    + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
        }
        return limit;
    }

    private JsonNode listKeys(CallContext call, ObjectNode in) {
        int limit = limit(in);
        String after = PageTokens.decode("ListKeys", in.path("Marker").asText(null), KmsErrors::invalidMarker);
        var page = store.read(tx -> StorePages.list(tx, KmsKeys.KIND_KEY, "", after, limit, e -> Optional.of(e.key())));
        ObjectNode out = obj();
        ArrayNode list = out.putArray("Keys");
        page.items().forEach(id -> list.addObject().put("KeyId", id).put("KeyArn", keys.arnOf(id)));
        truncation(out, "ListKeys", page.resumeAfter());
        return out;
    }

    private static void truncation(ObjectNode out, String op, String resumeAfter) {
        out.put("Truncated", resumeAfter != null);
        if (resumeAfter != null) {
            out.put("NextMarker", PageTokens.encode(op, resumeAfter));
        }
    }

    private JsonNode updateDescription(CallContext call, ObjectNode in) {
        store.transact(tx -> {
            keys.put(
                    tx,
                    requireCustomer(tx, in, "update the description of")
                            .withDescription(in.path("Description").asText("")));
            return null;
        });
        return obj();
    }

    private JsonNode setState(ObjectNode in, boolean enable) {
        store.transact(tx -> {
            KmsKey k = requireCustomer(tx, in, enable ? "enable" : "disable");
            if (k.keyState().equals(KmsKey.PENDING_DELETION)) {
                throw KmsErrors.invalidState(keys.arnOf(k.keyId()) + " is pending deletion.");
            }
            keys.put(tx, k.withState(enable ? KmsKey.ENABLED : KmsKey.DISABLED, null, null));
            return null;
        });
        return obj();
    }

    private JsonNode scheduleDeletion(CallContext call, ObjectNode in) {
        int window =
                in.has("PendingWindowInDays") ? in.get("PendingWindowInDays").asInt() : 30;
        if (window < 7 || window > 30) {
            throw KmsErrors.validation(
                    "1 validation error detected: Value '" + window
                            + "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30");
        }
        KmsKey k = store.transact(tx -> {
            KmsKey key = requireCustomer(tx, in, "schedule deletion of");
            if (key.keyState().equals(KmsKey.PENDING_DELETION)) {
                throw KmsErrors.invalidState(keys.arnOf(key.keyId()) + " is pending deletion.");
            }
            KmsKey scheduled = key.withState(
                    KmsKey.PENDING_DELETION,
                    keys.clock().millis() + Duration.ofDays(window).toMillis(),
                    window);
            keys.put(tx, scheduled);
            return scheduled;
        });
        return obj().put("KeyId", keys.arnOf(k.keyId()))
                .put("DeletionDate", Jsons.seconds(k.deletionMillis()))
                .put("KeyState", k.keyState())
                .put("PendingWindowInDays", window);
    }

    private JsonNode cancelDeletion(CallContext call, ObjectNode in) {
        KmsKey k = store.transact(tx -> {
            KmsKey key = requireCustomer(tx, in, "cancel deletion of");
            if (!key.keyState().equals(KmsKey.PENDING_DELETION)) {
                throw KmsErrors.invalidState(keys.arnOf(key.keyId()) + " is not pending deletion.");
            }
            KmsKey back = key.withState(KmsKey.DISABLED, null, null);
            keys.put(tx, back);
            return back;
        });
        return obj().put("KeyId", keys.arnOf(k.keyId()));
    }

    private static String aliasName(ObjectNode in) {
        String name = in.path("AliasName").asText();
        if (!name.startsWith("alias/") || name.length() == "alias/".length()) {
            throw KmsErrors.validation("Alias must start with the prefix \"alias/\". Please see "
                    + "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
        }
        return name;
    }

    private static void notReserved(String name) {
        if (name.startsWith("alias/aws/")) {
            throw KmsErrors.invalidAliasName("Alias names that begin with alias/aws/ are reserved.");
        }
    }

    private JsonNode createAlias(CallContext call, ObjectNode in) {
        String name = aliasName(in);
        notReserved(name);
        store.transact(tx -> {
            KmsKey target = keys.resolve(tx, in.path("TargetKeyId").asText());
            if (in.path("TargetKeyId").asText().startsWith("alias/")
                    || in.path("TargetKeyId").asText().contains(":alias/")) {
                throw KmsErrors.validation("Aliases must refer to keys. Not aliases");
            }
            if (target.awsManaged()) {
                throw KmsErrors.unsupported("You cannot create an alias for an AWS managed key.");
            }
            long now = keys.clock().millis();
            if (!keys.docs().insert(tx, KmsKeys.KIND_ALIAS, name, new KmsAlias(name, target.keyId(), now, now))) {
                throw KmsErrors.alreadyExists("An alias with the name " + keys.aliasArnOf(name) + " already exists");
            }
            return null;
        });
        return obj();
    }

    private JsonNode updateAlias(CallContext call, ObjectNode in) {
        String name = aliasName(in);
        notReserved(name);
        store.transact(tx -> {
            KmsAlias alias = keys.docs()
                    .getForUpdate(tx, KmsKeys.KIND_ALIAS, name, KmsAlias.class)
                    .orElseThrow(() -> KmsErrors.notFound("Alias " + keys.aliasArnOf(name) + " is not found."));
            KmsKey target = keys.resolve(tx, in.path("TargetKeyId").asText());
            if (target.awsManaged()) {
                throw KmsErrors.unsupported("You cannot point an alias at an AWS managed key.");
            }
            keys.docs()
                    .put(
                            tx,
                            KmsKeys.KIND_ALIAS,
                            name,
                            new KmsAlias(
                                    name,
                                    target.keyId(),
                                    alias.creationMillis(),
                                    keys.clock().millis()));
            return null;
        });
        return obj();
    }

    private JsonNode deleteAlias(CallContext call, ObjectNode in) {
        String name = aliasName(in);
        notReserved(name);
        store.transact(tx -> {
            if (!tx.delete(KmsKeys.KIND_ALIAS, name)) {
                throw KmsErrors.notFound("Alias " + keys.aliasArnOf(name) + " is not found.");
            }
            return null;
        });
        return obj();
    }

    private JsonNode listAliases(CallContext call, ObjectNode in) {
        int limit = limit(in);
        String after = PageTokens.decode("ListAliases", in.path("Marker").asText(null), KmsErrors::invalidMarker);
        var page = store.read(tx -> {
            String only = in.hasNonNull("KeyId")
                    ? keys.resolve(tx, in.get("KeyId").asText()).keyId()
                    : null;
            return StorePages.list(tx, KmsKeys.KIND_ALIAS, "", after, limit, e -> {
                KmsAlias a = keys.docs().read(e, KmsAlias.class);
                return only == null || only.equals(a.targetKeyId()) ? Optional.of(a) : Optional.empty();
            });
        });
        ObjectNode out = obj();
        ArrayNode list = out.putArray("Aliases");
        for (KmsAlias a : page.items()) {
            list.addObject()
                    .put("AliasName", a.aliasName())
                    .put("AliasArn", keys.aliasArnOf(a.aliasName()))
                    .put("TargetKeyId", a.targetKeyId())
                    .put("CreationDate", Jsons.seconds(a.creationMillis()))
                    .put("LastUpdatedDate", Jsons.seconds(a.lastUpdatedMillis()));
        }
        truncation(out, "ListAliases", page.resumeAfter());
        return out;
    }

    private static Map<String, String> context(ObjectNode in) {
        Map<String, String> ctx = new LinkedHashMap<>();
        in.path("EncryptionContext")
                .properties()
                .forEach(e -> ctx.put(e.getKey(), e.getValue().asText()));
        return ctx;
    }

    private static void algorithm(ObjectNode in) {
        if (!in.path("EncryptionAlgorithm").asText("SYMMETRIC_DEFAULT").equals("SYMMETRIC_DEFAULT")) {
            throw new dev.berth.model.error.AwsException(
                    "InvalidKeyUsageException",
                    400,
                    "The encryption algorithm " + in.path("EncryptionAlgorithm").asText()
                            + " is not compatible with the type of the specified KMS key.");
        }
    }

    private JsonNode encrypt(CallContext call, ObjectNode in) {
        algorithm(in);
        byte[] plaintext = Base64.getDecoder().decode(in.path("Plaintext").asText());
        if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT) {
            throw KmsErrors.validation(
                    "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
                            + "Member must have length less than or equal to 4096 and greater than or equal to 1");
        }
        Map<String, String> ctx = context(in);
        return store.read(tx -> {
            KmsKey k = keys.usable(require(tx, in));
            byte[] blob = keys.encrypt(k, plaintext, ctx);
            return obj().put("CiphertextBlob", Base64.getEncoder().encodeToString(blob))
                    .put("KeyId", keys.arnOf(k.keyId()))
                    .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        });
    }

    private JsonNode decrypt(CallContext call, ObjectNode in) {
        algorithm(in);
        byte[] blob = Base64.getDecoder().decode(in.path("CiphertextBlob").asText());
        Map<String, String> ctx = context(in);
        return store.read(tx -> {
            if (in.hasNonNull("KeyId")) {
                KmsKey named = require(tx, in);
                if (!named.keyId().equals(KmsKeys.keyIdOf(blob))) {
                    throw KmsErrors.incorrectKey();
                }
            }
            KmsKeys.Decrypted d = keys.decrypt(tx, blob, ctx);
            return obj().put("KeyId", keys.arnOf(d.key().keyId()))
                    .put("Plaintext", Base64.getEncoder().encodeToString(d.plaintext()))
                    .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        });
    }

    private JsonNode generateDataKey(ObjectNode in, boolean withPlaintext) {
        boolean hasSpec = in.hasNonNull("KeySpec");
        boolean hasBytes = in.hasNonNull("NumberOfBytes");
        if (hasSpec == hasBytes) {
            throw KmsErrors.validation(
                    hasSpec
                            ? "Please specify either number of bytes or key spec."
                            : "Please specify either number of bytes or key spec.");
        }
        int n = hasBytes
                ? in.get("NumberOfBytes").asInt()
                : (in.get("KeySpec").asText().equals("AES_128") ? 16 : 32);
        if (n < 1 || n > 1024) {
            throw KmsErrors.validation(
                    "1 validation error detected: Value '" + n + "' at 'numberOfBytes' failed to satisfy "
                            + "constraint: Member must have value between 1 and 1024");
        }
        Map<String, String> ctx = context(in);
        byte[] dataKey = Aead.random(n);
        return store.read(tx -> {
            KmsKey k = keys.usable(require(tx, in));
            ObjectNode out = obj().put(
                            "CiphertextBlob", Base64.getEncoder().encodeToString(keys.encrypt(k, dataKey, ctx)))
                    .put("KeyId", keys.arnOf(k.keyId()));
            if (withPlaintext) {
                out.put("Plaintext", Base64.getEncoder().encodeToString(dataKey));
            }
            return out;
        });
    }

    private JsonNode generateRandom(CallContext call, ObjectNode in) {
        if (in.has("CustomKeyStoreId")) {
            throw KmsErrors.unsupported("Berth has no custom key stores.");
        }
        int n = in.has("NumberOfBytes") ? in.get("NumberOfBytes").asInt() : 0;
        if (n < 1 || n > 1024) {
            throw KmsErrors.validation(
                    "1 validation error detected: Value '" + n + "' at 'numberOfBytes' failed to satisfy "
                            + "constraint: Member must have value between 1 and 1024");
        }
        return obj().put("Plaintext", Base64.getEncoder().encodeToString(Aead.random(n)));
    }

    private JsonNode setRotation(ObjectNode in, boolean enable) {
        store.transact(tx -> {
            KmsKey k = requireCustomer(tx, in, (enable ? "enable" : "disable") + " rotation of");
            if (!k.keyState().equals(KmsKey.ENABLED)) {
                throw k.keyState().equals(KmsKey.DISABLED)
                        ? KmsErrors.disabled(keys.arnOf(k.keyId()))
                        : KmsErrors.invalidState(keys.arnOf(k.keyId()) + " is pending deletion.");
            }
            // RotationPeriodInDays (90-2560, default 365). A new period on a key that already rotates
            // keeps the schedule's base (its next rotation less the old period), as KMS does.
            int period = in.has("RotationPeriodInDays")
                    ? in.get("RotationPeriodInDays").asInt()
                    : 365;
            Long next = enable
                    ? (k.rotationEnabled() && k.nextRotationMillis() != null
                            ? k.nextRotationMillis()
                                    - Duration.ofDays(k.rotationPeriodDays()).toMillis()
                                    + Duration.ofDays(period).toMillis()
                            : keys.clock().millis() + Duration.ofDays(period).toMillis())
                    : null;
            keys.put(tx, k.withRotation(enable, enable ? period : 0, next));
            return null;
        });
        return obj();
    }

    private JsonNode rotationStatus(CallContext call, ObjectNode in) {
        KmsKey k = store.read(tx -> require(tx, in));
        ObjectNode out = obj().put("KeyId", keys.arnOf(k.keyId())).put("KeyRotationEnabled", k.rotationEnabled());
        if (k.rotationEnabled()) {
            out.put("RotationPeriodInDays", k.rotationPeriodDays());
            if (k.nextRotationMillis() != null) {
                out.put("NextRotationDate", Jsons.seconds(k.nextRotationMillis()));
            }
        }
        return out;
    }

    /**
     * RotateKeyOnDemand: adds key material now, whether or not automatic rotation is on, without
     * moving the automatic schedule. Like KMS: customer managed keys only, enabled ones
     * (DisabledException, KMSInvalidStateException when pending deletion), at most
     * {@value #MAX_ON_DEMAND_ROTATIONS} on-demand rotations per key (LimitExceededException). The
     * rotation completes before the call returns, so KMS's ConflictException for a rotation in
     * progress never arises.
     */
    private JsonNode rotateOnDemand(CallContext call, ObjectNode in) {
        return store.transact(tx -> {
            KmsKey k = requireCustomer(tx, in, "rotate the key material of");
            String arn = keys.arnOf(k.keyId());
            if (k.keyState().equals(KmsKey.DISABLED)) {
                throw KmsErrors.disabled(arn);
            }
            if (!k.keyState().equals(KmsKey.ENABLED)) {
                throw KmsErrors.invalidState(arn + " is pending deletion.");
            }
            long onDemand = k.rotations().stream()
                    .filter(m -> KmsKey.Material.ON_DEMAND.equals(m.rotation()))
                    .count();
            if (onDemand >= MAX_ON_DEMAND_ROTATIONS) {
                throw new AwsException(
                        "LimitExceededException",
                        400,
                        "The key " + arn + " has reached the limit of " + MAX_ON_DEMAND_ROTATIONS
                                + " on-demand rotations.");
            }
            keys.put(tx, keys.rotatedOnDemand(k, keys.clock().millis()));
            return obj().put("KeyId", k.keyId());
        });
    }

    /**
     * ListKeyRotations: the completed rotations of a key, oldest first (KeyId as an ARN,
     * RotationDate, RotationType AUTOMATIC or ON_DEMAND), Limit (1-1000, default 100) and Marker.
     */
    private JsonNode listRotations(CallContext call, ObjectNode in) {
        int limit = limit(in);
        String after = PageTokens.decode("ListKeyRotations", in.path("Marker").asText(null), KmsErrors::invalidMarker);
        KmsKey k = store.read(tx -> require(tx, in));
        List<KmsKey.Material> rotations = k.rotations();
        int start = 0;
        if (after != null) {
            start = rotations.size();
            for (int i = 0; i < rotations.size(); i++) {
                if (String.valueOf(rotations.get(i).version()).equals(after)) {
                    start = i + 1;
                    break;
                }
            }
        }
        int end = Math.min(rotations.size(), start + limit);
        ObjectNode out = obj();
        ArrayNode list = out.putArray("Rotations");
        String arn = keys.arnOf(k.keyId());
        for (KmsKey.Material m : rotations.subList(start, end)) {
            list.addObject()
                    .put("KeyId", arn)
                    .put("RotationDate", Jsons.seconds(m.createdMillis()))
                    .put("RotationType", m.rotation());
        }
        truncation(
                out,
                "ListKeyRotations",
                end < rotations.size() ? String.valueOf(rotations.get(end - 1).version()) : null);
        return out;
    }

    private JsonNode tagResource(CallContext call, ObjectNode in) {
        store.transact(tx -> {
            KmsKey k = requireCustomer(tx, in, "tag");
            keys.put(tx, k.withTags(tags(in.get("Tags"), k.tags())));
            return null;
        });
        return obj();
    }

    private JsonNode untagResource(CallContext call, ObjectNode in) {
        store.transact(tx -> {
            KmsKey k = requireCustomer(tx, in, "untag");
            List<String> remove = new ArrayList<>();
            in.path("TagKeys").forEach(t -> remove.add(t.asText()));
            keys.put(
                    tx,
                    k.withTags(k.tags().stream()
                            .filter(t -> !remove.contains(t.key()))
                            .toList()));
            return null;
        });
        return obj();
    }

    private JsonNode listTags(CallContext call, ObjectNode in) {
        KmsKey k = store.read(tx -> require(tx, in));
        ObjectNode out = obj();
        ArrayNode list = out.putArray("Tags");
        k.tags().forEach(t -> list.addObject().put("TagKey", t.key()).put("TagValue", t.value()));
        out.put("Truncated", false);
        return out;
    }
}
