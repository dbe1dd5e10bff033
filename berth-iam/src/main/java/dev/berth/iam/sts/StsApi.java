package dev.berth.iam.sts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.iam.api.Directory;
import dev.berth.iam.api.PolicyDocs;
import dev.berth.iam.auth.AccessKeys;
import dev.berth.iam.auth.Sessions;
import dev.berth.model.error.AwsException;
import dev.berth.policy.Decision;
import dev.berth.policy.Policy;
import dev.berth.policy.PolicyEvaluator;
import dev.berth.policy.PolicyKind;
import dev.berth.policy.PolicySet;
import dev.berth.policy.Principal;
import dev.berth.policy.Request;
import dev.berth.policy.RequestContext;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.Caller;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.query.QueryInput;
import dev.berth.protocol.query.QueryOperation;
import dev.berth.protocol.query.QueryService;
import dev.berth.store.StateStore;
import dev.berth.store.Transaction;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * AWS STS over the query protocol: who am I (GetCallerIdentity for the root, IAM users and role
 * sessions), temporary credentials (AssumeRole with the role's trust policy evaluated by berth-policy,
 * AssumeRoleWithWebIdentity with a JWT checked against a registered OIDC provider, GetSessionToken),
 * GetAccessKeyInfo and DecodeAuthorizationMessage.
 *
 * <p>Trust policies are evaluated as AWS does for a same-account caller, with one deliberate
 * simplification until the authorization of every call lands: the caller's identity side counts as
 * allowing {@code sts:AssumeRole} (every valid key has full access today), except where the caller's
 * own identity policies explicitly deny it. So a trust policy that names the account delegates to
 * the caller, one that names a user or role admits exactly that principal, and one that names
 * neither refuses.
 */
public final class StsApi implements QueryService {

    public static final String MODEL = "aws-models/sts-2011-06-15.json";

    /** Full access on the identity side until authorization lands (see the class comment). */
    private static final Policy FULL_ACCESS = Policy.parse(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
                    PolicyKind.IDENTITY)
            .withSourceId("berth|full-access");

    @FunctionalInterface
    interface Op {
        JsonNode run(CallContext call, ObjectNode input);
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ServiceModel model;
    private final QueryInput input;
    private final Map<String, Op> ops = new LinkedHashMap<>();
    private final StateStore store;
    private final Directory directory;
    private final Sessions sessions;
    private final AccessKeys keys;
    private final WebIdentityTokens webIdentity;
    private final AuthorizationMessages messages;
    private final Clock clock;
    private final String account;
    private final String region;

    public StsApi(
            ServiceModel model,
            StateStore store,
            Directory directory,
            Sessions sessions,
            AccessKeys keys,
            WebIdentityTokens webIdentity,
            AuthorizationMessages messages,
            Clock clock,
            String account,
            String region) {
        this.model = model;
        this.input = new QueryInput(model, "ValidationError");
        this.store = store;
        this.directory = directory;
        this.sessions = sessions;
        this.keys = keys;
        this.webIdentity = webIdentity;
        this.messages = messages;
        this.clock = clock;
        this.account = account;
        this.region = region;
        ops.put("GetCallerIdentity", (call, in) -> JSON.objectNode()
                .put("UserId", call.caller().userId())
                .put("Account", call.caller().accountId())
                .put("Arn", call.caller().arn()));
        ops.put("AssumeRole", this::assumeRole);
        ops.put("AssumeRoleWithWebIdentity", this::assumeRoleWithWebIdentity);
        ops.put("GetSessionToken", this::getSessionToken);
        ops.put("GetAccessKeyInfo", (call, in) -> {
            String id = in.get("AccessKeyId").asText();
            String acct = keys.owner(id)
                    .map(AccessKeys.Owner::accountId)
                    .or(() -> sessions.caller(id).map(Caller::accountId))
                    .orElse(account);
            return JSON.objectNode().put("Account", acct);
        });
        ops.put("DecodeAuthorizationMessage", (call, in) -> JSON.objectNode()
                .put("DecodedMessage", messages.decode(in.get("EncodedMessage").asText())));
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
        return Optional.of((call, params) -> op.run(call, checkSessionName(input.read(action, params))));
    }

