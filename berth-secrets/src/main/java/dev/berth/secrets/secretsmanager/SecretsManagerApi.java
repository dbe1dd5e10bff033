package dev.berth.secrets.secretsmanager;

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
import dev.berth.secrets.kms.KmsKey;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * AWS Secrets Manager (JSON 1.1, {@code secretsmanager}): secrets with versions and staging labels
 * (AWSCURRENT, AWSPREVIOUS, AWSPENDING and custom), ClientRequestToken idempotency, scheduled
 * deletion with a recovery window, restore, tags, and GetRandomPassword. Values are sealed by
 * {@link SecretStore} under the secret's KMS key; only GetSecretValue returns them.
 *
 * <p>Rotation (RotateSecret and its Lambda), resource policies and replication are not
 * implemented: Berth has no Lambda and one region, and those operations stay unregistered.
 */
public final class SecretsManagerApi {

    public static final String MODEL = "aws-models/secretsmanager-2017-10-17.json";
    static final int MAX_VERSIONS = 100;
    static final int MAX_STAGES_PER_VERSION = 20;
    /** BatchGetSecretValue's page size when Filters choose the secrets and MaxResults is not given. */
    static final int MAX_BATCH = 20;

    private static final String CURRENT = "AWSCURRENT";
    private static final String PREVIOUS = "AWSPREVIOUS";

    private final SecretStore secrets;
    private final StateStore store;

    public SecretsManagerApi(SecretStore secrets) {
        this.secrets = secrets;
        this.store = secrets.store();
    }

    public OperationTable service(ServiceModel model) {
        // constraint violations of the model are ValidationException in Secrets Manager, as in SSM;
        // the handlers' own checks (name characters, version stages) are InvalidParameterException;
        // Name (CreateSecret's) is the handler's: AWS's "Invalid name. Must be a valid name ..."
        return new OperationTable(model, "ValidationException")
                .identifierMembers(Set.of(
                        "SecretId",
                        "VersionId",
                        "VersionStage",
                        "VersionStages",
                        "MoveToVersionId",
                        "RemoveFromVersionId",
                        "ClientRequestToken",
                        "KmsKeyId",
                        "Key",
                        "Value",
                        "TagKeys"))
                .register(operations());
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("CreateSecret", this::create);
        ops.put("GetSecretValue", this::getValue);
        ops.put("BatchGetSecretValue", this::batchGetValue);
        ops.put("PutSecretValue", this::putValue);
        ops.put("UpdateSecret", this::update);
        ops.put("UpdateSecretVersionStage", this::updateStage);
        ops.put("DescribeSecret", this::describe);
        ops.put("ListSecrets", this::list);
        ops.put("ListSecretVersionIds", this::listVersions);
        ops.put("DeleteSecret", this::delete);
        ops.put("RestoreSecret", this::restore);
        ops.put("TagResource", this::tag);
        ops.put("UntagResource", this::untag);
        ops.put("GetRandomPassword", (c, in) -> obj().put("RandomPassword", RandomPasswords.generate(in)));
        return ops;
    }

    private static ObjectNode obj() {
        return JsonNodeFactory.instance.objectNode();
    }

    private ObjectNode arnAndName(StoredSecret s) {
        return obj().put("ARN", secrets.arnOf(s)).put("Name", s.name());
    }

    /** The value of a request: (binary?, bytes), or null when it has neither SecretString nor SecretBinary. */
    private record Value(boolean binary, byte[] bytes) {}

    private static Value value(ObjectNode in) {
        boolean s = in.has("SecretString");
        boolean b = in.has("SecretBinary");
        if (s && b) {
            throw SecretsErrors.invalidParameter(
                    "You can't specify both a binary secret value and a string secret value in " + "the same secret.");
        }
        if (s) {
            return new Value(false, in.get("SecretString").asText().getBytes(StandardCharsets.UTF_8));
        }
        return b
                ? new Value(
                        true, Base64.getDecoder().decode(in.get("SecretBinary").asText()))
                : null;
    }

    private static String token(ObjectNode in) {
        return in.hasNonNull("ClientRequestToken")
                ? in.get("ClientRequestToken").asText()
                : UUID.randomUUID().toString();
    }

