package dev.berth.iam.api;

import static dev.berth.iam.api.Iam.JSON;
import static dev.berth.iam.api.Iam.array;
import static dev.berth.iam.api.Iam.containsText;
import static dev.berth.iam.api.Iam.key;
import static dev.berth.iam.api.Iam.noSuchEntity;
import static dev.berth.iam.api.Iam.removeText;
import static dev.berth.iam.api.Iam.strings;
import static dev.berth.iam.api.Iam.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.policy.Decision;
import dev.berth.policy.MatchedStatement;
import dev.berth.policy.Policy;
import dev.berth.policy.PolicyEvaluator;
import dev.berth.policy.PolicyKind;
import dev.berth.policy.PolicySet;
import dev.berth.policy.Principal;
import dev.berth.policy.Request;
import dev.berth.policy.RequestContext;
import dev.berth.store.Transaction;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Instance profiles, the service-linked role of ECS, OIDC identity providers,
 * GetAccountAuthorizationDetails and the policy simulator (SimulatePrincipalPolicy,
 * SimulateCustomPolicy) on berth-policy's evaluator.
 */
final class OtherOps {

    /** The service-linked roles Berth knows: service principal → role name and managed policy. */
    private static final Map<String, String[]> SERVICE_LINKED = Map.of("ecs.amazonaws.com", new String[] {
        "AWSServiceRoleForECS", "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"
    });

    private final IamApi api;
    private final Iam iam;

    OtherOps(IamApi api) {
        this.api = api;
        this.iam = api.iam;
    }

    /** Service-linked roles are AWS's to change. */
    static void checkModifiable(ObjectNode entity) {
        if (entity.path("serviceLinked").asBoolean(false)) {
            throw IamApi.unmodifiable(entity.get("RoleName").asText());
        }
    }

    void register(Map<String, IamApi.Op> t) {
        registerInstanceProfiles(t);
        registerServiceLinked(t);
        registerOidc(t);
        t.put("GetAccountAuthorizationDetails", (call, in) -> api.read(tx -> authorizationDetails(tx, in)));
        t.put("SimulatePrincipalPolicy", (call, in) -> api.read(tx -> simulatePrincipal(tx, in)));
        t.put("SimulateCustomPolicy", (call, in) -> simulateCustom(in));
    }

    // ------------------------------------------------------------------ instance profiles

    private ObjectNode profile(Transaction tx, String name, boolean forUpdate) {
        Optional<ObjectNode> p = forUpdate
                ? iam.getForUpdate(tx, Iam.INSTANCE_PROFILE, key(name))
                : iam.get(tx, Iam.INSTANCE_PROFILE, key(name));
        return p.orElseThrow(() -> noSuchEntity("Instance Profile " + name + " cannot be found."));
    }

    private ObjectNode showProfile(Transaction tx, ObjectNode p) {
        ObjectNode out = p.deepCopy();
        ArrayNode roles = out.putArray("Roles");
        for (String r : strings(p.get("roles"))) {
            api.directory.role(tx, r).ifPresent(role -> {
                ObjectNode shown = IamApi.showRole(role);
                shown.remove("Tags");
                shown.remove("RoleLastUsed");
                roles.add(shown);
            });
        }
        return out;
    }

