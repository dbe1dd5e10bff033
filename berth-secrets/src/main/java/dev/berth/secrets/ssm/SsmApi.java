package dev.berth.secrets.ssm;

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
import dev.berth.secrets.kms.Envelope;
import dev.berth.secrets.kms.KmsKey;
import dev.berth.secrets.kms.KmsKeys;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * SSM Parameter Store (JSON 1.1, {@code AmazonSSM}): PutParameter, GetParameter(s),
 * GetParametersByPath, DeleteParameter(s), DescribeParameters, GetParameterHistory,
 * Label/UnlabelParameterVersion and the tag calls for parameters, with AWS's name rules, limits
 * and errors. Each call is one store transaction. SecureString values are sealed with
 * {@link Envelope} under the parameter's KMS key (default {@code alias/aws/ssm}); they are opened
 * only for a call with {@code WithDecryption}, and never logged.
 *
 * <p>Parameter policies (expiration, notifications) are refused rather than stored unenforced.
 */
public final class SsmApi {

    public static final String MODEL = "aws-models/ssm-2014-11-06.json";
    static final String KIND = "ssm-param";
    static final String KIND_VERSION = "ssm-param-version";
    static final int STANDARD_MAX_VALUE = 4096;
    static final int ADVANCED_MAX_VALUE = 8192;
    static final int MAX_VERSIONS = 100;
    static final int MAX_LABELS_PER_VERSION = 10;

    private final StateStore store;
    private final Envelope envelope;
    private final ParameterNames names;
    private final Clock clock;

    public SsmApi(StateStore store, Envelope envelope, ParameterNames names, Clock clock) {
        this.store = store;
        this.envelope = envelope;
        this.names = names;
        this.clock = clock;
    }

    public OperationTable service(ServiceModel model) {
        // parameter names, paths, labels and filter values have no pattern in the model
        return new OperationTable(model, "ValidationException")
                .identifierMembers(Set.of("Name", "Names", "Path", "Labels", "ResourceId", "DataType", "Values"))
                .register(operations());
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("PutParameter", this::put);
        ops.put("GetParameter", this::get);
        ops.put("GetParameters", this::getMany);
        ops.put("GetParametersByPath", this::byPath);
        ops.put("DeleteParameter", this::delete);
        ops.put("DeleteParameters", this::deleteMany);
        ops.put("DescribeParameters", this::describe);
        ops.put("GetParameterHistory", this::history);
        ParameterLabelsAndTags more = new ParameterLabelsAndTags(this, store);
        ops.put("LabelParameterVersion", more::label);
        ops.put("UnlabelParameterVersion", more::unlabel);
        ops.put("AddTagsToResource", more::addTags);
        ops.put("RemoveTagsFromResource", more::removeTags);
        ops.put("ListTagsForResource", more::listTags);
        return ops;
    }

    public ParameterNames names() {
        return names;
    }

    static String versionKey(String name, long version) {
        return name + "#" + String.format("%010d", version);
    }

    private static ObjectNode obj() {
        return JsonNodeFactory.instance.objectNode();
    }

    private Map<String, String> context(String name) {
        return Map.of("PARAMETER_ARN", names.arnOf(name));
    }

    // ---- PutParameter -------------------------------------------------------------------------