    private static List<Tag> tags(JsonNode given, List<Tag> existing) {
        Map<String, String> map = new LinkedHashMap<>();
        existing.forEach(t -> map.put(t.key(), t.value()));
        if (given != null) {
            for (JsonNode t : given) {
                String k = t.path("Key").asText();
                if (k.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                    throw SecretsErrors.invalidParameter("Tag keys beginning with aws: are reserved.");
                }
                map.put(k, t.path("Value").asText(""));
            }
        }
        if (map.size() > 50) {
            throw SecretsErrors.invalidParameter("A secret can have at most 50 tags.");
        }
        return map.entrySet().stream()
                .map(e -> new Tag(e.getKey(), e.getValue()))
                .toList();
    }

    private static void notDeleted(StoredSecret s) {
        if (s.scheduledForDeletion()) {
            throw SecretsErrors.markedForDeletion();
        }
    }

    /**
     * Adds a version (or recognises a retry of the same request): the ClientRequestToken is the
     * version id; a token already used with the same value changes nothing, with another value is
     * ResourceExistsException. The new version takes {@code stages}; when AWSCURRENT moves, the old
     * AWSCURRENT version becomes AWSPREVIOUS. Deprecated versions beyond 100 are dropped, oldest first.
     */
    private StoredSecret addVersion(Transaction tx, StoredSecret s, String versionId, Value v, List<String> stages) {
        if (s.version(versionId).isPresent()) {
            SecretStore.Opened existing = secrets.open(tx, s, versionId);
            if (existing.binary() == v.binary() && Arrays.equals(existing.value(), v.bytes())) {
                return s;
            }
            throw SecretsErrors.exists("You can't modify an existing version, you can only create new versions.");
        }
        KmsKey key = secrets.key(tx, s.kmsKeyId());
        secrets.seal(tx, s, versionId, key, v.binary(), v.bytes());
        long now = secrets.clock().millis();
        List<StoredSecret.VersionInfo> versions = new ArrayList<>(s.versions());
        versions.add(new StoredSecret.VersionInfo(versionId, List.of(), now, null, key.keyId()));
        String oldCurrent =
                s.staged(CURRENT).map(StoredSecret.VersionInfo::versionId).orElse(null);
        versions = StoredSecret.moveStages(versions, versionId, stages);
        if (stages.contains(CURRENT) && oldCurrent != null) {
            versions = StoredSecret.moveStages(versions, oldCurrent, List.of(PREVIOUS));
        }
        versions = prune(tx, s.name(), versions);
        return s.withVersions(versions, now);
    }

    private static List<StoredSecret.VersionInfo> prune(
            Transaction tx, String name, List<StoredSecret.VersionInfo> versions) {
        List<StoredSecret.VersionInfo> out = new ArrayList<>(versions);
        while (out.size() > MAX_VERSIONS) {
            Optional<StoredSecret.VersionInfo> oldest = out.stream()
                    .filter(v -> v.stages().isEmpty())
                    .min(Comparator.comparingLong(StoredSecret.VersionInfo::createdMillis));
            if (oldest.isEmpty()) {
                break;
            }
            out.remove(oldest.get());
            tx.delete(
                    SecretStore.KIND_VERSION,
                    SecretStore.versionKey(name, oldest.get().versionId()));
        }
        return out;
    }