    private void registerInstanceProfiles(Map<String, IamApi.Op> t) {
        t.put(
                "CreateInstanceProfile",
                (call, in) -> api.tx(tx -> {
                    String name = in.get("InstanceProfileName").asText();
                    String path = in.has("Path") ? in.get("Path").asText() : "/";
                    ObjectNode p = JSON.objectNode()
                            .put("Path", path)
                            .put("InstanceProfileName", name)
                            .put("InstanceProfileId", Iam.id("AIPA"))
                            .put("Arn", iam.arn("instance-profile", path, name))
                            .put("CreateDate", iam.now());
                    p.putArray("roles");
                    if (in.has("Tags")) {
                        p.set("Tags", IamApi.tags(in.get("Tags"), null, 50, "TagsPerInstanceProfile"));
                    }
                    if (!iam.insert(tx, Iam.INSTANCE_PROFILE, key(name), p)) {
                        throw Iam.alreadyExists("Instance Profile " + name + " already exists.");
                    }
                    ObjectNode out = JSON.objectNode();
                    out.set("InstanceProfile", showProfile(tx, p));
                    return out;
                }));
        t.put(
                "GetInstanceProfile",
                (call, in) -> api.read(tx -> {
                    ObjectNode out = JSON.objectNode();
                    out.set(
                            "InstanceProfile",
                            showProfile(
                                    tx,
                                    profile(tx, in.get("InstanceProfileName").asText(), false)));
                    return out;
                }));
        t.put(
                "ListInstanceProfiles",
                (call, in) -> api.read(tx -> {
                    List<ObjectNode> all = Iam.filter(iam.all(tx, Iam.INSTANCE_PROFILE, ""), p -> Iam.underPath(p, in));
                    return Iam.page(
                            all,
                            p -> key(p.get("InstanceProfileName").asText()),
                            p -> showProfile(tx, p),
                            in,
                            JSON.objectNode(),
                            "InstanceProfiles");
                }));
        t.put(
                "ListInstanceProfilesForRole",
                (call, in) -> api.read(tx -> {
                    ObjectNode role =
                            api.entity(tx, Kind.ROLE, in.get("RoleName").asText(), false);
                    List<ObjectNode> out = new ArrayList<>();
                    for (String p : strings(role.get("instanceProfiles"))) {
                        iam.get(tx, Iam.INSTANCE_PROFILE, key(p)).ifPresent(out::add);
                    }
                    return Iam.page(
                            out,
                            p -> key(p.get("InstanceProfileName").asText()),
                            p -> showProfile(tx, p),
                            in,
                            JSON.objectNode(),
                            "InstanceProfiles");
                }));
        t.put(
                "DeleteInstanceProfile",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p = profile(tx, in.get("InstanceProfileName").asText(), true);
                    if (!p.path("roles").isEmpty()) {
                        throw Iam.deleteConflict(
                                "Cannot delete entity, must remove roles from instance profile first.");
                    }
                    tx.delete(
                            Iam.INSTANCE_PROFILE,
                            key(p.get("InstanceProfileName").asText()));
                    return JSON.objectNode();
                }));
        t.put(
                "AddRoleToInstanceProfile",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p = profile(tx, in.get("InstanceProfileName").asText(), true);
                    ObjectNode role =
                            api.entity(tx, Kind.ROLE, in.get("RoleName").asText(), true);
                    String roleName = role.get("RoleName").asText();
                    if (containsText(p.get("roles"), roleName)) {
                        throw Iam.alreadyExists("Role " + roleName + " is already attached to instance profile "
                                + p.get("InstanceProfileName").asText() + ".");
                    }
                    if (!p.path("roles").isEmpty()) {
                        throw PolicyDocs.quota("InstanceSessionsPerInstanceProfile", 1);
                    }
                    array(p, "roles").add(roleName);
                    array(role, "instanceProfiles")
                            .add(p.get("InstanceProfileName").asText());
                    iam.put(
                            tx,
                            Iam.INSTANCE_PROFILE,
                            key(p.get("InstanceProfileName").asText()),
                            p);
                    api.save(tx, Kind.ROLE, role);
                    return JSON.objectNode();
                }));
        t.put(
                "RemoveRoleFromInstanceProfile",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p = profile(tx, in.get("InstanceProfileName").asText(), true);
                    String roleName = in.get("RoleName").asText();
                    ObjectNode role = api.entity(tx, Kind.ROLE, roleName, true);
                    if (!removeText(array(p, "roles"), role.get("RoleName").asText())) {
                        throw noSuchEntity(Kind.ROLE.notFound(roleName));
                    }
                    removeText(
                            array(role, "instanceProfiles"),
                            p.get("InstanceProfileName").asText());
                    iam.put(
                            tx,
                            Iam.INSTANCE_PROFILE,
                            key(p.get("InstanceProfileName").asText()),
                            p);
                    api.save(tx, Kind.ROLE, role);
                    return JSON.objectNode();
                }));
    }

    // ------------------------------------------------------------------ service-linked roles

    private void registerServiceLinked(Map<String, IamApi.Op> t) {
        t.put(
                "CreateServiceLinkedRole",
                (call, in) -> api.tx(tx -> {
                    String service = in.get("AWSServiceName").asText();
                    String[] known = SERVICE_LINKED.get(service);
                    if (known == null) {
                        throw Iam.invalidInput("Berth does not know the service-linked role of " + service
                                + "; it has the one of ecs.amazonaws.com.");
                    }
                    if (in.has("CustomSuffix")) {
                        throw Iam.invalidInput("Custom suffix is not allowed for " + service);
                    }
                    String name = known[0];
                    if (tx.get(Iam.ROLE, key(name)).isPresent()) {
                        throw Iam.invalidInput("Service role name " + name
                                + " has been taken in this account, please try a different suffix.");
                    }
                    ObjectNode req = JSON.objectNode()
                            .put("RoleName", name)
                            .put("Path", "/aws-service-role/" + service + "/")
                            .put(
                                    "AssumeRolePolicyDocument",
                                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                            + "\"Principal\":{\"Service\":\"" + service
                                            + "\"},\"Action\":\"sts:AssumeRole\"}]}");
                    if (in.has("Description")) {
                        req.put("Description", in.get("Description").asText());
                    }
                    ObjectNode role = api.createRole(tx, req);
                    role.put("serviceLinked", true);
                    array(role, "attached").add(known[1]);
                    ManagedPolicyOps.adjustUse(api, tx, known[1], "AttachmentCount", 1);
                    api.save(tx, Kind.ROLE, role);
                    ObjectNode out = JSON.objectNode();
                    out.set("Role", IamApi.showRole(role));
                    return out;
                }));
        t.put(
                "DeleteServiceLinkedRole",
                (call, in) -> api.tx(tx -> {
                    ObjectNode role =
                            api.entity(tx, Kind.ROLE, in.get("RoleName").asText(), true);
                    if (!role.path("serviceLinked").asBoolean(false)) {
                        throw Iam.validation(
                                "Role " + role.get("RoleName").asText() + " is not a service-linked role.");
                    }
                    for (String arn : strings(role.get("attached"))) {
                        ManagedPolicyOps.adjustUse(api, tx, arn, "AttachmentCount", -1);
                    }
                    role.putArray("attached");
                    api.deleteRole(tx, role);
                    String path = role.get("Path").asText();
                    return JSON.objectNode()
                            .put(
                                    "DeletionTaskId",
                                    "task" + path + role.get("RoleName").asText() + "/" + java.util.UUID.randomUUID());
                }));
        t.put("GetServiceLinkedRoleDeletionStatus", (call, in) -> JSON.objectNode()
                .put("Status", "SUCCEEDED"));
    }

    // ------------------------------------------------------------------ OIDC providers

    /** {@code https://host/path} → {@code host/path}; http is accepted only for loopback hosts. */
    static String providerKey(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw Iam.invalidInput("Invalid URL " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || (!scheme.equals("https") && !(scheme.equals("http") && loopback(uri.getHost())))) {
            throw Iam.invalidInput("The URL of an OpenID Connect provider must begin with https://"
                    + " (Berth also accepts http:// for loopback hosts).");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw Iam.invalidInput("The URL of an OpenID Connect provider must not have a query or fragment.");
        }
        String rest = url.substring(url.indexOf("://") + 3);
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int slash = rest.indexOf('/');
        String host = slash < 0 ? rest : rest.substring(0, slash);
        return host.toLowerCase(Locale.ROOT) + (slash < 0 ? "" : rest.substring(slash));
    }

    static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private String providerArn(String k) {
        return "arn:aws:iam::" + iam.account + ":oidc-provider/" + k;
    }

    private ObjectNode provider(Transaction tx, String arn, boolean forUpdate) {
        String prefix = "arn:aws:iam::" + iam.account + ":oidc-provider/";
        Optional<ObjectNode> p = Optional.empty();
        if (arn.startsWith(prefix)) {
            String k = arn.substring(prefix.length());
            p = forUpdate ? iam.getForUpdate(tx, Iam.OIDC, k) : iam.get(tx, Iam.OIDC, k);
        }
        return p.orElseThrow(() -> noSuchEntity("OpenIDConnect Provider not found for arn " + arn));
    }

    private void saveProvider(Transaction tx, ObjectNode p) {
        iam.put(tx, Iam.OIDC, p.get("Url").asText(), p);
    }

    private void registerOidc(Map<String, IamApi.Op> t) {
        t.put(
                "CreateOpenIDConnectProvider",
                (call, in) -> api.tx(tx -> {
                    String url = in.get("Url").asText();
                    String k = providerKey(url);
                    List<String> thumbprints = strings(in.get("ThumbprintList"));
                    if (thumbprints.size() > 5) {
                        throw PolicyDocs.quota("ThumbprintsPerOpenIdConnectProvider", 5);
                    }
                    List<String> clients = strings(in.get("ClientIDList"));
                    if (clients.size() > 100) {
                        throw PolicyDocs.quota("ClientIdsPerOpenIdConnectProvider", 100);
                    }
                    ObjectNode p = JSON.objectNode().put("Url", k).put("scheme", url.substring(0, url.indexOf("://")));
                    ArrayNode c = p.putArray("ClientIDList");
                    clients.stream().distinct().forEach(c::add);
                    ArrayNode th = p.putArray("ThumbprintList");
                    thumbprints.stream().distinct().forEach(th::add);
                    p.put("CreateDate", iam.now());
                    p.put("Arn", providerArn(k));
                    if (in.has("Tags")) {
                        p.set("Tags", IamApi.tags(in.get("Tags"), null, 50, "TagsPerOpenIdConnectProvider"));
                    }
                    if (!iam.insert(tx, Iam.OIDC, k, p)) {
                        throw Iam.alreadyExists("Provider with url " + url + " already exists.");
                    }
                    ObjectNode out = JSON.objectNode().put("OpenIDConnectProviderArn", providerArn(k));
                    if (p.has("Tags")) {
                        out.set("Tags", p.get("Tags"));
                    }
                    return out;
                }));
        t.put(
                "GetOpenIDConnectProvider",
                (call, in) -> api.read(
                        tx -> provider(tx, in.get("OpenIDConnectProviderArn").asText(), false)));
        t.put(
                "ListOpenIDConnectProviders",
                (call, in) -> api.read(tx -> {
                    ObjectNode out = JSON.objectNode();
                    ArrayNode list = out.putArray("OpenIDConnectProviderList");
                    for (ObjectNode p : iam.all(tx, Iam.OIDC, "")) {
                        list.addObject().put("Arn", p.get("Arn").asText());
                    }
                    return out;
                }));
        t.put(
                "DeleteOpenIDConnectProvider",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p =
                            provider(tx, in.get("OpenIDConnectProviderArn").asText(), true);
                    tx.delete(Iam.OIDC, p.get("Url").asText());
                    return JSON.objectNode();
                }));
        t.put(
                "AddClientIDToOpenIDConnectProvider",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p =
                            provider(tx, in.get("OpenIDConnectProviderArn").asText(), true);
                    String id = in.get("ClientID").asText();
                    ArrayNode c = array(p, "ClientIDList");
                    if (!containsText(c, id)) {
                        if (c.size() >= 100) {
                            throw PolicyDocs.quota("ClientIdsPerOpenIdConnectProvider", 100);
                        }
                        c.add(id);
                    }
                    saveProvider(tx, p);
                    return JSON.objectNode();
                }));
        t.put(
                "RemoveClientIDFromOpenIDConnectProvider",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p =
                            provider(tx, in.get("OpenIDConnectProviderArn").asText(), true);
                    removeText(array(p, "ClientIDList"), in.get("ClientID").asText());
                    saveProvider(tx, p);
                    return JSON.objectNode();
                }));
        t.put(
                "UpdateOpenIDConnectProviderThumbprint",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p =
                            provider(tx, in.get("OpenIDConnectProviderArn").asText(), true);
                    List<String> thumbprints = strings(in.get("ThumbprintList"));
                    if (thumbprints.size() > 5) {
                        throw PolicyDocs.quota("ThumbprintsPerOpenIdConnectProvider", 5);
                    }
                    ArrayNode th = p.putArray("ThumbprintList");
                    thumbprints.stream().distinct().forEach(th::add);
                    saveProvider(tx, p);
                    return JSON.objectNode();
                }));
        t.put(
                "TagOpenIDConnectProvider",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p =
                            provider(tx, in.get("OpenIDConnectProviderArn").asText(), true);
                    p.set(
                            "Tags",
                            IamApi.tags(in.get("Tags"), (ArrayNode) p.get("Tags"), 50, "TagsPerOpenIdConnectProvider"));
                    saveProvider(tx, p);
                    return JSON.objectNode();
                }));
        t.put(
                "UntagOpenIDConnectProvider",
                (call, in) -> api.tx(tx -> {
                    ObjectNode p =
                            provider(tx, in.get("OpenIDConnectProviderArn").asText(), true);
                    IamApi.removeTags(p, in.get("TagKeys"));
                    saveProvider(tx, p);
                    return JSON.objectNode();
                }));
        t.put(
                "ListOpenIDConnectProviderTags",
                (call, in) -> api.read(tx -> {
                    ObjectNode p =
                            provider(tx, in.get("OpenIDConnectProviderArn").asText(), false);
                    List<JsonNode> tags = new ArrayList<>();
                    p.path("Tags").forEach(tags::add);
                    return Iam.page(tags, x -> key(x.get("Key").asText()), x -> x, in, JSON.objectNode(), "Tags");
                }));
    }

    // ------------------------------------------------------------------ GetAccountAuthorizationDetails

    private ArrayNode inlineList(ObjectNode e) {
        ArrayNode out = JSON.arrayNode();
        for (Map.Entry<String, JsonNode> p : e.path("inline").properties()) {
            out.addObject()
                    .put("PolicyName", p.getKey())
                    .put("PolicyDocument", Iam.encodeDocument(p.getValue().asText()));
        }
        return out;
    }

    private ArrayNode attachedList(ObjectNode e) {
        ArrayNode out = JSON.arrayNode();
        for (String arn : strings(e.get("attached"))) {
            out.add(ManagedPolicyOps.attachedPolicy(arn));
        }
        return out;
    }

    private ObjectNode authorizationDetails(Transaction tx, ObjectNode in) {
        List<String> filter = strings(in.get("Filter"));
        boolean all = filter.isEmpty();
        ObjectNode out = JSON.objectNode();
        ArrayNode users = out.putArray("UserDetailList");
        if (all || filter.contains("User")) {
            for (ObjectNode u : iam.all(tx, Iam.USER, "")) {
                ObjectNode d = u.deepCopy();
                d.set("UserPolicyList", inlineList(u));
                ArrayNode groups = d.putArray("GroupList");
                strings(u.get("groups")).forEach(groups::add);
                d.set("AttachedManagedPolicies", attachedList(u));
                users.add(d);
            }
        }
        ArrayNode groups = out.putArray("GroupDetailList");
        if (all || filter.contains("Group")) {
            for (ObjectNode g : iam.all(tx, Iam.GROUP, "")) {
                ObjectNode d = g.deepCopy();
                d.set("GroupPolicyList", inlineList(g));
                d.set("AttachedManagedPolicies", attachedList(g));
                groups.add(d);
            }
        }
        ArrayNode roles = out.putArray("RoleDetailList");
        if (all || filter.contains("Role")) {
            for (ObjectNode r : iam.all(tx, Iam.ROLE, "")) {
                ObjectNode d = IamApi.showRole(r);
                d.set("RolePolicyList", inlineList(r));
                d.set("AttachedManagedPolicies", attachedList(r));
                ArrayNode profiles = d.putArray("InstanceProfileList");
                for (String p : strings(r.get("instanceProfiles"))) {
                    iam.get(tx, Iam.INSTANCE_PROFILE, key(p)).ifPresent(ip -> profiles.add(showProfile(tx, ip)));
                }
                roles.add(d);
            }
        }
        ArrayNode policies = out.putArray("Policies");
        List<ObjectNode> managed = new ArrayList<>();
        if (all || filter.contains("LocalManagedPolicy")) {
            managed.addAll(iam.all(tx, Iam.POLICY, ""));
        }
        if (all || filter.contains("AWSManagedPolicy")) {
            for (PolicyDocs.AwsManaged a : api.docs.awsManaged()) {
                ObjectNode p = ManagedPolicyOps.show(api, tx, a.arn());
                if (p.path("AttachmentCount").asInt() > 0
                        || p.path("PermissionsBoundaryUsageCount").asInt() > 0) {
                    p.putArray("versions")
                            .addObject()
                            .put("Document", a.document())
                            .put("VersionId", p.get("DefaultVersionId").asText())
                            .put("IsDefaultVersion", true)
                            .put("CreateDate", p.get("CreateDate").asText());
                    managed.add(p);
                }
            }
        }
        for (ObjectNode p : managed) {
            ObjectNode d = p.deepCopy();
            ArrayNode versions = d.putArray("PolicyVersionList");
            p.path("versions").forEach(v -> versions.add(ManagedPolicyOps.showVersion(v)));
            policies.add(d);
        }
        return pageTogether(out, in, "UserDetailList", "GroupDetailList", "RoleDetailList", "Policies");
    }

    /**
     * Pages several lists of one answer as one sequence (IAM's GetAccountAuthorizationDetails and
     * ListEntitiesForPolicy): {@code MaxItems} counts the items of all of them, the {@code Marker}
     * resumes after the last item returned.
     */
    static ObjectNode pageTogether(ObjectNode full, JsonNode in, String... fields) {
        List<ObjectNode> items = new ArrayList<>();
        for (int f = 0; f < fields.length; f++) {
            int i = 0;
            for (JsonNode item : full.path(fields[f])) {
                items.add(JSON.objectNode()
                        .put("k", String.format("%02d/%08d", f, i++))
                        .put("f", fields[f])
                        .set("v", item));
            }
        }
        ObjectNode paged = Iam.page(items, x -> x.get("k").asText(), x -> x, in, JSON.objectNode(), "items");
        ObjectNode out = JSON.objectNode();
        for (String f : fields) {
            out.putArray(f);
        }
        for (JsonNode x : paged.get("items")) {
            ((ArrayNode) out.get(x.get("f").asText())).add(x.get("v"));
        }
        out.put("IsTruncated", paged.get("IsTruncated").asBoolean());
        if (paged.has("Marker")) {
            out.put("Marker", paged.get("Marker").asText());
        }
        return out;
    }

    // ------------------------------------------------------------------ the simulator

    private static RequestContext context(JsonNode entries, Map<String, String> defaults) {
        RequestContext.Builder b = RequestContext.builder();
        defaults.forEach(b::put);
        if (entries != null) {
            for (JsonNode e : entries) {
                String name = e.path("ContextKeyName").asText();
                List<String> values = strings(e.get("ContextKeyValues"));
                String type = e.path("ContextKeyType").asText("string");
                if (type.endsWith("List") || values.size() != 1) {
                    b.putAll(name, values);
                } else {
                    b.put(name, values.getFirst());
                }
            }
        }
        return b.build();
    }

    private ObjectNode simulate(
            Principal principal,
            List<Policy> identity,
            Policy boundary,
            Policy resourcePolicy,
            String resourceOwner,
            ObjectNode in,
            Map<String, String> defaults) {
        List<String> actions = strings(in.get("ActionNames"));
        List<String> resources = strings(in.get("ResourceArns"));
        if (resources.isEmpty()) {
            resources = List.of("*");
        }
        RequestContext ctx = context(in.get("ContextEntries"), defaults);
        PolicySet set = new PolicySet(identity, resourcePolicy, boundary, List.of());
        List<ObjectNode> results = new ArrayList<>();
        int i = 0;
        for (String action : actions) {
            for (String resource : resources) {
                Request req = new Request(principal, action, List.of(resource), ctx, resourceOwner);
                Decision d = PolicyEvaluator.evaluate(req, set);
                ObjectNode r = JSON.objectNode()
                        .put("EvalActionName", action)
                        .put("EvalResourceName", resource)
                        .put(
                                "EvalDecision",
                                switch (d.outcome()) {
                                    case ALLOW -> "allowed";
                                    case EXPLICIT_DENY -> "explicitDeny";
                                    case IMPLICIT_DENY -> "implicitDeny";
                                });
                ArrayNode matched = r.putArray("MatchedStatements");
                for (MatchedStatement m : d.matched()) {
                    ObjectNode s = matched.addObject()
                            .put("SourcePolicyId", Directory.sourceId(m.sourcePolicyId()))
                            .put("SourcePolicyType", Directory.sourceType(m.sourcePolicyId()));
                    s.putObject("StartPosition")
                            .put("Line", m.statement().start().line())
                            .put("Column", m.statement().start().column());
                    s.putObject("EndPosition")
                            .put("Line", m.statement().end().line())
                            .put("Column", m.statement().end().column());
                }
                r.putArray("MissingContextValues");
                if (boundary != null) {
                    r.putObject("PermissionsBoundaryDecisionDetail")
                            .put(
                                    "AllowedByPermissionsBoundary",
                                    d.reason() != Decision.Reason.NO_BOUNDARY_ALLOW
                                            && d.reason() != Decision.Reason.DENY_BOUNDARY);
                }
                r.put("order", String.format("%08d", i++));
                results.add(r);
            }
        }
        return Iam.page(
                results,
                r -> r.get("order").asText(),
                r -> {
                    r.remove("order");
                    return r;
                },
                in,
                JSON.objectNode(),
                "EvaluationResults");
    }

    private static List<Policy> inputs(JsonNode list, String name, PolicyKind kind) {
        List<Policy> out = new ArrayList<>();
        int n = 1;
        for (String doc : strings(list)) {
            out.add(PolicyDocs.parse(doc, kind).withSourceId("none|" + name + "." + n++));
        }
        return out;
    }

    private ObjectNode simulatePrincipal(Transaction tx, ObjectNode in) {
        String arn = in.get("PolicySourceArn").asText();
        String prefix = "arn:aws:iam::" + iam.account + ":";
        if (!arn.startsWith(prefix) || arn.indexOf('/') < 0) {
            throw Iam.invalidInput("Invalid ARN: " + arn);
        }
        String type = arn.substring(prefix.length(), arn.indexOf('/'));
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        Kind kind =
                switch (type) {
                    case "user" -> Kind.USER;
                    case "group" -> Kind.GROUP;
                    case "role" -> Kind.ROLE;
                    default -> throw Iam.invalidInput("Invalid ARN: " + arn);
                };
        ObjectNode e = api.entity(tx, kind, name, false);
        List<Policy> identity = new ArrayList<>(api.directory.identityPolicies(tx, kind.word, e));
        identity.addAll(inputs(in.get("PolicyInputList"), "PolicyInputList", PolicyKind.IDENTITY));
        Policy boundary = kind == Kind.GROUP ? null : api.directory.boundary(tx, e);
        List<Policy> boundaries = inputs(
                in.get("PermissionsBoundaryPolicyInputList"),
                "PermissionsBoundaryPolicyInputList",
                PolicyKind.IDENTITY);
        if (!boundaries.isEmpty()) {
            boundary = boundaries.getFirst();
        }
        String callerArn = text(in, "CallerArn");
        Principal principal = kind == Kind.ROLE
                ? Principal.roleSession(
                        "arn:aws:sts::" + iam.account + ":assumed-role/" + name + "/simulated",
                        e.get("Arn").asText())
                : Principal.user(callerArn != null ? callerArn : e.get("Arn").asText());
        Policy resourcePolicy = in.has("ResourcePolicy")
                ? PolicyDocs.parse(in.get("ResourcePolicy").asText(), PolicyKind.RESOURCE)
                        .withSourceId("resource|ResourcePolicy")
                : null;
        Map<String, String> defaults = new java.util.HashMap<>();
        defaults.put("aws:PrincipalArn", e.get("Arn").asText());
        defaults.put("aws:PrincipalAccount", iam.account);
        if (kind == Kind.USER) {
            defaults.put("aws:username", e.get("UserName").asText());
            defaults.put("aws:userid", e.get("UserId").asText());
        }
        return simulate(principal, identity, boundary, resourcePolicy, resourceOwner(in), in, defaults);
    }

    private String resourceOwner(ObjectNode in) {
        String owner = text(in, "ResourceOwner");
        if (owner == null) {
            return null;
        }
        int i = owner.indexOf("::");
        return owner.startsWith("arn:") && i >= 0 ? owner.substring(i + 2, owner.indexOf(':', i + 2)) : owner;
    }

    private ObjectNode simulateCustom(ObjectNode in) {
        List<Policy> identity = inputs(in.get("PolicyInputList"), "PolicyInputList", PolicyKind.IDENTITY);
        List<Policy> boundaries = inputs(
                in.get("PermissionsBoundaryPolicyInputList"),
                "PermissionsBoundaryPolicyInputList",
                PolicyKind.IDENTITY);
        String callerArn = text(in, "CallerArn");
        Policy resourcePolicy = null;
        if (in.has("ResourcePolicy")) {
            if (callerArn == null) {
                throw Iam.invalidInput("CallerArn must be specified when a resource policy is provided.");
            }
            resourcePolicy = PolicyDocs.parse(in.get("ResourcePolicy").asText(), PolicyKind.RESOURCE)
                    .withSourceId("resource|ResourcePolicy");
        }
        Principal principal =
                Principal.user(callerArn != null ? callerArn : "arn:aws:iam::" + iam.account + ":user/SimulatedUser");
        return simulate(
                principal,
                identity,
                boundaries.isEmpty() ? null : boundaries.getFirst(),
                resourcePolicy,
                resourceOwner(in),
                in,
                Map.of("aws:PrincipalAccount", iam.account));
    }
}
