package dev.berth.iam.api;

import static dev.berth.iam.api.Iam.JSON;
import static dev.berth.iam.api.Iam.array;
import static dev.berth.iam.api.Iam.containsText;
import static dev.berth.iam.api.Iam.key;
import static dev.berth.iam.api.Iam.limitExceeded;
import static dev.berth.iam.api.Iam.noSuchEntity;
import static dev.berth.iam.api.Iam.object;
import static dev.berth.iam.api.Iam.removeText;
import static dev.berth.iam.api.Iam.strings;
import static dev.berth.iam.api.Iam.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.iam.auth.AccessKeys;
import dev.berth.model.error.AwsException;
import dev.berth.policy.PolicyKind;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.Caller;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.query.QueryInput;
import dev.berth.protocol.query.QueryOperation;
import dev.berth.protocol.query.QueryService;
import dev.berth.store.StateStore;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AWS IAM (API version 2010-05-08) over the query protocol: users, groups, roles, managed and inline
 * policies, access keys, instance profiles, OIDC providers, tags, permissions boundaries and the
 * policy simulator. Each request's parameters are decoded and checked against the botocore model
 * by {@link QueryInput} ({@code ValidationError}, as IAM answers); each operation then runs in one
 * store transaction, so a refused call leaves nothing behind.
 *
 * <p>Policy documents are validated by berth-policy ({@link PolicyDocs}); nothing here decides
 * whether a call is allowed: until the authorization step lands, every valid key acts with full
 * access.
 */
public final class IamApi implements QueryService {

    public static final String MODEL = "aws-models/iam-2010-05-08.json";

    /** One operation: the caller and the validated input in, the output tree out. */
    @FunctionalInterface
    interface Op {
        JsonNode run(CallContext call, ObjectNode input);
    }

    private final ServiceModel model;
    private final QueryInput input;
    private final Map<String, Op> ops;
    final StateStore store;
    final Iam iam;
    final PolicyDocs docs;
    final AccessKeys keys;
    final Directory directory;

    public IamApi(
            ServiceModel model, StateStore store, Iam iam, PolicyDocs docs, AccessKeys keys, Directory directory) {
        this.model = model;
        this.input = new QueryInput(model, "ValidationError");
        this.store = store;
        this.iam = iam;
        this.docs = docs;
        this.keys = keys;
        this.directory = directory;
        Map<String, Op> table = new LinkedHashMap<>();
        registerUsers(table);
        registerGroups(table);
        registerRoles(table);
        registerInline(table);
        new ManagedPolicyOps(this).register(table);
        registerAccessKeys(table);
        new OtherOps(this).register(table);
        this.ops = Collections.unmodifiableMap(table);
    }

    @Override
    public ServiceModel model() {
        return model;
    }

    @Override
    public Optional<QueryOperation> operation(String action) {
        Op op = ops.get(action);
        if (op == null) {
            return Optional.empty();
        }
        return Optional.of((call, params) -> op.run(call, checkNames(input.read(action, params))));
    }

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[\\w+=,.@-]+");
    private static final List<String> NAME_FIELDS = List.of(
            "UserName", "GroupName", "RoleName", "InstanceProfileName", "PolicyName", "NewUserName", "NewGroupName");

    /**
     * IAM matches its name patterns against the whole name (the shared validator looks for the
     * pattern anywhere in the value, which is how the models of other services are written).
     */
    private static ObjectNode checkNames(ObjectNode in) {
        for (String f : NAME_FIELDS) {
            JsonNode v = in.get(f);
            if (v != null && v.isTextual() && !NAME.matcher(v.asText()).matches()) {
                String member = Character.toLowerCase(f.charAt(0)) + f.substring(1);
                throw Iam.validation("1 validation error detected: Value '" + v.asText() + "' at '" + member
                        + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                        + NAME.pattern());
            }
        }
        return in;
    }

    <T> T tx(java.util.function.Function<Transaction, T> work) {
        return store.transact(work);
    }

    <T> T read(java.util.function.Function<Transaction, T> work) {
        return store.read(work);
    }

    // ------------------------------------------------------------------ entities

    ObjectNode entity(Transaction tx, Kind kind, String name, boolean forUpdate) {
        Optional<ObjectNode> e =
                forUpdate ? iam.getForUpdate(tx, kind.storeKind, key(name)) : iam.get(tx, kind.storeKind, key(name));
        return e.orElseThrow(() -> noSuchEntity(kind.notFound(name)));
    }

