package dev.berth.iam.api;

import static dev.berth.iam.api.Iam.JSON;
import static dev.berth.iam.api.Iam.array;
import static dev.berth.iam.api.Iam.containsText;
import static dev.berth.iam.api.Iam.key;
import static dev.berth.iam.api.Iam.noSuchEntity;
import static dev.berth.iam.api.Iam.removeText;
import static dev.berth.iam.api.Iam.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.PolicyKind;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Managed policies: customer managed ones (kind {@code iam-policy}, up to 5 versions, one default)
 * and the AWS managed ones Berth ships (read-only, {@code arn:aws:iam::aws:policy/...}); attaching
 * and detaching them (at most 10 per user, group or role), their tags, and who uses them.
 */
final class ManagedPolicyOps {

    static final int MAX_VERSIONS = 5;

    private final IamApi api;
    private final Iam iam;

    ManagedPolicyOps(IamApi api) {
        this.api = api;
        this.iam = api.iam;
    }

    static String notAttachable(String arn) {
        return "Policy " + arn + " does not exist or is not attachable.";
    }

    /** The store key of a customer managed policy ARN in this account, or null when it names none. */
    static String localKey(Iam iam, String arn) {
        String prefix = "arn:aws:iam::" + iam.account + ":policy/";
        if (!arn.startsWith(prefix)) {
            return null;
        }
        return key(arn.substring(arn.lastIndexOf('/') + 1));
    }

    /** A customer managed policy by ARN, locked for update when asked. */
    static Optional<ObjectNode> local(IamApi api, Transaction tx, String arn, boolean forUpdate) {
        return local(api.iam, tx, arn, forUpdate);
    }

    static Optional<ObjectNode> local(Iam iam, Transaction tx, String arn, boolean forUpdate) {
        String k = localKey(iam, arn);
        if (k == null) {
            return Optional.empty();
        }
        Optional<ObjectNode> p = forUpdate ? iam.getForUpdate(tx, Iam.POLICY, k) : iam.get(tx, Iam.POLICY, k);
        return p.filter(d -> d.get("Arn").asText().equals(arn));
    }

    /** Checks that {@code arn} names a managed policy (customer or AWS); NoSuchEntity otherwise. */
    static void requirePolicy(IamApi api, Transaction tx, String arn, boolean boundary) {
        if (api.docs.awsManaged(arn).isPresent() || local(api, tx, arn, false).isPresent()) {
            return;
        }
        if (boundary) {
            throw Iam.invalidInput("ARN " + arn + " is not valid.");
        }
        throw noSuchEntity(notAttachable(arn));
    }

    /** Moves a usage counter ({@code AttachmentCount}, {@code PermissionsBoundaryUsageCount}) of a policy. */
    static void adjustUse(IamApi api, Transaction tx, String arn, String counter, int delta) {
        Optional<ObjectNode> p = local(api, tx, arn, true);
        if (p.isPresent()) {
            ObjectNode d = p.get();
            d.put(counter, Math.max(0, d.path(counter).asInt() + delta));
            api.iam.put(tx, Iam.POLICY, localKey(api.iam, arn), d);
            return;
        }
        if (api.docs.awsManaged(arn).isPresent()) {
            String k = arn.substring(PolicyDocs.AWS_POLICY_PREFIX.length() + 1);
            ObjectNode use = api.iam.getForUpdate(tx, Iam.AWS_POLICY_USE, k).orElse(JSON.objectNode());
            use.put(counter, Math.max(0, use.path(counter).asInt() + delta));
            api.iam.put(tx, Iam.AWS_POLICY_USE, k, use);
        }
    }

    /** A policy as GetPolicy shows it (AWS managed ones with their usage counts). */
    static ObjectNode show(IamApi api, Transaction tx, String arn) {
        Optional<ObjectNode> local = local(api, tx, arn, false);
        if (local.isPresent()) {
            return local.get();
        }
        PolicyDocs.AwsManaged aws =
                api.docs.awsManaged(arn).orElseThrow(() -> noSuchEntity("Policy " + arn + " was not found."));
        ObjectNode p = aws.policy().deepCopy();
        api.iam
                .get(tx, Iam.AWS_POLICY_USE, arn.substring(PolicyDocs.AWS_POLICY_PREFIX.length() + 1))
                .ifPresent(use -> {
                    p.put("AttachmentCount", use.path("AttachmentCount").asInt());
                    p.put(
                            "PermissionsBoundaryUsageCount",
                            use.path("PermissionsBoundaryUsageCount").asInt());
                });
        return p;
    }