    private JsonNode create(CallContext call, ObjectNode in) {
        String name = in.path("Name").asText();
        if (!SecretStore.NAME.matcher(name).matches()) {
            throw SecretsErrors.invalidParameter(
                    "Invalid name. Must be a valid name containing alphanumeric characters, "
                            + "or any of the following: -/_+=.@!");
        }
        if (in.has("AddReplicaRegions")) {
            throw SecretsErrors.invalidRequest("Berth has one region; secrets cannot be replicated.");
        }
        Value value = value(in);
        String versionId = token(in);
        List<Tag> tags = tags(in.get("Tags"), List.of());
        String kmsKeyId = in.path("KmsKeyId").asText(null);
        return store.transact(tx -> {
            Optional<StoredSecret> existing =
                    tx.getForUpdate(SecretStore.KIND, name).map(e -> SecretStore.read(e.json(), StoredSecret.class));
            if (existing.isPresent()) {
                StoredSecret s = existing.get();
                if (s.scheduledForDeletion()) {
                    throw SecretsErrors.invalidRequest(
                            "You can't create this secret because a secret with this name is "
                                    + "already scheduled for deletion.");
                }
                if (value != null && s.version(versionId).isPresent()) {
                    addVersion(tx, s, versionId, value, List.of(CURRENT));
                    return arnAndName(s).put("VersionId", versionId);
                }
                throw SecretsErrors.exists("The operation failed because the secret " + name + " already exists.");
            }
            long now = secrets.clock().millis();
            StoredSecret s = new StoredSecret(
                    name,
                    secrets.newSuffix(),
                    in.path("Description").asText(null),
                    kmsKeyId,
                    tags,
                    now,
                    now,
                    null,
                    null,
                    null,
                    List.of());
            secrets.key(tx, kmsKeyId);
            if (value != null) {
                s = addVersion(tx, s, versionId, value, List.of(CURRENT));
            }
            secrets.put(tx, s);
            ObjectNode out = arnAndName(s);
            if (value != null) {
                out.put("VersionId", versionId);
            }
            return out;
        });
    }

    private JsonNode getValue(CallContext call, ObjectNode in) {
        String versionId = in.path("VersionId").asText(null);
        String stage = in.path("VersionStage").asText(null);
        record Got(StoredSecret secret, StoredSecret.VersionInfo version, SecretStore.Opened value) {}
        Got got = store.read(tx -> {
            StoredSecret s = secrets.require(tx, in.path("SecretId").asText(), false);
            notDeleted(s);
            StoredSecret.VersionInfo v = secrets.select(s, versionId, stage);
            return new Got(s, v, secrets.open(tx, s, v.versionId()));
        });
        recordAccess(got.secret().name(), got.version().versionId());
        return valueNode(got.secret(), got.version(), got.value());
    }

    /** A secret value as GetSecretValue answers it (and BatchGetSecretValue lists it). */
    private ObjectNode valueNode(StoredSecret s, StoredSecret.VersionInfo version, SecretStore.Opened value) {
        ObjectNode out = arnAndName(s).put("VersionId", version.versionId());
        if (value.binary()) {
            out.put("SecretBinary", Base64.getEncoder().encodeToString(value.value()));
        } else {
            out.put("SecretString", new String(value.value(), StandardCharsets.UTF_8));
        }
        ArrayNode stages = out.putArray("VersionStages");
        version.stages().forEach(stages::add);
        out.put("CreatedDate", Jsons.seconds(version.createdMillis()));
        return out;
    }