    void save(Transaction tx, Kind kind, ObjectNode entity) {
        iam.put(tx, kind.storeKind, key(entity.get(kind.nameField).asText()), entity);
    }

    /** Tags as IAM takes them: at most 50, keys unique (case-insensitively). */
    static ArrayNode tags(JsonNode given, ArrayNode existing, int max, String quota) {
        Map<String, ObjectNode> byKey = new LinkedHashMap<>();
        if (existing != null) {
            existing.forEach(t -> byKey.put(key(t.get("Key").asText()), (ObjectNode) t));
        }
        if (given != null) {
            Map<String, String> seen = new HashMap<>();
            for (JsonNode t : given) {
                String k = t.get("Key").asText();
                if (seen.put(key(k), k) != null) {
                    throw Iam.invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
                }
                ObjectNode tag = JSON.objectNode()
                        .put("Key", k)
                        .put("Value", t.path("Value").asText(""));
                byKey.remove(key(k));
                byKey.put(key(k), tag);
            }
        }
        if (byKey.size() > max) {
            throw PolicyDocs.quota(quota, max);
        }
        ArrayNode out = JSON.arrayNode();
        byKey.values().forEach(out::add);
        return out;
    }

    private ObjectNode newEntity(Kind kind, String idPrefix, ObjectNode in) {
        String name = in.get(kind.nameField).asText();
        String path = in.has("Path") ? in.get("Path").asText() : "/";
        ObjectNode e = JSON.objectNode();
        e.put("Path", path);
        e.put(kind.nameField, name);
        e.put(kind.title + "Id", Iam.id(idPrefix));
        e.put("Arn", iam.arn(kind.word, path, name));
        e.put("CreateDate", iam.now());
        return e;
    }