    private JsonNode put(CallContext call, ObjectNode in) {
        String name = in.path("Name").asText();
        names.checkNew(name);
        String value = in.path("Value").asText();
        if (value.isEmpty()) {
            throw SsmErrors.validation("1 validation error detected: Value at 'value' failed to satisfy constraint: "
                    + "Member must have length greater than or equal to 1");
        }
        boolean overwrite = in.path("Overwrite").asBoolean(false);
        List<Tag> tags = tags(in.get("Tags"));
        if (overwrite && !tags.isEmpty()) {
            throw SsmErrors.validation(
                    "Invalid request: tags and overwrite can't be used together. To create a parameter "
                            + "with tags, please remove overwrite flag. To update tags for an existing parameter, please use "
                            + "AddTagsToResource or RemoveTagsFromResource.");
        }
        if (in.has("Policies")) {
            throw SsmErrors.of(
                    "InvalidPolicyTypeException",
                    "Berth does not enforce parameter policies (Expiration, "
                            + "ExpirationNotification, NoChangeNotification) yet, so it does not accept them.");
        }
        String dataType = in.path("DataType").asText("text");
        if (!dataType.equals("text") && !dataType.equals("aws:ec2:image")) {
            throw SsmErrors.validation(
                    "The following data type is not supported: " + dataType + " (Data type names are all lowercase.)");
        }
        if (dataType.equals("aws:ec2:image") && !value.matches("ami-[0-9a-f]{8}([0-9a-f]{9})?")) {
            throw SsmErrors.validation(
                    "Parameter value, " + value + ", is not a valid AMI ID for data type aws:ec2:image.");
        }
        String pattern = in.path("AllowedPattern").asText(null);
        if (pattern != null) {
            Pattern compiled;
            try {
                compiled = Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw SsmErrors.of(
                        "InvalidAllowedPatternException", "The allowed pattern " + pattern + " is not valid.");
            }
            if (!compiled.matcher(value).matches()) {
                throw SsmErrors.of(
                        "ParameterPatternMismatchException",
                        "Parameter value, cannot be validated against allowedPattern: " + pattern);
            }
        }
        String requestedTier = in.path("Tier").asText(null);
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        Version written = store.transact(tx -> {
            Optional<StoredParameter> existing = tx.getForUpdate(KIND, name).map(e -> docs(e));
            if (existing.isPresent() && !overwrite) {
                throw SsmErrors.of(
                        "ParameterAlreadyExists",
                        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
            }
            String type = in.hasNonNull("Type")
                    ? in.get("Type").asText()
                    : existing.map(p -> p.current().type())
                            .orElseThrow(() ->
                                    SsmErrors.validation("A parameter type is required when you create a parameter."));
            if (!type.equals("SecureString") && in.hasNonNull("KeyId")) {
                throw SsmErrors.validation("KeyId is required for SecureString type parameter only.");
            }
            String tier = tier(requestedTier, existing, length);
            StoredParameter.Version prev =
                    existing.map(StoredParameter::current).orElse(null);
            long version = prev == null ? 1 : prev.version() + 1;
            String description =
                    in.has("Description") ? in.get("Description").asText() : prev == null ? null : prev.description();
            String allowed = pattern != null ? pattern : prev == null ? null : prev.allowedPattern();
            Envelope.Sealed sealed = null;
            String keyId = null;
            if (type.equals("SecureString")) {
                String keyRef = in.hasNonNull("KeyId")
                        ? in.get("KeyId").asText()
                        : prev != null && prev.type().equals("SecureString") ? prev.keyId() : null;
                KmsKey key;
                try {
                    key = envelope.keys().resolveForService(tx, keyRef, KmsKeys.SSM_ALIAS);
                } catch (AwsException e) {
                    throw SsmErrors.of(
                            "InvalidKeyId",
                            keyRef == null
                                    ? e.getMessage()
                                    : "The KMS key " + keyRef + " cannot be used: " + e.getMessage());
                }
                sealed = envelope.seal(key, value.getBytes(StandardCharsets.UTF_8), context(name));
                keyId = keyRef != null && keyRef.startsWith("alias/")
                        ? keyRef
                        : keyRef == null ? KmsKeys.SSM_ALIAS : key.keyId();
            }
            StoredParameter.Version v = new StoredParameter.Version(
                    version,
                    type,
                    sealed == null ? value : null,
                    sealed,
                    keyId,
                    description,
                    allowed,
                    tier,
                    dataType,
                    List.of(),
                    clock.millis(),
                    "arn:aws:iam::" + call.accountId() + ":root");
            pruneOldest(tx, name, version);
            tx.put(KIND_VERSION, versionKey(name, version), write(v));
            StoredParameter head = existing.map(p -> p.withCurrent(v)).orElse(new StoredParameter(name, v, tags));
            tx.put(KIND, name, write(head));
            return new Version(version, tier);
        });
        return obj().put("Version", written.version()).put("Tier", written.tier());
    }

    private record Version(long version, String tier) {}

    private static String tier(String requested, Optional<StoredParameter> existing, int length) {
        String current = existing.map(p -> p.current().tier()).orElse("Standard");
        String tier = requested == null ? current : requested;
        if (tier.equals("Intelligent-Tiering")) {
            tier = length > STANDARD_MAX_VALUE || current.equals("Advanced") ? "Advanced" : "Standard";
        }
        if (tier.equals("Standard") && current.equals("Advanced")) {
            throw SsmErrors.validation(
                    "This parameter uses the advanced-parameter tier. You can't downgrade a parameter "
                            + "from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the "
                            + "advanced parameter and recreate it as a standard parameter.");
        }
        int max = tier.equals("Advanced") ? ADVANCED_MAX_VALUE : STANDARD_MAX_VALUE;
        if (length > max) {
            throw SsmErrors.validation(
                    tier.equals("Advanced")
                            ? "Advanced tier parameters support a maximum parameter value of 8192 characters."
                            : "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger "
                                    + "parameter value, upgrade the parameter to use the advanced-parameter tier.");
        }
        return tier;
    }

    /** Keeps at most 100 versions: before writing version {@code next}, the oldest goes unless it is labelled. */
    private void pruneOldest(Transaction tx, String name, long next) {
        if (tx.count(KIND_VERSION, name + "#") < MAX_VERSIONS) {
            return;
        }
        var first = tx.scan(KIND_VERSION, name + "#", null, 1).entries();
        if (first.isEmpty()) {
            return;
        }
        StoredParameter.Version oldest = readVersion(first.get(0).json());
        if (!oldest.labels().isEmpty()) {
            throw SsmErrors.of(
                    "ParameterMaxVersionLimitExceeded",
                    "You attempted to create a new version of " + name
                            + " by calling the PutParameter API with the overwrite flag. Version " + oldest.version()
                            + ", the "
                            + "oldest version, can't be deleted because it has a label associated with it. Move the label to "
                            + "another version of the parameter, and try again.");
        }
        tx.delete(KIND_VERSION, first.get(0).key());
    }

    static List<Tag> tags(JsonNode given) {
        List<Tag> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        if (given != null) {
            for (JsonNode t : given) {
                String k = t.path("Key").asText();
                if (k.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                    throw SsmErrors.of("InvalidTag", "Tag keys beginning with aws: are reserved for AWS use.");
                }
                if (!seen.add(k)) {
                    throw SsmErrors.of("InvalidTag", "Duplicate tag key: " + k);
                }
                out.add(new Tag(k, t.path("Value").asText("")));
            }
        }
        if (out.size() > 50) {
            throw SsmErrors.of("TooManyTagsError", "The Tags list may contain at most 50 tags.");
        }
        return out;
    }

    // ---- reading ------------------------------------------------------------------------------

    private StoredParameter docs(dev.berth.store.Entry e) {
        return read(e.json(), StoredParameter.class);
    }

    StoredParameter.Version readVersion(String json) {
        return read(json, StoredParameter.Version.class);
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored SSM parameter is unreadable", e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = dev.berth.protocol.json.Jsons.newMapper();

    /** The head of the parameter a reference names, or ParameterNotFound. */
    Optional<StoredParameter> head(Transaction tx, ParameterNames.Ref ref) {
        Optional<StoredParameter> p = tx.get(KIND, ref.name()).map(this::docs);
        if (p.isEmpty() && ref.alternate() != null) {
            p = tx.get(KIND, ref.alternate()).map(this::docs);
        }
        return p;
    }

    /** The version a reference selects (newest without a selector); ParameterNotFound/ParameterVersionNotFound. */
    StoredParameter.Version select(Transaction tx, StoredParameter p, ParameterNames.Ref ref) {
        if (ref.version() != null) {
            return tx.get(KIND_VERSION, versionKey(p.name(), ref.version()))
                    .map(e -> readVersion(e.json()))
                    .orElseThrow(() -> SsmErrors.of(
                            "ParameterVersionNotFound",
                            "Systems Manager could not find version " + ref.version() + " of " + p.name()
                                    + ". Verify the version and try again."));
        }
        if (ref.label() != null) {
            if (p.current().labels().contains(ref.label())) {
                return p.current();
            }
            List<StoredParameter.Version> found = new ArrayList<>();
            StorePages.forEach(tx, KIND_VERSION, p.name() + "#", e -> {
                StoredParameter.Version v = readVersion(e.json());
                if (v.labels().contains(ref.label())) {
                    found.add(v);
                }
            });
            return found.stream()
                    .findFirst()
                    .orElseThrow(() -> SsmErrors.of(
                            "ParameterVersionNotFound",
                            "Systems Manager could not find label " + ref.label() + " of " + p.name()
                                    + ". Verify the label and try again."));
        }
        return p.current();
    }

    /** The plaintext of a version; SecureStrings are opened (KMS errors become SSM's InvalidKeyId). */
    String plaintext(Transaction tx, String name, StoredParameter.Version v) {
        if (v.sealed() == null) {
            return v.value();
        }
        try {
            return new String(envelope.open(tx, v.sealed(), context(name)), StandardCharsets.UTF_8);
        } catch (AwsException e) {
            throw SsmErrors.of(
                    "InvalidKeyId",
                    "The KMS key of " + name + " cannot decrypt it: " + e.code() + " "
                            + (e.getMessage() == null ? "" : e.getMessage()));
        }
    }

    private ObjectNode render(
            Transaction tx, String name, StoredParameter.Version v, boolean decrypt, String selector) {
        ObjectNode n = obj().put("Name", name).put("Type", v.type());
        if (v.sealed() == null || decrypt) {
            n.put("Value", plaintext(tx, name, v));
        } else {
            // as SSM does without WithDecryption: the ciphertext (encrypted data key, then sealed value), base64
            byte[] key = Base64.getDecoder().decode(v.sealed().dataKey());
            byte[] sealed = Base64.getDecoder().decode(v.sealed().value());
            byte[] both = java.util.Arrays.copyOf(key, key.length + sealed.length);
            System.arraycopy(sealed, 0, both, key.length, sealed.length);
            n.put("Value", Base64.getEncoder().encodeToString(both));
        }
        n.put("Version", v.version());
        if (selector != null) {
            n.put("Selector", selector);
        }
        n.put("LastModifiedDate", Jsons.seconds(v.lastModifiedMillis()))
                .put("ARN", names.arnOf(name))
                .put("DataType", v.dataType());
        return n;
    }

    /**
     * The value of the parameter a reference names (name or ARN, with an optional selector),
     * SecureStrings decrypted: what an ECS task's {@code secrets} entry receives. Runs in the
     * caller's transaction; failures are SSM's errors (ParameterNotFound, InvalidKeyId, ...).
     */
    public String valueForTask(Transaction tx, String reference) {
        ParameterNames.Ref ref = names.parse(reference, true);
        StoredParameter p = head(tx, ref).orElseThrow(SsmErrors::notFound);
        return plaintext(tx, p.name(), select(tx, p, ref));
    }

    private JsonNode get(CallContext call, ObjectNode in) {
        ParameterNames.Ref ref = names.parse(in.path("Name").asText(), true);
        boolean decrypt = in.path("WithDecryption").asBoolean(false);
        return store.read(tx -> {
            StoredParameter p = head(tx, ref).orElseThrow(SsmErrors::notFound);
            ObjectNode out = obj();
            out.set("Parameter", render(tx, p.name(), select(tx, p, ref), decrypt, ref.selector()));
            return out;
        });
    }

    private JsonNode getMany(CallContext call, ObjectNode in) {
        boolean decrypt = in.path("WithDecryption").asBoolean(false);
        List<String> requested = new ArrayList<>();
        in.path("Names").forEach(n -> requested.add(n.asText()));
        return store.read(tx -> {
            ObjectNode out = obj();
            ArrayNode found = out.putArray("Parameters");
            ArrayNode invalid = out.putArray("InvalidParameters");
            Set<String> seen = new LinkedHashSet<>();
            for (String r : requested) {
                if (!seen.add(r)) {
                    continue;
                }
                ParameterNames.Ref ref;
                try {
                    ref = names.parse(r, true);
                } catch (AwsException e) {
                    invalid.add(r);
                    continue;
                }
                Optional<StoredParameter> p = head(tx, ref);
                if (p.isEmpty()) {
                    invalid.add(r);
                    continue;
                }
                StoredParameter.Version v;
                try {
                    v = select(tx, p.get(), ref);
                } catch (AwsException e) {
                    invalid.add(r);
                    continue;
                }
                found.add(render(tx, p.get().name(), v, decrypt, ref.selector()));
            }
            return out;
        });
    }

    private static AwsException invalidToken() {
        return SsmErrors.of("InvalidNextToken", "The specified token isn't valid.");
    }

    private JsonNode byPath(CallContext call, ObjectNode in) {
        String prefix = ParameterNames.checkPath(in.path("Path").asText());
        boolean recursive = in.path("Recursive").asBoolean(false);
        boolean decrypt = in.path("WithDecryption").asBoolean(false);
        int max = in.has("MaxResults") ? in.get("MaxResults").asInt() : 10;
        Predicate<StoredParameter> filter =
                ParameterFilters.parse(in.get("ParameterFilters"), ParameterFilters.BY_PATH_KEYS);
        String after =
                PageTokens.decode("GetParametersByPath", in.path("NextToken").asText(null), SsmApi::invalidToken);
        String scanPrefix = prefix.equals("/") ? "/" : prefix;
        return store.read(tx -> {
            var page = StorePages.list(tx, KIND, scanPrefix, after, max, e -> {
                StoredParameter p = docs(e);
                return ParameterFilters.inPath(p.name(), prefix, recursive) && filter.test(p)
                        ? Optional.of(p)
                        : Optional.empty();
            });
            ObjectNode out = obj();
            ArrayNode list = out.putArray("Parameters");
            for (StoredParameter p : page.items()) {
                list.add(render(tx, p.name(), p.current(), decrypt, null));
            }
            if (page.resumeAfter() != null) {
                out.put("NextToken", PageTokens.encode("GetParametersByPath", page.resumeAfter()));
            }
            return out;
        });
    }

    // ---- deleting -----------------------------------------------------------------------------

    private boolean deleteOne(Transaction tx, ParameterNames.Ref ref) {
        Optional<StoredParameter> p = head(tx, ref);
        if (p.isEmpty()) {
            return false;
        }
        String name = p.get().name();
        tx.delete(KIND, name);
        List<String> versions = new ArrayList<>();
        StorePages.forEach(tx, KIND_VERSION, name + "#", e -> versions.add(e.key()));
        versions.forEach(k -> tx.delete(KIND_VERSION, k));
        return true;
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        ParameterNames.Ref ref = names.parse(in.path("Name").asText(), false);
        store.transact(tx -> {
            if (!deleteOne(tx, ref)) {
                throw SsmErrors.notFound();
            }
            return null;
        });
        return obj();
    }

    private JsonNode deleteMany(CallContext call, ObjectNode in) {
        List<String> requested = new ArrayList<>();
        in.path("Names").forEach(n -> requested.add(n.asText()));
        return store.transact(tx -> {
            ObjectNode out = obj();
            ArrayNode deleted = out.putArray("DeletedParameters");
            ArrayNode invalid = out.putArray("InvalidParameters");
            for (String r : new LinkedHashSet<>(requested)) {
                boolean ok;
                try {
                    ok = deleteOne(tx, names.parse(r, false));
                } catch (AwsException e) {
                    ok = false;
                }
                (ok ? deleted : invalid).add(r);
            }
            return out;
        });
    }

    // ---- describing ---------------------------------------------------------------------------

    private ObjectNode metadata(StoredParameter p) {
        StoredParameter.Version v = p.current();
        ObjectNode n =
                obj().put("Name", p.name()).put("ARN", names.arnOf(p.name())).put("Type", v.type());
        if (v.keyId() != null) {
            n.put("KeyId", v.keyId());
        }
        n.put("LastModifiedDate", Jsons.seconds(v.lastModifiedMillis())).put("LastModifiedUser", v.lastModifiedUser());
        if (v.description() != null) {
            n.put("Description", v.description());
        }
        if (v.allowedPattern() != null) {
            n.put("AllowedPattern", v.allowedPattern());
        }
        n.put("Version", v.version()).put("Tier", v.tier());
        n.putArray("Policies");
        n.put("DataType", v.dataType());
        return n;
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        if (in.has("Filters") && in.has("ParameterFilters")) {
            throw SsmErrors.validation("You can use either Filters or ParameterFilters in a single request.");
        }
        Predicate<StoredParameter> filter = in.has("Filters")
                ? ParameterFilters.legacy(in.get("Filters"))
                : ParameterFilters.parse(in.get("ParameterFilters"), ParameterFilters.DESCRIBE_KEYS);
        int max = in.has("MaxResults") ? in.get("MaxResults").asInt() : 50;
        String after =
                PageTokens.decode("DescribeParameters", in.path("NextToken").asText(null), SsmApi::invalidToken);
        if (in.path("Shared").asBoolean(false)) {
            // Shared=true lists only parameters other accounts shared with this one (through AWS
            // RAM); Berth has one account, so there are none.
            ObjectNode none = obj();
            none.putArray("Parameters");
            return none;
        }
        var page = store.read(tx -> StorePages.list(tx, KIND, "", after, max, e -> {
            StoredParameter p = docs(e);
            return filter.test(p) ? Optional.of(p) : Optional.empty();
        }));
        ObjectNode out = obj();
        ArrayNode list = out.putArray("Parameters");
        page.items().forEach(p -> list.add(metadata(p)));
        if (page.resumeAfter() != null) {
            out.put("NextToken", PageTokens.encode("DescribeParameters", page.resumeAfter()));
        }
        return out;
    }

    private JsonNode history(CallContext call, ObjectNode in) {
        ParameterNames.Ref ref = names.parse(in.path("Name").asText(), false);
        boolean decrypt = in.path("WithDecryption").asBoolean(false);
        int max = in.has("MaxResults") ? in.get("MaxResults").asInt() : 50;
        String after =
                PageTokens.decode("GetParameterHistory", in.path("NextToken").asText(null), SsmApi::invalidToken);
        return store.read(tx -> {
            StoredParameter p = head(tx, ref).orElseThrow(SsmErrors::notFound);
            var page = StorePages.list(
                    tx, KIND_VERSION, p.name() + "#", after, max, e -> Optional.of(readVersion(e.json())));
            ObjectNode out = obj();
            ArrayNode list = out.putArray("Parameters");
            for (StoredParameter.Version v : page.items()) {
                ObjectNode n = obj().put("Name", p.name()).put("Type", v.type());
                if (v.keyId() != null) {
                    n.put("KeyId", v.keyId());
                }
                n.put("LastModifiedDate", Jsons.seconds(v.lastModifiedMillis()))
                        .put("LastModifiedUser", v.lastModifiedUser());
                if (v.description() != null) {
                    n.put("Description", v.description());
                }
                n.set("Value", render(tx, p.name(), v, decrypt, null).get("Value"));
                if (v.allowedPattern() != null) {
                    n.put("AllowedPattern", v.allowedPattern());
                }
                n.put("Version", v.version());
                ArrayNode labels = n.putArray("Labels");
                v.labels().forEach(labels::add);
                n.put("Tier", v.tier());
                n.putArray("Policies");
                n.put("DataType", v.dataType());
                list.add(n);
            }
            if (page.resumeAfter() != null) {
                out.put("NextToken", PageTokens.encode("GetParameterHistory", page.resumeAfter()));
            }
            return out;
        });
    }
}