    /**
     * BatchGetSecretValue: the AWSCURRENT values of up to 20 secrets, named by {@code SecretIdList}
     * (1 to 20 ids: names, full or partial ARNs; the model bounds it) or chosen by {@code Filters}
     * (as ListSecrets applies them, in its order, secrets scheduled for deletion left out, pages of
     * {@code MaxResults} (1 to 20, default 20) with {@code NextToken}); one of the two, never both,
     * and MaxResults only with Filters. A secret that cannot be read (not found, scheduled for
     * deletion, without an AWSCURRENT version, undecryptable) does not fail the call: it is an entry
     * of {@code Errors} with the code and message GetSecretValue would have failed with.
     */
    private JsonNode batchGetValue(CallContext call, ObjectNode in) {
        boolean byList = in.has("SecretIdList");
        boolean byFilters = in.has("Filters");
        if (byList && byFilters) {
            throw SecretsErrors.invalidParameter("Either SecretIdList or Filters must be specified, but not both.");
        }
        if (!byList && !byFilters) {
            throw SecretsErrors.invalidParameter("You must specify either SecretIdList or Filters.");
        }
        if (byList && in.has("MaxResults")) {
            throw SecretsErrors.invalidParameter("MaxResults can only be used with Filters.");
        }
        record Read(String secretId, StoredSecret secret, StoredSecret.VersionInfo version, SecretStore.Opened value) {}
        record Failed(String secretId, AwsException error) {}
        List<Read> read = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        String[] next = {null};
        store.read(tx -> {
            List<String> ids = new ArrayList<>();
            if (byList) {
                in.get("SecretIdList").forEach(id -> ids.add(id.asText()));
            } else {
                int max = in.has("MaxResults") ? in.get("MaxResults").asInt() : MAX_BATCH;
                SecretFilters filters = SecretFilters.parse(in.get("Filters"));
                String after = PageTokens.decode(
                        "BatchGetSecretValue", in.path("NextToken").asText(null), SecretsErrors::invalidNextToken);
                List<StoredSecret> all = new ArrayList<>();
                StorePages.forEach(tx, SecretStore.KIND, "", e -> {
                    StoredSecret s = SecretStore.read(e.json(), StoredSecret.class);
                    if (!s.scheduledForDeletion() && filters.test(s)) {
                        all.add(s);
                    }
                });
                all.sort(Comparator.comparingLong(StoredSecret::createdMillis)
                        .thenComparing(StoredSecret::name)
                        .reversed());
                int start = 0;
                if (after != null) {
                    start = all.size();
                    for (int i = 0; i < all.size(); i++) {
                        if (cursor(all.get(i)).equals(after)) {
                            start = i + 1;
                            break;
                        }
                    }
                }
                int end = Math.min(all.size(), start + max);
                for (int i = start; i < end; i++) {
                    ids.add(secrets.arnOf(all.get(i)));
                }
                if (end < all.size()) {
                    next[0] = PageTokens.encode("BatchGetSecretValue", cursor(all.get(end - 1)));
                }
            }
            for (String id : ids) {
                try {
                    StoredSecret s = secrets.require(tx, id, false);
                    notDeleted(s);
                    StoredSecret.VersionInfo v = secrets.select(s, null, null);
                    read.add(new Read(id, s, v, secrets.open(tx, s, v.versionId())));
                } catch (AwsException e) {
                    failed.add(new Failed(id, e));
                }
            }
            return null;
        });
        ObjectNode out = obj();
        ArrayNode values = out.putArray("SecretValues");
        for (Read r : read) {
            recordAccess(r.secret().name(), r.version().versionId());
            values.add(valueNode(r.secret(), r.version(), r.value()));
        }
        ArrayNode errors = out.putArray("Errors");
        for (Failed f : failed) {
            errors.addObject()
                    .put("SecretId", f.secretId())
                    .put("ErrorCode", f.error().code())
                    .put("Message", f.error().getMessage());
        }
        if (next[0] != null) {
            out.put("NextToken", next[0]);
        }
        return out;
    }

    /** LastAccessedDate is a date (AWS rounds it to the day): written at most once a day per version. */
    private void recordAccess(String name, String versionId) {
        long day = Duration.ofDays(secrets.clock().millis() / Duration.ofDays(1).toMillis())
                .toMillis();
        StoredSecret s = store.read(
                        tx -> tx.get(SecretStore.KIND, name).map(e -> SecretStore.read(e.json(), StoredSecret.class)))
                .orElse(null);
        if (s == null
                || (s.lastAccessedMillis() != null
                        && s.lastAccessedMillis() == day
                        && s.version(versionId)
                                .map(v -> v.lastAccessedMillis() != null && v.lastAccessedMillis() == day)
                                .orElse(true))) {
            return;
        }
        store.transact(tx -> {
            tx.getForUpdate(SecretStore.KIND, name)
                    .map(e -> SecretStore.read(e.json(), StoredSecret.class))
                    .ifPresent(cur -> {
                        List<StoredSecret.VersionInfo> versions = cur.versions().stream()
                                .map(v -> v.versionId().equals(versionId) ? v.accessed(day) : v)
                                .toList();
                        secrets.put(tx, cur.withVersionsQuietly(versions, day));
                    });
            return null;
        });
    }