    private static final java.util.regex.Pattern SESSION_NAME = java.util.regex.Pattern.compile("[\\w+=,.@-]*");

    /** STS matches the session name's pattern against the whole name (the shared validator finds it anywhere). */
    private static ObjectNode checkSessionName(ObjectNode in) {
        JsonNode n = in.get("RoleSessionName");
        if (n != null && !SESSION_NAME.matcher(n.asText()).matches()) {
            throw validation("1 validation error detected: Value '" + n.asText()
                    + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression"
                    + " pattern: " + SESSION_NAME.pattern());
        }
        return in;
    }

    @Override
    public boolean anonymous(String action) {
        return action.equals("AssumeRoleWithWebIdentity");
    }

    public AuthorizationMessages messages() {
        return messages;
    }

    // ------------------------------------------------------------------ helpers

    static AwsException accessDenied(String message) {
        return new AwsException("AccessDenied", 403, message);
    }

    static AwsException validation(String message) {
        return new AwsException("ValidationError", 400, message);
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The role named by {@code arn} in this account (with the same path), or empty. */
    private Optional<ObjectNode> role(Transaction tx, String arn) {
        String prefix = "arn:aws:iam::" + account + ":role/";
        if (!arn.startsWith(prefix)) {
            return Optional.empty();
        }
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        return directory.role(tx, name).filter(r -> r.get("Arn").asText().equals(arn));
    }

    private static List<String> sessionPolicies(ObjectNode in) {
        List<String> out = new ArrayList<>();
        if (in.has("Policy")) {
            String doc = in.get("Policy").asText();
            PolicyDocs.parse(doc, PolicyKind.IDENTITY);
            out.add(doc);
        }
        return out;
    }

    private static List<String> policyArns(ObjectNode in) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : in.path("PolicyArns")) {
            String arn = p.path("arn").asText();
            if (!arn.startsWith("arn:aws:iam::") || !arn.contains(":policy/")) {
                throw validation("Invalid policy ARN: " + arn);
            }
            out.add(arn);
        }
        return out;
    }

    private int duration(ObjectNode in, int dflt, int max, String tooLong) {
        int d = in.has("DurationSeconds") ? in.get("DurationSeconds").asInt() : dflt;
        if (d > max) {
            throw validation(tooLong);
        }
        return d;
    }

    private ObjectNode credentials(Sessions.Issued issued) {
        return JSON.objectNode()
                .put("AccessKeyId", issued.accessKeyId())
                .put("SecretAccessKey", issued.secretAccessKey())
                .put("SessionToken", issued.sessionToken())
                .put("Expiration", issued.expiration().toString());
    }

    /** The policy engine's view of the caller. */
    private static Principal principal(Caller c) {
        return switch (c.type()) {
            case ROOT -> Principal.root(c.accountId());
            case USER -> Principal.user(c.arn());
            case ASSUMED_ROLE -> Principal.roleSession(c.arn(), c.session().roleArn());
            case ANONYMOUS -> Principal.anonymous();
        };
    }

    /** The caller's own identity-based policies (for their explicit denies), read in {@code tx}. */
    private List<Policy> callerPolicies(Transaction tx, Caller c) {
        List<Policy> out = new ArrayList<>();
        out.add(FULL_ACCESS);
        if (c.type() == Caller.Type.USER) {
            directory
                    .user(tx, c.arn().substring(c.arn().lastIndexOf('/') + 1))
                    .ifPresent(u -> out.addAll(directory.identityPolicies(tx, "user", u)));
        } else if (c.type() == Caller.Type.ASSUMED_ROLE) {
            String roleArn = c.session().roleArn();
            directory
                    .role(tx, roleArn.substring(roleArn.lastIndexOf('/') + 1))
                    .ifPresent(r -> out.addAll(directory.identityPolicies(tx, "role", r)));
        }
        return out;
    }