    private void setBoundary(Transaction tx, ObjectNode entity, String arn) {
        JsonNode old = entity.get("PermissionsBoundary");
        if (old != null && old.path("PermissionsBoundaryArn").asText().equals(arn)) {
            return;
        }
        ManagedPolicyOps.requirePolicy(this, tx, arn, true);
        if (old != null) {
            ManagedPolicyOps.adjustUse(
                    this, tx, old.get("PermissionsBoundaryArn").asText(), "PermissionsBoundaryUsageCount", -1);
        }
        ManagedPolicyOps.adjustUse(this, tx, arn, "PermissionsBoundaryUsageCount", 1);
        entity.putObject("PermissionsBoundary")
                .put("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
                .put("PermissionsBoundaryArn", arn);
    }

    private void clearBoundary(Transaction tx, ObjectNode entity) {
        JsonNode old = entity.remove("PermissionsBoundary");
        if (old != null) {
            ManagedPolicyOps.adjustUse(
                    this, tx, old.get("PermissionsBoundaryArn").asText(), "PermissionsBoundaryUsageCount", -1);
        }
    }

    private static ObjectNode wrap(String field, JsonNode value) {
        ObjectNode out = JSON.objectNode();
        out.set(field, value);
        return out;
    }

    private static ObjectNode empty() {
        return JSON.objectNode();
    }

    // ------------------------------------------------------------------ users

    private void registerUsers(Map<String, Op> t) {
        t.put(
                "CreateUser",
                (call, in) -> tx(tx -> {
                    String name = in.get("UserName").asText();
                    ObjectNode user = newEntity(Kind.USER, "AIDA", in);
                    if (in.has("PermissionsBoundary")) {
                        setBoundary(tx, user, in.get("PermissionsBoundary").asText());
                    }
                    if (in.has("Tags")) {
                        user.set("Tags", tags(in.get("Tags"), null, 50, "TagsPerUser"));
                    }
                    if (!iam.insert(tx, Iam.USER, key(name), user)) {
                        throw Iam.alreadyExists("User with name " + name + " already exists.");
                    }
                    return wrap("User", user);
                }));
        t.put(
                "GetUser",
                (call, in) -> read(tx -> {
                    String name = text(in, "UserName");
                    if (name == null) {
                        Caller c = call.caller();
                        if (c.type() == Caller.Type.ROOT) {
                            return wrap(
                                    "User",
                                    JSON.objectNode()
                                            .put("UserId", c.accountId())
                                            .put("Arn", c.arn())
                                            .put("CreateDate", iam.now()));
                        }
                        if (c.type() != Caller.Type.USER) {
                            throw Iam.validation("Must specify userName when calling with non-User credentials");
                        }
                        name = c.arn().substring(c.arn().lastIndexOf('/') + 1);
                    }
                    ObjectNode user = entity(tx, Kind.USER, name, false);
                    Caller c = call.caller();
                    if (c.type() != Caller.Type.ROOT
                            && !user.path("Arn").asText().equals(c.arn())) {
                        // policies are not evaluated yet (RootOnlyAuthorizer): others read only themselves
                        throw dev.berth.iam.auth.RootOnlyAuthorizer.denied(
                                c,
                                "iam:GetUser on resource: " + user.path("Arn").asText(),
                                dev.berth.protocol.sigv4.Dialect.QUERY);
                    }
                    return wrap("User", user);
                }));
        t.put(
                "ListUsers",
                (call, in) -> read(tx -> {
                    List<ObjectNode> users = Iam.filter(iam.all(tx, Iam.USER, ""), u -> Iam.underPath(u, in));
                    return Iam.page(users, u -> key(u.get("UserName").asText()), u -> u, in, empty(), "Users");
                }));
        t.put(
                "UpdateUser",
                (call, in) -> tx(tx -> {
                    String name = in.get("UserName").asText();
                    ObjectNode user = entity(tx, Kind.USER, name, true);
                    String newPath = text(in, "NewPath");
                    String newName = text(in, "NewUserName");
                    if (newPath != null) {
                        user.put("Path", newPath);
                    }
                    String finalName = newName == null ? user.get("UserName").asText() : newName;
                    user.put("Arn", iam.arn("user", user.get("Path").asText(), finalName));
                    if (newName != null && !key(newName).equals(key(name))) {
                        if (tx.get(Iam.USER, key(newName)).isPresent()) {
                            throw Iam.alreadyExists("User with name " + newName + " already exists.");
                        }
                        tx.delete(Iam.USER, key(name));
                        for (String g : strings(user.get("groups"))) {
                            tx.delete(Iam.GROUP_MEMBER, key(g) + "/" + key(name));
                            tx.put(
                                    Iam.GROUP_MEMBER,
                                    key(g) + "/" + key(newName),
                                    iam.write(JSON.objectNode().put("UserName", newName)));
                        }
                    }
                    user.put("UserName", finalName);
                    for (String id : strings(user.get("accessKeys"))) {
                        keys.renameOwner(tx, id, finalName, user.get("Arn").asText());
                    }
                    save(tx, Kind.USER, user);
                    return empty();
                }));
        t.put(
                "DeleteUser",
                (call, in) -> tx(tx -> {
                    String name = in.get("UserName").asText();
                    ObjectNode user = entity(tx, Kind.USER, name, true);
                    if (!user.path("accessKeys").isEmpty()) {
                        throw Iam.deleteConflict("Cannot delete entity, must delete access keys first.");
                    }
                    if (!user.path("inline").isEmpty()) {
                        throw Iam.deleteConflict("Cannot delete entity, must delete policies first.");
                    }
                    if (!user.path("attached").isEmpty()) {
                        throw Iam.deleteConflict("Cannot delete entity, must detach all policies first.");
                    }
                    if (!user.path("groups").isEmpty()) {
                        throw Iam.deleteConflict("Cannot delete entity, must remove users from group first.");
                    }
                    clearBoundary(tx, user);
                    tx.delete(Iam.USER, key(name));
                    return empty();
                }));
        registerTagsAndBoundary(t, Kind.USER, "User", "TagsPerUser");
    }

    private void registerTagsAndBoundary(Map<String, Op> t, Kind kind, String title, String quota) {
        t.put(
                "Tag" + title,
                (call, in) -> tx(tx -> {
                    ObjectNode e = entity(tx, kind, in.get(kind.nameField).asText(), true);
                    e.set("Tags", tags(in.get("Tags"), (ArrayNode) e.get("Tags"), 50, quota));
                    save(tx, kind, e);
                    return empty();
                }));
        t.put(
                "Untag" + title,
                (call, in) -> tx(tx -> {
                    ObjectNode e = entity(tx, kind, in.get(kind.nameField).asText(), true);
                    removeTags(e, in.get("TagKeys"));
                    save(tx, kind, e);
                    return empty();
                }));
        t.put(
                "List" + title + "Tags",
                (call, in) -> read(tx -> {
                    ObjectNode e = entity(tx, kind, in.get(kind.nameField).asText(), false);
                    List<JsonNode> tags = new ArrayList<>();
                    e.path("Tags").forEach(tags::add);
                    return Iam.page(tags, x -> key(x.get("Key").asText()), x -> x, in, empty(), "Tags");
                }));
        t.put(
                "Put" + title + "PermissionsBoundary",
                (call, in) -> tx(tx -> {
                    ObjectNode e = entity(tx, kind, in.get(kind.nameField).asText(), true);
                    OtherOps.checkModifiable(e);
                    setBoundary(tx, e, in.get("PermissionsBoundary").asText());
                    save(tx, kind, e);
                    return empty();
                }));
        t.put(
                "Delete" + title + "PermissionsBoundary",
                (call, in) -> tx(tx -> {
                    ObjectNode e = entity(tx, kind, in.get(kind.nameField).asText(), true);
                    OtherOps.checkModifiable(e);
                    clearBoundary(tx, e);
                    save(tx, kind, e);
                    return empty();
                }));
    }

    static void removeTags(ObjectNode e, JsonNode tagKeys) {
        JsonNode tags = e.get("Tags");
        if (tags instanceof ArrayNode a) {
            for (Iterator<JsonNode> it = a.iterator(); it.hasNext(); ) {
                String k = it.next().get("Key").asText();
                for (JsonNode r : tagKeys) {
                    if (key(r.asText()).equals(key(k))) {
                        it.remove();
                        break;
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ groups

    private void registerGroups(Map<String, Op> t) {
        t.put(
                "CreateGroup",
                (call, in) -> tx(tx -> {
                    String name = in.get("GroupName").asText();
                    ObjectNode group = newEntity(Kind.GROUP, "AGPA", in);
                    if (!iam.insert(tx, Iam.GROUP, key(name), group)) {
                        throw Iam.alreadyExists("Group with name " + name + " already exists.");
                    }
                    return wrap("Group", group);
                }));
        t.put(
                "GetGroup",
                (call, in) -> read(tx -> {
                    String name = in.get("GroupName").asText();
                    ObjectNode group = entity(tx, Kind.GROUP, name, false);
                    List<ObjectNode> users = new ArrayList<>();
                    for (ObjectNode m : iam.all(tx, Iam.GROUP_MEMBER, key(name) + "/")) {
                        iam.get(tx, Iam.USER, key(m.get("UserName").asText())).ifPresent(users::add);
                    }
                    ObjectNode out = wrap("Group", group);
                    return Iam.page(users, u -> key(u.get("UserName").asText()), u -> u, in, out, "Users");
                }));
        t.put(
                "ListGroups",
                (call, in) -> read(tx -> {
                    List<ObjectNode> groups = Iam.filter(iam.all(tx, Iam.GROUP, ""), g -> Iam.underPath(g, in));
                    return Iam.page(groups, g -> key(g.get("GroupName").asText()), g -> g, in, empty(), "Groups");
                }));
        t.put(
                "UpdateGroup",
                (call, in) -> tx(tx -> {
                    String name = in.get("GroupName").asText();
                    ObjectNode group = entity(tx, Kind.GROUP, name, true);
                    String newName = text(in, "NewGroupName");
                    if (in.has("NewPath")) {
                        group.put("Path", in.get("NewPath").asText());
                    }
                    if (newName != null && !key(newName).equals(key(name))) {
                        if (tx.get(Iam.GROUP, key(newName)).isPresent()) {
                            throw Iam.alreadyExists("Group with name " + newName + " already exists.");
                        }
                        tx.delete(Iam.GROUP, key(name));
                        for (ObjectNode m : iam.all(tx, Iam.GROUP_MEMBER, key(name) + "/")) {
                            String u = m.get("UserName").asText();
                            tx.delete(Iam.GROUP_MEMBER, key(name) + "/" + key(u));
                            tx.put(Iam.GROUP_MEMBER, key(newName) + "/" + key(u), iam.write(m));
                            ObjectNode user = entity(tx, Kind.USER, u, true);
                            ArrayNode groups = array(user, "groups");
                            removeText(groups, group.get("GroupName").asText());
                            groups.add(newName);
                            save(tx, Kind.USER, user);
                        }
                        group.put("GroupName", newName);
                    }
                    group.put(
                            "Arn",
                            iam.arn(
                                    "group",
                                    group.get("Path").asText(),
                                    group.get("GroupName").asText()));
                    save(tx, Kind.GROUP, group);
                    return empty();
                }));
        t.put(
                "DeleteGroup",
                (call, in) -> tx(tx -> {
                    String name = in.get("GroupName").asText();
                    ObjectNode group = entity(tx, Kind.GROUP, name, true);
                    if (tx.count(Iam.GROUP_MEMBER, key(name) + "/") > 0) {
                        throw Iam.deleteConflict("Cannot delete entity, must remove users from group first.");
                    }
                    if (!group.path("inline").isEmpty()) {
                        throw Iam.deleteConflict("Cannot delete entity, must delete policies first.");
                    }
                    if (!group.path("attached").isEmpty()) {
                        throw Iam.deleteConflict("Cannot delete entity, must detach all policies first.");
                    }
                    tx.delete(Iam.GROUP, key(name));
                    return empty();
                }));
        t.put(
                "AddUserToGroup",
                (call, in) -> tx(tx -> {
                    ObjectNode group =
                            entity(tx, Kind.GROUP, in.get("GroupName").asText(), true);
                    ObjectNode user = entity(tx, Kind.USER, in.get("UserName").asText(), true);
                    String g = group.get("GroupName").asText();
                    ArrayNode groups = array(user, "groups");
                    if (containsText(groups, g)) {
                        return empty();
                    }
                    if (groups.size() >= 10) {
                        throw PolicyDocs.quota("GroupsPerUser", 10);
                    }
                    groups.add(g);
                    save(tx, Kind.USER, user);
                    tx.put(
                            Iam.GROUP_MEMBER,
                            key(g) + "/" + key(user.get("UserName").asText()),
                            iam.write(JSON.objectNode()
                                    .put("UserName", user.get("UserName").asText())));
                    return empty();
                }));
        t.put(
                "RemoveUserFromGroup",
                (call, in) -> tx(tx -> {
                    ObjectNode group =
                            entity(tx, Kind.GROUP, in.get("GroupName").asText(), true);
                    ObjectNode user = entity(tx, Kind.USER, in.get("UserName").asText(), true);
                    String g = group.get("GroupName").asText();
                    if (!removeText(array(user, "groups"), g)) {
                        throw noSuchEntity("The user with name "
                                + user.get("UserName").asText() + " cannot be found in group " + g + ".");
                    }
                    save(tx, Kind.USER, user);
                    tx.delete(
                            Iam.GROUP_MEMBER,
                            key(g) + "/" + key(user.get("UserName").asText()));
                    return empty();
                }));
        t.put(
                "ListGroupsForUser",
                (call, in) -> read(tx -> {
                    ObjectNode user = entity(tx, Kind.USER, in.get("UserName").asText(), false);
                    List<ObjectNode> groups = new ArrayList<>();
                    for (String g : strings(user.get("groups"))) {
                        iam.get(tx, Iam.GROUP, key(g)).ifPresent(groups::add);
                    }
                    return Iam.page(groups, g -> key(g.get("GroupName").asText()), g -> g, in, empty(), "Groups");
                }));
    }

    // ------------------------------------------------------------------ roles

    /** A role as IAM shows it: the trust policy URL-encoded. */
    static ObjectNode showRole(ObjectNode role) {
        ObjectNode out = role.deepCopy();
        if (out.has("AssumeRolePolicyDocument")) {
            out.put(
                    "AssumeRolePolicyDocument",
                    Iam.encodeDocument(out.get("AssumeRolePolicyDocument").asText()));
        }
        return out;
    }

    static void checkTrust(String doc) {
        PolicyDocs.parse(doc, PolicyKind.TRUST);
        if (PolicyDocs.size(doc) > PolicyDocs.TRUST) {
            throw PolicyDocs.quota("ACLSizePerRole", PolicyDocs.TRUST);
        }
    }

    /**
     * As IAM does, a trust policy may only name users and roles of this account that exist:
     * {@code Invalid principal in policy: "AWS":"arn:aws:iam::000000000000:user/nobody"}.
     */
    void checkTrustPrincipals(Transaction tx, String doc) {
        JsonNode root;
        try {
            root = iam.mapper.readTree(doc);
        } catch (java.io.IOException e) {
            return; // already refused by the parser
        }
        JsonNode statements = root.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) {
            statements.forEach(list::add);
        } else {
            list.add(statements);
        }
        String prefix = "arn:aws:iam::" + iam.account + ":";
        for (JsonNode st : list) {
            for (String element : List.of("Principal", "NotPrincipal")) {
                JsonNode aws = st.path(element).path("AWS");
                List<String> values = new ArrayList<>();
                if (aws.isArray()) {
                    aws.forEach(v -> values.add(v.asText()));
                } else if (aws.isTextual()) {
                    values.add(aws.asText());
                }
                for (String v : values) {
                    if (!v.startsWith(prefix)) {
                        continue;
                    }
                    String rest = v.substring(prefix.length());
                    String name = rest.substring(rest.lastIndexOf('/') + 1);
                    Optional<ObjectNode> e = rest.startsWith("user/")
                            ? iam.get(tx, Iam.USER, key(name))
                            : rest.startsWith("role/")
                                    ? iam.get(tx, Iam.ROLE, key(name))
                                    : Optional.of(JSON.objectNode());
                    if (e.isEmpty()
                            || (e.get().has("Arn")
                                    && !e.get().get("Arn").asText().equals(v))) {
                        throw new AwsException(
                                "MalformedPolicyDocument", 400, "Invalid principal in policy: \"AWS\":\"" + v + "\"");
                    }
                }
            }
        }
    }

    ObjectNode createRole(Transaction tx, ObjectNode in) {
        String name = in.get("RoleName").asText();
        String trust = in.get("AssumeRolePolicyDocument").asText();
        checkTrust(trust);
        checkTrustPrincipals(tx, trust);
        ObjectNode role = newEntity(Kind.ROLE, "AROA", in);
        role.put("AssumeRolePolicyDocument", trust);
        if (in.has("Description")) {
            role.put("Description", in.get("Description").asText());
        }
        role.put(
                "MaxSessionDuration",
                in.has("MaxSessionDuration") ? in.get("MaxSessionDuration").asInt() : 3600);
        if (in.has("PermissionsBoundary")) {
            setBoundary(tx, role, in.get("PermissionsBoundary").asText());
        }
        if (in.has("Tags")) {
            role.set("Tags", tags(in.get("Tags"), null, 50, "TagsPerRole"));
        }
        role.putObject("RoleLastUsed");
        if (!iam.insert(tx, Iam.ROLE, key(name), role)) {
            throw Iam.alreadyExists("Role with name " + name + " already exists.");
        }
        return role;
    }

    private void registerRoles(Map<String, Op> t) {
        t.put("CreateRole", (call, in) -> tx(tx -> wrap("Role", showRole(createRole(tx, in)))));
        t.put(
                "GetRole",
                (call, in) -> read(tx -> wrap(
                        "Role",
                        showRole(entity(tx, Kind.ROLE, in.get("RoleName").asText(), false)))));
        t.put(
                "ListRoles",
                (call, in) -> read(tx -> {
                    List<ObjectNode> roles = Iam.filter(iam.all(tx, Iam.ROLE, ""), r -> Iam.underPath(r, in));
                    return Iam.page(
                            roles,
                            r -> key(r.get("RoleName").asText()),
                            r -> {
                                ObjectNode shown = showRole(r);
                                shown.remove("Tags"); // ListRoles does not return tags, as IAM
                                return shown;
                            },
                            in,
                            empty(),
                            "Roles");
                }));
        t.put(
                "UpdateRole",
                (call, in) -> tx(tx -> {
                    ObjectNode role = entity(tx, Kind.ROLE, in.get("RoleName").asText(), true);
                    OtherOps.checkModifiable(role);
                    if (in.has("Description")) {
                        role.put("Description", in.get("Description").asText());
                    }
                    if (in.has("MaxSessionDuration")) {
                        role.put(
                                "MaxSessionDuration",
                                in.get("MaxSessionDuration").asInt());
                    }
                    save(tx, Kind.ROLE, role);
                    return empty();
                }));
        t.put(
                "UpdateRoleDescription",
                (call, in) -> tx(tx -> {
                    ObjectNode role = entity(tx, Kind.ROLE, in.get("RoleName").asText(), true);
                    role.put("Description", in.get("Description").asText());
                    save(tx, Kind.ROLE, role);
                    return wrap("Role", showRole(role));
                }));
        t.put(
                "UpdateAssumeRolePolicy",
                (call, in) -> tx(tx -> {
                    ObjectNode role = entity(tx, Kind.ROLE, in.get("RoleName").asText(), true);
                    OtherOps.checkModifiable(role);
                    String trust = in.get("PolicyDocument").asText();
                    checkTrust(trust);
                    checkTrustPrincipals(tx, trust);
                    role.put("AssumeRolePolicyDocument", trust);
                    save(tx, Kind.ROLE, role);
                    return empty();
                }));
        t.put(
                "DeleteRole",
                (call, in) -> tx(tx -> {
                    String name = in.get("RoleName").asText();
                    ObjectNode role = entity(tx, Kind.ROLE, name, true);
                    OtherOps.checkModifiable(role);
                    deleteRole(tx, role);
                    return empty();
                }));
        registerTagsAndBoundary(t, Kind.ROLE, "Role", "TagsPerRole");
    }

    void deleteRole(Transaction tx, ObjectNode role) {
        if (!role.path("instanceProfiles").isEmpty()) {
            throw Iam.deleteConflict("Cannot delete entity, must remove roles from instance profile first.");
        }
        if (!role.path("inline").isEmpty()) {
            throw Iam.deleteConflict("Cannot delete entity, must delete policies first.");
        }
        if (!role.path("attached").isEmpty()) {
            throw Iam.deleteConflict("Cannot delete entity, must detach all policies first.");
        }
        clearBoundary(tx, role);
        tx.delete(Iam.ROLE, key(role.get("RoleName").asText()));
    }

    // ------------------------------------------------------------------ inline policies

    private void registerInline(Map<String, Op> t) {
        for (Kind kind : Kind.values()) {
            String title = kind.title;
            t.put(
                    "Put" + title + "Policy",
                    (call, in) -> tx(tx -> {
                        String name = in.get(kind.nameField).asText();
                        ObjectNode e = entity(tx, kind, name, true);
                        OtherOps.checkModifiable(e);
                        String policyName = in.get("PolicyName").asText();
                        String doc = in.get("PolicyDocument").asText();
                        PolicyDocs.parse(doc, PolicyKind.IDENTITY);
                        ObjectNode inline = object(e, "inline");
                        int total = PolicyDocs.size(doc);
                        for (Map.Entry<String, JsonNode> p : inline.properties()) {
                            if (!p.getKey().equals(policyName)) {
                                total += PolicyDocs.size(p.getValue().asText());
                            }
                        }
                        if (total > kind.inlineLimit) {
                            throw PolicyDocs.inlineTooLarge(
                                    kind.inlineLimit,
                                    kind.word,
                                    e.get(kind.nameField).asText());
                        }
                        inline.put(policyName, doc);
                        save(tx, kind, e);
                        return empty();
                    }));
            t.put(
                    "Get" + title + "Policy",
                    (call, in) -> read(tx -> {
                        ObjectNode e = entity(tx, kind, in.get(kind.nameField).asText(), false);
                        String policyName = in.get("PolicyName").asText();
                        JsonNode doc = e.path("inline").get(policyName);
                        if (doc == null) {
                            throw noSuchEntity(
                                    "The " + kind.word + " policy with name " + policyName + " cannot be found.");
                        }
                        return JSON.objectNode()
                                .put(kind.nameField, e.get(kind.nameField).asText())
                                .put("PolicyName", policyName)
                                .put("PolicyDocument", Iam.encodeDocument(doc.asText()));
                    }));
            t.put(
                    "Delete" + title + "Policy",
                    (call, in) -> tx(tx -> {
                        ObjectNode e = entity(tx, kind, in.get(kind.nameField).asText(), true);
                        OtherOps.checkModifiable(e);
                        String policyName = in.get("PolicyName").asText();
                        if (object(e, "inline").remove(policyName) == null) {
                            throw noSuchEntity(
                                    "The " + kind.word + " policy with name " + policyName + " cannot be found.");
                        }
                        save(tx, kind, e);
                        return empty();
                    }));
            t.put(
                    "List" + title + "Policies",
                    (call, in) -> read(tx -> {
                        ObjectNode e = entity(tx, kind, in.get(kind.nameField).asText(), false);
                        List<String> names = new ArrayList<>();
                        e.path("inline").fieldNames().forEachRemaining(names::add);
                        return Iam.page(names, n -> n, JSON::textNode, in, empty(), "PolicyNames");
                    }));
        }
    }

    // ------------------------------------------------------------------ access keys

    private String keyOwner(CallContext call, ObjectNode in) {
        String name = text(in, "UserName");
        if (name != null) {
            return name;
        }
        Caller c = call.caller();
        if (c.type() == Caller.Type.USER) {
            return c.arn().substring(c.arn().lastIndexOf('/') + 1);
        }
        return null; // the root's own keys
    }

    private void registerAccessKeys(Map<String, Op> t) {
        t.put("CreateAccessKey", (call, in) -> {
            String name = keyOwner(call, in);
            if (name == null) {
                throw Iam.invalidInput("Berth keeps one root access key; create access keys for IAM users.");
            }
            return tx(tx -> {
                ObjectNode user = entity(tx, Kind.USER, name, true);
                ArrayNode owned = array(user, "accessKeys");
                if (owned.size() >= 2) {
                    throw PolicyDocs.quota("AccessKeysPerUser", 2);
                }
                AccessKeys.UserKey k = keys.createUserKey(
                        tx,
                        user.get("UserName").asText(),
                        user.get("UserId").asText(),
                        user.get("Arn").asText(),
                        iam.now());
                owned.add(k.accessKeyId());
                save(tx, Kind.USER, user);
                return wrap(
                        "AccessKey",
                        JSON.objectNode()
                                .put("UserName", k.userName())
                                .put("AccessKeyId", k.accessKeyId())
                                .put("Status", "Active")
                                .put("SecretAccessKey", k.secretAccessKey())
                                .put("CreateDate", k.createDate()));
            });
        });
        t.put("ListAccessKeys", (call, in) -> {
            String name = keyOwner(call, in);
            if (name == null) {
                return Iam.page(List.<JsonNode>of(), x -> "", x -> x, in, empty(), "AccessKeyMetadata");
            }
            return read(tx -> {
                ObjectNode user = entity(tx, Kind.USER, name, false);
                List<JsonNode> out = new ArrayList<>();
                for (String id : strings(user.get("accessKeys"))) {
                    keys.userKey(tx, id)
                            .ifPresent(k -> out.add(JSON.objectNode()
                                    .put("UserName", k.userName())
                                    .put("AccessKeyId", k.accessKeyId())
                                    .put("Status", k.status())
                                    .put("CreateDate", k.createDate())));
                }
                return Iam.page(out, k -> k.get("AccessKeyId").asText(), k -> k, in, empty(), "AccessKeyMetadata");
            });
        });
        t.put("UpdateAccessKey", (call, in) -> {
            String id = in.get("AccessKeyId").asText();
            String name = keyOwner(call, in);
            tx(tx -> {
                AccessKeys.UserKey k = ownedKey(tx, id, name);
                keys.setStatus(tx, id, in.get("Status").asText());
                return k;
            });
            keys.forget(id);
            return empty();
        });
        t.put("DeleteAccessKey", (call, in) -> {
            String id = in.get("AccessKeyId").asText();
            String name = keyOwner(call, in);
            tx(tx -> {
                AccessKeys.UserKey k = ownedKey(tx, id, name);
                ObjectNode user = entity(tx, Kind.USER, k.userName(), true);
                removeText(array(user, "accessKeys"), id);
                save(tx, Kind.USER, user);
                keys.deleteUserKey(tx, id);
                return k;
            });
            keys.forget(id);
            return empty();
        });
        t.put(
                "GetAccessKeyLastUsed",
                (call, in) -> read(tx -> {
                    String id = in.get("AccessKeyId").asText();
                    AccessKeys.UserKey k = keys.userKey(tx, id)
                            .orElseThrow(() -> noSuchEntity("The Access Key with id " + id + " cannot be found."));
                    ObjectNode last = JSON.objectNode();
                    if (k.lastUsedDate() != null) {
                        last.put("LastUsedDate", k.lastUsedDate())
                                .put("ServiceName", k.lastUsedService())
                                .put("Region", k.lastUsedRegion());
                    } else {
                        last.put("ServiceName", "N/A").put("Region", "N/A");
                    }
                    ObjectNode out = JSON.objectNode().put("UserName", k.userName());
                    out.set("AccessKeyLastUsed", last);
                    return out;
                }));
    }

    private AccessKeys.UserKey ownedKey(Transaction tx, String id, String userName) {
        Optional<AccessKeys.UserKey> k = keys.userKey(tx, id);
        if (k.isEmpty() || (userName != null && !key(k.get().userName()).equals(key(userName)))) {
            if (userName != null) {
                entity(tx, Kind.USER, userName, false);
            }
            throw noSuchEntity("The Access Key with id " + id + " cannot be found.");
        }
        return k.get();
    }

    static AwsException unmodifiable(String roleName) {
        return new AwsException(
                "UnmodifiableEntity",
                400,
                "Cannot perform the operation on the protected role '" + roleName
                        + "' - this role is only modifiable by AWS");
    }

    static void noLimit(int n, int max, String quota) {
        if (n >= max) {
            throw limitExceeded("Cannot exceed quota for " + quota + ": " + max);
        }
    }
}