    private JsonNode putValue(CallContext call, ObjectNode in) {
        Value value = value(in);
        if (value == null) {
            throw SecretsErrors.invalidParameter("You must provide either SecretString or SecretBinary.");
        }
        String versionId = token(in);
        List<String> stages = new ArrayList<>();
        in.path("VersionStages").forEach(s -> stages.add(s.asText()));
        if (stages.isEmpty()) {
            stages.add(CURRENT);
        }
        if (stages.size() > MAX_STAGES_PER_VERSION) {
            throw SecretsErrors.invalidParameter(
                    "A version can have at most " + MAX_STAGES_PER_VERSION + " staging labels.");
        }
        return store.transact(tx -> {
            StoredSecret s = secrets.require(tx, in.path("SecretId").asText(), true);
            notDeleted(s);
            StoredSecret after = addVersion(tx, s, versionId, value, stages);
            secrets.put(tx, after);
            ObjectNode out = arnAndName(after).put("VersionId", versionId);
            ArrayNode st = out.putArray("VersionStages");
            after.version(versionId).orElseThrow().stages().forEach(st::add);
            return out;
        });
    }

    private JsonNode update(CallContext call, ObjectNode in) {
        Value value = value(in);
        String versionId = token(in);
        return store.transact(tx -> {
            StoredSecret s = secrets.require(tx, in.path("SecretId").asText(), true);
            notDeleted(s);
            long now = secrets.clock().millis();
            String kms = in.has("KmsKeyId") ? in.get("KmsKeyId").asText() : s.kmsKeyId();
            if (in.has("KmsKeyId")) {
                secrets.key(tx, kms);
            }
            StoredSecret after = s.withDescriptionAndKey(
                    in.has("Description") ? in.get("Description").asText() : s.description(), kms, now);
            if (in.has("KmsKeyId") && value == null) {
                after = reseal(tx, after);
            }
            if (value != null) {
                after = addVersion(tx, after, versionId, value, List.of(CURRENT));
            }
            secrets.put(tx, after);
            ObjectNode out = arnAndName(after);
            if (value != null) {
                out.put("VersionId", versionId);
            }
            return out;
        });
    }

    /** After a key change without a new value: the staged versions are sealed again under the new key, as AWS does. */
    private StoredSecret reseal(Transaction tx, StoredSecret s) {
        KmsKey key = secrets.key(tx, s.kmsKeyId());
        List<StoredSecret.VersionInfo> versions = new ArrayList<>();
        for (StoredSecret.VersionInfo v : s.versions()) {
            if (v.stages().isEmpty()) {
                versions.add(v);
                continue;
            }
            SecretStore.Opened opened = secrets.open(tx, s, v.versionId());
            secrets.seal(tx, s, v.versionId(), key, opened.binary(), opened.value());
            versions.add(new StoredSecret.VersionInfo(
                    v.versionId(), v.stages(), v.createdMillis(), v.lastAccessedMillis(), key.keyId()));
        }
        return s.withVersions(versions, s.lastChangedMillis());
    }

    private JsonNode updateStage(CallContext call, ObjectNode in) {
        String stage = in.path("VersionStage").asText();
        String from = in.path("RemoveFromVersionId").asText(null);
        String to = in.path("MoveToVersionId").asText(null);
        return store.transact(tx -> {
            StoredSecret s = secrets.require(tx, in.path("SecretId").asText(), true);
            notDeleted(s);
            Optional<StoredSecret.VersionInfo> holder = s.staged(stage);
            if (from != null && (holder.isEmpty() || !holder.get().versionId().equals(from))) {
                throw SecretsErrors.invalidParameter(
                        "The staging label " + stage + " is not attached to version " + from + ".");
            }
            if (to != null && s.version(to).isEmpty()) {
                throw SecretsErrors.invalidParameter("Secrets Manager can't find the specified version " + to + ".");
            }
            if (to != null && holder.isPresent() && !holder.get().versionId().equals(to) && from == null) {
                throw SecretsErrors.invalidParameter("The parameter RemoveFromVersionId can't be empty. Staging label "
                        + stage + " is currently attached to version "
                        + holder.get().versionId() + ", so you must "
                        + "explicitly reference that version in RemoveFromVersionId.");
            }
            if (to == null && stage.equals(CURRENT)) {
                throw SecretsErrors.invalidParameter(
                        "You can't remove the staging label AWSCURRENT from a version without "
                                + "moving it to another version (MoveToVersionId).");
            }
            List<StoredSecret.VersionInfo> versions = new ArrayList<>(s.versions());
            if (to == null) {
                versions = versions.stream()
                        .map(v -> v.versionId().equals(from)
                                ? v.withStages(v.stages().stream()
                                        .filter(x -> !x.equals(stage))
                                        .toList())
                                : v)
                        .toList();
            } else {
                if (s.version(to).orElseThrow().stages().size() >= MAX_STAGES_PER_VERSION
                        && !s.version(to).orElseThrow().stages().contains(stage)) {
                    throw SecretsErrors.invalidParameter(
                            "A version can have at most " + MAX_STAGES_PER_VERSION + " staging labels.");
                }
                versions = StoredSecret.moveStages(versions, to, List.of(stage));
                if (stage.equals(CURRENT) && from != null && !from.equals(to)) {
                    versions = StoredSecret.moveStages(versions, from, List.of(PREVIOUS));
                }
            }
            StoredSecret after = s.withVersions(
                    prune(tx, s.name(), versions), secrets.clock().millis());
            secrets.put(tx, after);
            return arnAndName(after);
        });
    }