    private Map<String, String> tags(ObjectNode in) {
        Map<String, String> tags = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        for (JsonNode t : in.path("Tags")) {
            String k = t.get("Key").asText();
            if (seen.put(k.toLowerCase(Locale.ROOT), k) != null) {
                throw new AwsException(
                        "InvalidParameterValue",
                        400,
                        "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            }
            tags.put(k, t.path("Value").asText(""));
        }
        return tags;
    }

    private static Map<String, String> roleTags(ObjectNode role) {
        Map<String, String> out = new LinkedHashMap<>();
        role.path("Tags")
                .forEach(t -> out.put(t.get("Key").asText(), t.get("Value").asText()));
        return out;
    }

    private ObjectNode assumed(ObjectNode role, String sessionName, Sessions.Issued issued) {
        ObjectNode out = JSON.objectNode();
        out.set("Credentials", credentials(issued));
        out.putObject("AssumedRoleUser")
                .put("AssumedRoleId", role.get("RoleId").asText() + ":" + sessionName)
                .put(
                        "Arn",
                        "arn:aws:sts::" + account + ":assumed-role/"
                                + role.get("RoleName").asText() + "/" + sessionName);
        return out;
    }

    private Caller sessionCaller(ObjectNode role, String sessionName) {
        return new Caller(
                Caller.Type.ASSUMED_ROLE,
                "arn:aws:sts::" + account + ":assumed-role/"
                        + role.get("RoleName").asText() + "/" + sessionName,
                role.get("RoleId").asText() + ":" + sessionName,
                account,
                null);
    }

    private void touch(Transaction tx, ObjectNode role) {
        ObjectNode last = role.putObject("RoleLastUsed");
        last.put("LastUsedDate", now()).put("Region", region);
        tx.put("iam-role", role.get("RoleName").asText().toLowerCase(Locale.ROOT), role.toString());
    }

    // ------------------------------------------------------------------ AssumeRole

    private JsonNode assumeRole(CallContext call, ObjectNode in) {
        Caller caller = call.caller();
        String roleArn = in.get("RoleArn").asText();
        String sessionName = in.get("RoleSessionName").asText();
        if (caller.type() == Caller.Type.ROOT) {
            throw accessDenied("Roles may not be assumed by root accounts.");
        }
        List<String> policies = sessionPolicies(in);
        List<String> policyArns = policyArns(in);
        Map<String, String> requestTags = tags(in);
        return store.transact(tx -> {
            String denied =
                    "User: " + caller.arn() + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn;
            ObjectNode role = role(tx, roleArn).orElseThrow(() -> accessDenied(denied));
            int max = role.path("MaxSessionDuration").asInt(3600);
            int seconds;
            if (caller.type() == Caller.Type.ASSUMED_ROLE) {
                seconds = duration(
                        in,
                        3600,
                        Math.min(3600, max),
                        in.path("DurationSeconds").asInt() > 3600 && max > 3600
                                ? "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by"
                                        + " role chaining."
                                : "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            } else {
                seconds = duration(
                        in,
                        3600,
                        max,
                        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            }
            Policy trust = Policy.parse(role.get("AssumeRolePolicyDocument").asText(), PolicyKind.TRUST)
                    .withSourceId("trust|" + roleArn);
            RequestContext.Builder ctx = RequestContext.builder()
                    .put(
                            "aws:PrincipalArn",
                            caller.type() == Caller.Type.ASSUMED_ROLE
                                    ? caller.session().roleArn()
                                    : caller.arn())
                    .put("aws:PrincipalAccount", caller.accountId())
                    .put("aws:userid", caller.userId())
                    .put("aws:CurrentTime", now())
                    .put("aws:EpochTime", Long.toString(clock.instant().getEpochSecond()))
                    .put("aws:RequestedRegion", region)
                    .put("sts:RoleSessionName", sessionName);
            if (caller.type() == Caller.Type.USER) {
                ctx.put("aws:username", caller.arn().substring(caller.arn().lastIndexOf('/') + 1));
            }
            if (in.has("ExternalId")) {
                ctx.put("sts:ExternalId", in.get("ExternalId").asText());
            }
            if (in.has("SourceIdentity")) {
                ctx.put("sts:SourceIdentity", in.get("SourceIdentity").asText());
            }
            requestTags.forEach((k, v) -> ctx.put("aws:RequestTag/" + k, v));
            if (!requestTags.isEmpty()) {
                ctx.putAll("aws:TagKeys", List.copyOf(requestTags.keySet()));
            }
            RequestContext context = ctx.build();
            PolicySet set = new PolicySet(callerPolicies(tx, caller), trust, null, List.of());
            Principal who = principal(caller);
            if (!trusts(who, "sts:AssumeRole", roleArn, context, set)) {
                throw accessDenied(denied);
            }
            if (!requestTags.isEmpty() && !trusts(who, "sts:TagSession", roleArn, context, set)) {
                throw accessDenied("User: " + caller.arn() + " is not authorized to perform: sts:TagSession on"
                        + " resource: " + roleArn);
            }
            Map<String, String> sessionTags = roleTags(role);
            sessionTags.putAll(requestTags);
            Sessions.Issued issued = sessions.create(
                    tx,
                    sessionCaller(role, sessionName),
                    new Caller.Session(
                            null, roleArn, sessionName, null, policies, policyArns, sessionTags, caller.arn()),
                    seconds);
            touch(tx, role);
            ObjectNode out = assumed(role, sessionName, issued);
            if (!policies.isEmpty() || !policyArns.isEmpty() || !requestTags.isEmpty()) {
                out.put("PackedPolicySize", packedPercent(policies, policyArns, requestTags));
            }
            if (in.has("SourceIdentity")) {
                out.put("SourceIdentity", in.get("SourceIdentity").asText());
            }
            return out;
        });
    }

    /**
     * Whether a role's trust policy admits the caller. Unlike other resource policies, a trust policy
     * must allow the caller even within one account (naming the account delegates to the caller's
     * identity policies, but something must name it), which is the rule berth-policy applies to
     * cross-account requests; so the request is evaluated as one against resources of no account.
     */
    private static boolean trusts(Principal who, String action, String roleArn, RequestContext context, PolicySet set) {
        Decision d = PolicyEvaluator.evaluate(new Request(who, action, List.of(roleArn), context, TRUST_ACCOUNT), set);
        return d.allowed();
    }

    /** See {@link #trusts}: an account no principal belongs to. */
    private static final String TRUST_ACCOUNT = "role-trust-policy";

    /** How much of the packed session-policy-and-tags quota a request uses, in percent (as STS reports it). */
    static int packedPercent(List<String> policies, List<String> arns, Map<String, String> tags) {
        int size = 0;
        for (String p : policies) {
            size += PolicyDocs.size(p);
        }
        for (String a : arns) {
            size += a.length();
        }
        for (Map.Entry<String, String> t : tags.entrySet()) {
            size += t.getKey().length() + t.getValue().length();
        }
        int percent = (int) Math.ceil(size * 100.0 / 2048);
        if (percent > 100) {
            throw new AwsException(
                    "PackedPolicyTooLarge",
                    400,
                    "Packed size of consumed session policies and session tags exceeds the limit (" + percent + "%).");
        }
        return percent;
    }

    // ------------------------------------------------------------------ AssumeRoleWithWebIdentity

    private JsonNode assumeRoleWithWebIdentity(CallContext call, ObjectNode in) {
        String roleArn = in.get("RoleArn").asText();
        String sessionName = in.get("RoleSessionName").asText();
        String token = in.get("WebIdentityToken").asText();
        List<String> policies = sessionPolicies(in);
        List<String> policyArns = policyArns(in);
        JsonNode peek = webIdentity.peek(token);
        String iss = peek.path("iss").asText();
        int scheme = iss.indexOf("://");
        if (scheme < 0) {
            throw WebIdentityTokens.invalid("No OpenIDConnect provider found in your account for " + iss);
        }
        String rest = iss.substring(scheme + 3);
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int slash = rest.indexOf('/');
        String providerKey = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT)
                + (slash < 0 ? "" : rest.substring(slash));
        ObjectNode provider = store.read(tx -> directory.oidcProvider(tx, providerKey))
                .orElseThrow(
                        () -> WebIdentityTokens.invalid("No OpenIDConnect provider found in your account for " + iss));
        WebIdentityTokens.Claims claims = webIdentity.verify(token, providerKey, iss.replaceAll("/+$", ""));
        List<String> clientIds = new ArrayList<>();
        provider.path("ClientIDList").forEach(c -> clientIds.add(c.asText()));
        String audience = claims.audiences().stream()
                .filter(clientIds::contains)
                .findFirst()
                .orElse(null);
        if (audience == null && claims.authorizedParty() != null && clientIds.contains(claims.authorizedParty())) {
            audience = claims.authorizedParty();
        }
        if (audience == null) {
            throw WebIdentityTokens.invalid("Incorrect token audience");
        }
        String providerArn = provider.get("Arn").asText();
        String aud = audience;
        return store.transact(tx -> {
            String denied = "Not authorized to perform sts:AssumeRoleWithWebIdentity";
            ObjectNode role = role(tx, roleArn).orElseThrow(() -> accessDenied(denied));
            int seconds = duration(
                    in,
                    3600,
                    role.path("MaxSessionDuration").asInt(3600),
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            Policy trust = Policy.parse(role.get("AssumeRolePolicyDocument").asText(), PolicyKind.TRUST)
                    .withSourceId("trust|" + roleArn);
            RequestContext.Builder ctx = RequestContext.builder()
                    .put(providerKey + ":aud", aud)
                    .put(providerKey + ":sub", claims.subject())
                    .put(providerKey + ":iss", claims.issuer())
                    .put("aws:FederatedProvider", providerArn)
                    .put("aws:CurrentTime", now())
                    .put("aws:EpochTime", Long.toString(clock.instant().getEpochSecond()))
                    .put("sts:RoleSessionName", sessionName);
            if (claims.all().has("amr")) {
                List<String> amr = new ArrayList<>();
                claims.all().get("amr").forEach(a -> amr.add(a.asText()));
                ctx.putAll(providerKey + ":amr", amr);
            }
            if (!trusts(
                    Principal.federated(providerArn),
                    "sts:AssumeRoleWithWebIdentity",
                    roleArn,
                    ctx.build(),
                    new PolicySet(List.of(FULL_ACCESS), trust, null, List.of()))) {
                throw accessDenied(denied);
            }
            Sessions.Issued issued = sessions.create(
                    tx,
                    sessionCaller(role, sessionName),
                    new Caller.Session(
                            null, roleArn, sessionName, null, policies, policyArns, roleTags(role), providerArn),
                    seconds);
            touch(tx, role);
            ObjectNode out = assumed(role, sessionName, issued);
            out.put("SubjectFromWebIdentityToken", claims.subject());
            out.put("Provider", claims.issuer());
            out.put("Audience", aud);
            if (!policies.isEmpty() || !policyArns.isEmpty()) {
                out.put("PackedPolicySize", packedPercent(policies, policyArns, Map.of()));
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ GetSessionToken

    private JsonNode getSessionToken(CallContext call, ObjectNode in) {
        Caller caller = call.caller();
        if (caller.session() != null) {
            throw accessDenied("Cannot call GetSessionToken with session credentials");
        }
        boolean root = caller.type() == Caller.Type.ROOT;
        int seconds = duration(
                in,
                root ? 3600 : 43200,
                root ? 3600 : 129600,
                "The requested DurationSeconds exceeds the 1 hour session limit for root users.");
        return store.transact(tx -> {
            Sessions.Issued issued = sessions.create(
                    tx,
                    new Caller(caller.type(), caller.arn(), caller.userId(), caller.accountId(), null),
                    new Caller.Session(null, null, null, null, List.of(), List.of(), Map.of(), caller.arn()),
                    seconds);
            ObjectNode out = JSON.objectNode();
            out.set("Credentials", credentials(issued));
            return out;
        });
    }
}