    private static ObjectNode withoutVersions(ObjectNode p) {
        ObjectNode out = p.deepCopy();
        out.remove("versions");
        return out;
    }

    private static ObjectNode version(String doc, String id, boolean isDefault, String created) {
        return JSON.objectNode()
                .put("Document", doc)
                .put("VersionId", id)
                .put("IsDefaultVersion", isDefault)
                .put("CreateDate", created);
    }

    static ObjectNode showVersion(JsonNode v) {
        ObjectNode out = v.deepCopy();
        out.put("Document", Iam.encodeDocument(v.get("Document").asText()));
        return out;
    }

    private static void checkDocument(String doc) {
        PolicyDocs.parse(doc, PolicyKind.IDENTITY);
        if (PolicyDocs.size(doc) > PolicyDocs.MANAGED) {
            throw PolicyDocs.quota("PolicySize", PolicyDocs.MANAGED);
        }
    }

    void register(Map<String, IamApi.Op> t) {
        t.put(
                "CreatePolicy",
                (call, in) -> api.tx(tx -> {
                    String name = in.get("PolicyName").asText();
                    String path = in.has("Path") ? in.get("Path").asText() : "/";
                    String doc = in.get("PolicyDocument").asText();
                    checkDocument(doc);
                    String now = iam.now();
                    ObjectNode p = JSON.objectNode()
                            .put("PolicyName", name)
                            .put("PolicyId", Iam.id("ANPA"))
                            .put("Arn", iam.arn("policy", path, name))
                            .put("Path", path)
                            .put("DefaultVersionId", "v1")
                            .put("AttachmentCount", 0)
                            .put("PermissionsBoundaryUsageCount", 0)
                            .put("IsAttachable", true);
                    if (in.has("Description")) {
                        p.put("Description", in.get("Description").asText());
                    }
                    p.put("CreateDate", now).put("UpdateDate", now);
                    if (in.has("Tags")) {
                        p.set("Tags", IamApi.tags(in.get("Tags"), null, 50, "TagsPerPolicy"));
                    }
                    p.putArray("versions").add(version(doc, "v1", true, now));
                    p.put("nextVersion", 2);
                    if (!iam.insert(tx, Iam.POLICY, key(name), p)) {
                        throw Iam.alreadyExists(
                                "A policy called " + name + " already exists. Duplicate names are not allowed.");
                    }
                    ObjectNode out = JSON.objectNode();
                    out.set("Policy", withoutVersions(p));
                    return out;
                }));
        t.put(
                "GetPolicy",
                (call, in) -> api.read(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    ObjectNode out = JSON.objectNode();
                    out.set("Policy", withoutVersions(show(api, tx, arn)));
                    return out;
                }));
        t.put(
                "ListPolicies",
                (call, in) -> api.read(tx -> {
                    String scope = in.has("Scope") ? in.get("Scope").asText() : "All";
                    boolean onlyAttached = in.path("OnlyAttached").asBoolean(false);
                    String usage = text(in, "PolicyUsageFilter");
                    List<ObjectNode> all = new ArrayList<>();
                    if (!scope.equals("Local")) {
                        for (PolicyDocs.AwsManaged a : api.docs.awsManaged()) {
                            all.add(show(api, tx, a.arn()));
                        }
                    }
                    if (!scope.equals("AWS")) {
                        all.addAll(iam.all(tx, Iam.POLICY, ""));
                    }
                    List<ObjectNode> kept = Iam.filter(
                            all,
                            p -> Iam.underPath(p, in)
                                    && (!onlyAttached
                                            || p.path("AttachmentCount").asInt() > 0)
                                    && (usage == null
                                            || (usage.equals("PermissionsPolicy")
                                                    && p.path("AttachmentCount").asInt() > 0)
                                            || (usage.equals("PermissionsBoundary")
                                                    && p.path("PermissionsBoundaryUsageCount")
                                                                    .asInt()
                                                            > 0)));
                    return Iam.page(
                            kept,
                            p -> p.get("Arn").asText(),
                            p -> {
                                ObjectNode shown = withoutVersions(p);
                                shown.remove("Tags");
                                return shown;
                            },
                            in,
                            JSON.objectNode(),
                            "Policies");
                }));
        t.put(
                "DeletePolicy",
                (call, in) -> api.tx(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    if (api.docs.awsManaged(arn).isPresent()) {
                        throw Iam.invalidInput("Cannot delete a policy managed by AWS.");
                    }
                    ObjectNode p = local(api, tx, arn, true)
                            .orElseThrow(() -> noSuchEntity("Policy " + arn + " was not found."));
                    if (p.path("AttachmentCount").asInt() > 0
                            || p.path("PermissionsBoundaryUsageCount").asInt() > 0) {
                        throw Iam.deleteConflict("Cannot delete a policy attached to entities.");
                    }
                    if (p.path("versions").size() > 1) {
                        throw Iam.deleteConflict(
                                "This policy has more than one version. Before you delete a policy, you"
                                        + " must delete the policy's versions. The default version is deleted with the policy.");
                    }
                    tx.delete(Iam.POLICY, localKey(iam, arn));
                    return JSON.objectNode();
                }));
        t.put(
                "CreatePolicyVersion",
                (call, in) -> api.tx(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    ObjectNode p = editable(tx, arn);
                    String doc = in.get("PolicyDocument").asText();
                    checkDocument(doc);
                    ArrayNode versions = array(p, "versions");
                    if (versions.size() >= MAX_VERSIONS) {
                        throw Iam.limitExceeded(
                                "A managed policy can have up to " + MAX_VERSIONS + " versions. Before you"
                                        + " create a new version, you must delete an existing version.");
                    }
                    int n = p.path("nextVersion").asInt(versions.size() + 1);
                    boolean makeDefault = in.path("SetAsDefault").asBoolean(false);
                    String now = iam.now();
                    ObjectNode v = version(doc, "v" + n, makeDefault, now);
                    if (makeDefault) {
                        versions.forEach(x -> ((ObjectNode) x).put("IsDefaultVersion", false));
                        p.put("DefaultVersionId", "v" + n);
                    }
                    versions.add(v);
                    p.put("nextVersion", n + 1);
                    p.put("UpdateDate", now);
                    iam.put(tx, Iam.POLICY, localKey(iam, arn), p);
                    ObjectNode out = JSON.objectNode();
                    ObjectNode shown = v.deepCopy();
                    shown.remove("Document");
                    out.set("PolicyVersion", shown);
                    return out;
                }));
        t.put(
                "GetPolicyVersion",
                (call, in) -> api.read(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    String id = in.get("VersionId").asText();
                    ObjectNode out = JSON.objectNode();
                    Optional<PolicyDocs.AwsManaged> aws = api.docs.awsManaged(arn);
                    if (aws.isPresent()) {
                        if (!id.equals(
                                aws.get().policy().get("DefaultVersionId").asText())) {
                            throw noSuchEntity(
                                    "Policy " + arn + " version " + id + " does not exist or is not attachable.");
                        }
                        out.set(
                                "PolicyVersion",
                                showVersion(version(
                                        aws.get().document(),
                                        id,
                                        true,
                                        aws.get().policy().get("CreateDate").asText())));
                        return out;
                    }
                    ObjectNode p = local(api, tx, arn, false)
                            .orElseThrow(() -> noSuchEntity("Policy " + arn + " was not found."));
                    out.set("PolicyVersion", showVersion(findVersion(p, arn, id)));
                    return out;
                }));
        t.put(
                "ListPolicyVersions",
                (call, in) -> api.read(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    List<JsonNode> versions = new ArrayList<>();
                    Optional<PolicyDocs.AwsManaged> aws = api.docs.awsManaged(arn);
                    if (aws.isPresent()) {
                        versions.add(version(
                                null,
                                aws.get().policy().get("DefaultVersionId").asText(),
                                true,
                                aws.get().policy().get("CreateDate").asText()));
                    } else {
                        ObjectNode p = local(api, tx, arn, false)
                                .orElseThrow(() -> noSuchEntity("Policy " + arn + " was not found."));
                        p.path("versions").forEach(versions::add);
                    }
                    return Iam.page(
                            versions,
                            v -> String.format(
                                    "%05d",
                                    Integer.parseInt(v.get("VersionId").asText().substring(1))),
                            v -> {
                                ObjectNode shown = v.deepCopy();
                                shown.remove("Document");
                                return shown;
                            },
                            in,
                            JSON.objectNode(),
                            "Versions");
                }));
        t.put(
                "DeletePolicyVersion",
                (call, in) -> api.tx(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    String id = in.get("VersionId").asText();
                    ObjectNode p = editable(tx, arn);
                    JsonNode v = findVersion(p, arn, id);
                    if (v.path("IsDefaultVersion").asBoolean()) {
                        throw Iam.deleteConflict("Cannot delete the default version of a policy.");
                    }
                    for (Iterator<JsonNode> it = p.get("versions").iterator(); it.hasNext(); ) {
                        if (it.next().get("VersionId").asText().equals(id)) {
                            it.remove();
                        }
                    }
                    iam.put(tx, Iam.POLICY, localKey(iam, arn), p);
                    return JSON.objectNode();
                }));
        t.put(
                "SetDefaultPolicyVersion",
                (call, in) -> api.tx(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    String id = in.get("VersionId").asText();
                    ObjectNode p = editable(tx, arn);
                    findVersion(p, arn, id);
                    p.get("versions").forEach(v -> ((ObjectNode) v)
                            .put("IsDefaultVersion", v.get("VersionId").asText().equals(id)));
                    p.put("DefaultVersionId", id);
                    p.put("UpdateDate", iam.now());
                    iam.put(tx, Iam.POLICY, localKey(iam, arn), p);
                    return JSON.objectNode();
                }));
        t.put(
                "TagPolicy",
                (call, in) -> api.tx(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    ObjectNode p = editable(tx, arn);
                    p.set("Tags", IamApi.tags(in.get("Tags"), (ArrayNode) p.get("Tags"), 50, "TagsPerPolicy"));
                    iam.put(tx, Iam.POLICY, localKey(iam, arn), p);
                    return JSON.objectNode();
                }));
        t.put(
                "UntagPolicy",
                (call, in) -> api.tx(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    ObjectNode p = editable(tx, arn);
                    IamApi.removeTags(p, in.get("TagKeys"));
                    iam.put(tx, Iam.POLICY, localKey(iam, arn), p);
                    return JSON.objectNode();
                }));
        t.put(
                "ListPolicyTags",
                (call, in) -> api.read(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    ObjectNode p = show(api, tx, arn);
                    List<JsonNode> tags = new ArrayList<>();
                    p.path("Tags").forEach(tags::add);
                    return Iam.page(tags, x -> key(x.get("Key").asText()), x -> x, in, JSON.objectNode(), "Tags");
                }));
        for (Kind kind : Kind.values()) {
            t.put(
                    "Attach" + kind.title + "Policy",
                    (call, in) -> api.tx(tx -> {
                        ObjectNode e =
                                api.entity(tx, kind, in.get(kind.nameField).asText(), true);
                        OtherOps.checkModifiable(e);
                        String arn = in.get("PolicyArn").asText();
                        requirePolicy(api, tx, arn, false);
                        ArrayNode attached = array(e, "attached");
                        if (containsText(attached, arn)) {
                            return JSON.objectNode();
                        }
                        if (attached.size() >= 10) {
                            throw PolicyDocs.quota(kind.attachedQuota, 10);
                        }
                        attached.add(arn);
                        adjustUse(api, tx, arn, "AttachmentCount", 1);
                        api.save(tx, kind, e);
                        return JSON.objectNode();
                    }));
            t.put(
                    "Detach" + kind.title + "Policy",
                    (call, in) -> api.tx(tx -> {
                        ObjectNode e =
                                api.entity(tx, kind, in.get(kind.nameField).asText(), true);
                        OtherOps.checkModifiable(e);
                        String arn = in.get("PolicyArn").asText();
                        if (!removeText(array(e, "attached"), arn)) {
                            throw noSuchEntity("Policy " + arn + " was not found.");
                        }
                        adjustUse(api, tx, arn, "AttachmentCount", -1);
                        api.save(tx, kind, e);
                        return JSON.objectNode();
                    }));
            t.put(
                    "ListAttached" + kind.title + "Policies",
                    (call, in) -> api.read(tx -> {
                        ObjectNode e =
                                api.entity(tx, kind, in.get(kind.nameField).asText(), false);
                        List<String> arns = Iam.strings(e.get("attached"));
                        String prefix = text(in, "PathPrefix");
                        List<JsonNode> out = new ArrayList<>();
                        for (String arn : arns) {
                            if (prefix != null && !pathOf(arn).startsWith(prefix)) {
                                continue;
                            }
                            out.add(attachedPolicy(arn));
                        }
                        return Iam.page(
                                out,
                                x -> x.get("PolicyArn").asText(),
                                x -> x,
                                in,
                                JSON.objectNode(),
                                "AttachedPolicies");
                    }));
        }
        t.put(
                "ListEntitiesForPolicy",
                (call, in) -> api.read(tx -> {
                    String arn = in.get("PolicyArn").asText();
                    show(api, tx, arn);
                    String filter = text(in, "EntityFilter");
                    String usage = text(in, "PolicyUsageFilter");
                    ObjectNode out = JSON.objectNode();
                    ArrayNode users = out.putArray("PolicyUsers");
                    ArrayNode groups = out.putArray("PolicyGroups");
                    ArrayNode roles = out.putArray("PolicyRoles");
                    for (Kind kind : Kind.values()) {
                        if (filter != null
                                && !filter.equals("LocalManagedPolicy")
                                && !filter.equals("AWSManagedPolicy")
                                && !filter.equalsIgnoreCase(kind.title)) {
                            continue;
                        }
                        for (ObjectNode e : iam.all(tx, kind.storeKind, "")) {
                            boolean attached = containsText(e.get("attached"), arn);
                            boolean boundary = e.path("PermissionsBoundary")
                                    .path("PermissionsBoundaryArn")
                                    .asText()
                                    .equals(arn);
                            boolean match = usage == null
                                    ? attached || boundary
                                    : usage.equals("PermissionsPolicy") ? attached : boundary;
                            if (!match) {
                                continue;
                            }
                            ObjectNode item = JSON.objectNode()
                                    .put(kind.nameField, e.get(kind.nameField).asText())
                                    .put(
                                            kind.title + "Id",
                                            e.get(kind.title + "Id").asText());
                            (kind == Kind.USER ? users : kind == Kind.GROUP ? groups : roles).add(item);
                        }
                    }
                    return OtherOps.pageTogether(out, in, "PolicyGroups", "PolicyUsers", "PolicyRoles");
                }));
    }

    static String pathOf(String arn) {
        String rest = arn.substring(arn.indexOf(":policy") + ":policy".length());
        return rest.substring(0, rest.lastIndexOf('/') + 1);
    }

    static ObjectNode attachedPolicy(String arn) {
        return JSON.objectNode()
                .put("PolicyName", arn.substring(arn.lastIndexOf('/') + 1))
                .put("PolicyArn", arn);
    }

    private ObjectNode editable(Transaction tx, String arn) {
        if (api.docs.awsManaged(arn).isPresent()) {
            throw Iam.invalidInput("Cannot modify a policy managed by AWS.");
        }
        return local(api, tx, arn, true).orElseThrow(() -> noSuchEntity("Policy " + arn + " was not found."));
    }

    private static JsonNode findVersion(ObjectNode p, String arn, String id) {
        for (JsonNode v : p.path("versions")) {
            if (v.get("VersionId").asText().equals(id)) {
                return v;
            }
        }
        throw noSuchEntity("Policy " + arn + " version " + id + " does not exist or is not attachable.");
    }
}