    private ObjectNode describeNode(StoredSecret s, boolean listEntry) {
        ObjectNode out = arnAndName(s);
        if (s.description() != null) {
            out.put("Description", s.description());
        }
        if (s.kmsKeyId() != null) {
            out.put("KmsKeyId", s.kmsKeyId());
        }
        out.put("LastChangedDate", Jsons.seconds(s.lastChangedMillis()));
        if (s.lastAccessedMillis() != null) {
            out.put("LastAccessedDate", Jsons.seconds(s.lastAccessedMillis()));
        }
        if (s.deletedMillis() != null) {
            out.put("DeletedDate", Jsons.seconds(s.deletedMillis()));
        }
        ArrayNode tags = out.putArray("Tags");
        s.tags().forEach(t -> tags.addObject().put("Key", t.key()).put("Value", t.value()));
        ObjectNode stages = out.putObject(listEntry ? "SecretVersionsToStages" : "VersionIdsToStages");
        s.versions().stream().filter(v -> !v.stages().isEmpty()).forEach(v -> {
            ArrayNode a = stages.putArray(v.versionId());
            v.stages().forEach(a::add);
        });
        out.put("CreatedDate", Jsons.seconds(s.createdMillis()));
        return out;
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        StoredSecret s =
                store.read(tx -> secrets.require(tx, in.path("SecretId").asText(), false));
        return describeNode(s, false);
    }

    private JsonNode list(CallContext call, ObjectNode in) {
        int max = in.has("MaxResults") ? in.get("MaxResults").asInt() : 100;
        boolean includeDeleted = in.path("IncludePlannedDeletion").asBoolean(false);
        boolean asc = in.path("SortOrder").asText("desc").equals("asc");
        SecretFilters filters = SecretFilters.parse(in.get("Filters"));
        String after =
                PageTokens.decode("ListSecrets", in.path("NextToken").asText(null), SecretsErrors::invalidNextToken);
        List<StoredSecret> all = new ArrayList<>();
        store.read(tx -> {
            StorePages.forEach(tx, SecretStore.KIND, "", e -> {
                StoredSecret s = SecretStore.read(e.json(), StoredSecret.class);
                if ((includeDeleted || !s.scheduledForDeletion()) && filters.test(s)) {
                    all.add(s);
                }
            });
            return null;
        });
        Comparator<StoredSecret> order =
                Comparator.comparingLong(StoredSecret::createdMillis).thenComparing(StoredSecret::name);
        all.sort(asc ? order : order.reversed());
        int start = 0;
        if (after != null) {
            start = all.size();
            for (int i = 0; i < all.size(); i++) {
                if (cursor(all.get(i)).equals(after)) {
                    start = i + 1;
                    break;
                }
            }
        }
        ObjectNode out = obj();
        ArrayNode list = out.putArray("SecretList");
        int end = Math.min(all.size(), start + max);
        for (int i = start; i < end; i++) {
            list.add(describeNode(all.get(i), true));
        }
        if (end < all.size()) {
            out.put("NextToken", PageTokens.encode("ListSecrets", cursor(all.get(end - 1))));
        }
        return out;
    }

    private static String cursor(StoredSecret s) {
        return s.createdMillis() + "/" + s.name();
    }

    private JsonNode listVersions(CallContext call, ObjectNode in) {
        int max = in.has("MaxResults") ? in.get("MaxResults").asInt() : 100;
        boolean deprecated = in.path("IncludeDeprecated").asBoolean(false);
        String after = PageTokens.decode(
                "ListSecretVersionIds", in.path("NextToken").asText(null), SecretsErrors::invalidNextToken);
        StoredSecret s =
                store.read(tx -> secrets.require(tx, in.path("SecretId").asText(), false));
        List<StoredSecret.VersionInfo> versions = s.versions().stream()
                .filter(v -> deprecated || !v.stages().isEmpty())
                .toList();
        int start = 0;
        if (after != null) {
            start = versions.size();
            for (int i = 0; i < versions.size(); i++) {
                if (versions.get(i).versionId().equals(after)) {
                    start = i + 1;
                }
            }
        }
        ObjectNode out = obj();
        ArrayNode list = out.putArray("Versions");
        int end = Math.min(versions.size(), start + max);
        for (int i = start; i < end; i++) {
            StoredSecret.VersionInfo v = versions.get(i);
            ObjectNode n = list.addObject().put("VersionId", v.versionId());
            ArrayNode st = n.putArray("VersionStages");
            v.stages().forEach(st::add);
            if (v.lastAccessedMillis() != null) {
                n.put("LastAccessedDate", Jsons.seconds(v.lastAccessedMillis()));
            }
            n.put("CreatedDate", Jsons.seconds(v.createdMillis()));
            n.putArray("KmsKeyIds").add(v.kmsKeyId() == null ? "DefaultEncryptionKey" : v.kmsKeyId());
        }
        if (end < versions.size()) {
            out.put(
                    "NextToken",
                    PageTokens.encode(
                            "ListSecretVersionIds", versions.get(end - 1).versionId()));
        }
        out.put("ARN", secrets.arnOf(s)).put("Name", s.name());
        return out;
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        boolean force = in.path("ForceDeleteWithoutRecovery").asBoolean(false);
        if (force && in.has("RecoveryWindowInDays")) {
            throw SecretsErrors.invalidParameter(
                    "You can't use ForceDeleteWithoutRecovery in conjunction with " + "RecoveryWindowInDays.");
        }
        long window =
                in.has("RecoveryWindowInDays") ? in.get("RecoveryWindowInDays").asLong() : 30;
        if (window < 7 || window > 30) {
            throw SecretsErrors.invalidParameter(
                    "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
        }
        return store.transact(tx -> {
            StoredSecret s = secrets.require(tx, in.path("SecretId").asText(), true);
            long now = secrets.clock().millis();
            if (force) {
                tx.delete(SecretStore.KIND, s.name());
                secrets.deleteVersions(tx, s.name());
                return arnAndName(s).put("DeletionDate", Jsons.seconds(now));
            }
            notDeleted(s);
            long deletion = now + Duration.ofDays(window).toMillis();
            secrets.put(tx, s.withDeletion(now, deletion));
            return arnAndName(s).put("DeletionDate", Jsons.seconds(deletion));
        });
    }

    private JsonNode restore(CallContext call, ObjectNode in) {
        return store.transact(tx -> {
            StoredSecret s = secrets.require(tx, in.path("SecretId").asText(), true);
            secrets.put(tx, s.withDeletion(null, null));
            return arnAndName(s);
        });
    }

    private JsonNode tag(CallContext call, ObjectNode in) {
        store.transact(tx -> {
            StoredSecret s = secrets.require(tx, in.path("SecretId").asText(), true);
            notDeleted(s);
            secrets.put(
                    tx,
                    s.withTags(tags(in.get("Tags"), s.tags()), secrets.clock().millis()));
            return null;
        });
        return obj();
    }

    private JsonNode untag(CallContext call, ObjectNode in) {
        Set<String> keys = new LinkedHashSet<>();
        in.path("TagKeys").forEach(k -> keys.add(k.asText()));
        store.transact(tx -> {
            StoredSecret s = secrets.require(tx, in.path("SecretId").asText(), true);
            notDeleted(s);
            secrets.put(
                    tx,
                    s.withTags(
                            s.tags().stream()
                                    .filter(t -> !keys.contains(t.key()))
                                    .toList(),
                            secrets.clock().millis()));
            return null;
        });
        return obj();
    }
}
