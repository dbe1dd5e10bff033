package dev.berth.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns policy JSON into a {@link Policy}, refusing what IAM refuses with IAM's messages.
 *
 * <p>The top level is read with Jackson's streaming parser so that each statement's start and end
 * position can be recorded (SimulatePrincipalPolicy reports them); each statement is then read as a
 * tree. Duplicate object keys are a syntax error. Validation runs after the whole document has been
 * read, because {@code Version} (which decides whether {@code ${...}} is a variable) may come last.
 */
final class PolicyParser {

    static final String SYNTAX = "Syntax errors in policy.";
    static final String LEGACY = "The policy failed legacy parsing";
    static final String NO_PRINCIPAL = "Policy document should not specify a principal.";
    static final String MISSING_PRINCIPAL = "Missing required field Principal";
    static final String MISSING_EFFECT = "Missing required field Effect";
    static final String NEED_RESOURCES = "Policy statement must contain resources.";
    static final String NEED_ACTIONS = "Policy statement must contain actions.";
    static final String VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    static final String ONE_COLON = "Actions/Condition can contain only one colon.";
    static final String VENDOR_WILDCARD = "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards.";
    static final String PROHIBITED_RESOURCE = "Has prohibited field Resource";
    static final String TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions.";
    static final String SID_ALNUM =
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression"
                    + " [0-9A-Za-z]*";
    static final String SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique.";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY =
            MAPPER.getFactory().copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> STATEMENT_FIELDS = Set.of(
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition");
    private static final Pattern SID = Pattern.compile("[0-9A-Za-z]*");

    private record RawStatement(JsonNode node, Statement.Position start, Statement.Position end) {}

    private PolicyParser() {}

    static Policy parse(String json, PolicyKind kind) {
        if (json == null || json.isBlank()) {
            throw new MalformedPolicyException(SYNTAX);
        }
        String version = null;
        String id = null;
        boolean sawStatement = false;
        List<RawStatement> raw = new ArrayList<>();
        String unknown = null;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedPolicyException(SYNTAX);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "Version" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            throw new MalformedPolicyException(SYNTAX);
                        }
                        version = p.getText();
                    }
                    case "Id" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            throw new MalformedPolicyException(SYNTAX);
                        }
                        id = p.getText();
                    }
                    case "Statement" -> {
                        sawStatement = true;
                        if (t == JsonToken.START_OBJECT) {
                            raw.add(readStatement(p));
                        } else if (t == JsonToken.START_ARRAY) {
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                if (p.currentToken() != JsonToken.START_OBJECT) {
                                    throw new MalformedPolicyException(SYNTAX);
                                }
                                raw.add(readStatement(p));
                            }
                        } else {
                            throw new MalformedPolicyException(SYNTAX);
                        }
                    }
                    default -> {
                        p.skipChildren();
                        if (unknown == null) {
                            unknown = name;
                        }
                    }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedPolicyException(SYNTAX);
            }
        } catch (JsonProcessingException e) {
            throw new MalformedPolicyException(SYNTAX);
        } catch (IOException e) {
            throw new MalformedPolicyException(SYNTAX);
        }
        if (unknown != null) {
            throw new MalformedPolicyException("Unknown field " + unknown);
        }
        if (version == null) {
            version = Policy.VERSION_2008;
        } else if (!version.equals(Policy.VERSION_2012) && !version.equals(Policy.VERSION_2008)) {
            throw new MalformedPolicyException(LEGACY);
        }
        if (!sawStatement || raw.isEmpty()) {
            throw new MalformedPolicyException(SYNTAX);
        }
        boolean variables = version.equals(Policy.VERSION_2012);
        List<Statement> statements = new ArrayList<>(raw.size());
        Set<String> sids = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            Statement s = statement(raw.get(i), i, kind, variables);
            if (kind != PolicyKind.RESOURCE && s.sid() != null && !s.sid().isEmpty() && !sids.add(s.sid())) {
                throw new MalformedPolicyException(SID_UNIQUE);
            }
            statements.add(s);
        }
        return new Policy(kind, version, id, statements, "");
    }

    private static RawStatement readStatement(JsonParser p) throws IOException {
        JsonLocation s = p.currentTokenLocation();
        JsonNode node = MAPPER.readTree(p);
        JsonLocation e = p.currentTokenLocation();
        return new RawStatement(
                node,
                new Statement.Position(s.getLineNr(), s.getColumnNr()),
                new Statement.Position(e.getLineNr(), e.getColumnNr() + 1));
    }

    private static Statement statement(RawStatement raw, int index, PolicyKind kind, boolean variables) {
        JsonNode n = raw.node();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!STATEMENT_FIELDS.contains(f)) {
                throw new MalformedPolicyException("Unknown field " + f);
            }
        }
        String sid = null;
        if (n.has("Sid")) {
            if (!n.get("Sid").isTextual()) {
                throw new MalformedPolicyException(SYNTAX);
            }
            sid = n.get("Sid").asText();
            if (kind != PolicyKind.RESOURCE && !SID.matcher(sid).matches()) {
                throw new MalformedPolicyException(SID_ALNUM);
            }
        }
        JsonNode effectNode = n.get("Effect");
        if (effectNode == null) {
            throw new MalformedPolicyException(MISSING_EFFECT);
        }
        if (!effectNode.isTextual()) {
            throw new MalformedPolicyException(SYNTAX);
        }
        Effect effect =
                switch (effectNode.asText()) {
                    case "Allow" -> Effect.ALLOW;
                    case "Deny" -> Effect.DENY;
                    default -> throw new MalformedPolicyException("Invalid effect: " + effectNode.asText());
                };

        boolean hasPrincipal = n.has("Principal");
        boolean hasNotPrincipal = n.has("NotPrincipal");
        PrincipalPattern[] principals = null;
        if (kind == PolicyKind.IDENTITY) {
            if (hasPrincipal || hasNotPrincipal) {
                throw new MalformedPolicyException(NO_PRINCIPAL);
            }
        } else {
            if (hasPrincipal && hasNotPrincipal) {
                throw new MalformedPolicyException(SYNTAX);
            }
            if (!hasPrincipal && !hasNotPrincipal) {
                throw new MalformedPolicyException(MISSING_PRINCIPAL);
            }
            principals = principals(n.get(hasPrincipal ? "Principal" : "NotPrincipal"));
        }

        if (n.has("Action") && n.has("NotAction")) {
            throw new MalformedPolicyException(SYNTAX);
        }
        boolean notAction = n.has("NotAction");
        JsonNode actionNode = n.get(notAction ? "NotAction" : "Action");
        List<String> actionTexts = strings(actionNode);
        if (actionNode != null && actionTexts == null) {
            throw new MalformedPolicyException(SYNTAX);
        }
        if (actionTexts == null || actionTexts.isEmpty()) {
            throw new MalformedPolicyException(NEED_ACTIONS);
        }
        Glob[] actions = new Glob[actionTexts.size()];
        for (int i = 0; i < actions.length; i++) {
            String a = actionTexts.get(i);
            checkAction(a);
            if (kind == PolicyKind.TRUST
                    && !a.equals("*")
                    && !a.toLowerCase(Locale.ROOT).startsWith("sts:")) {
                throw new MalformedPolicyException(TRUST_ACTIONS);
            }
            actions[i] = Glob.compile(a, true, false, true);
        }

        if (n.has("Resource") && n.has("NotResource")) {
            throw new MalformedPolicyException(SYNTAX);
        }
        boolean notResource = n.has("NotResource");
        boolean hasResource = notResource || n.has("Resource");
        Glob[] resources = null;
        if (kind == PolicyKind.TRUST && hasResource) {
            throw new MalformedPolicyException(PROHIBITED_RESOURCE);
        }
        if (hasResource) {
            List<String> texts = strings(n.get(notResource ? "NotResource" : "Resource"));
            if (texts == null) {
                throw new MalformedPolicyException(SYNTAX);
            }
            if (texts.isEmpty()) {
                throw new MalformedPolicyException(NEED_RESOURCES);
            }
            resources = new Glob[texts.size()];
            for (int i = 0; i < resources.length; i++) {
                String r = texts.get(i);
                if (!r.equals("*") && Arns.split(r) == null) {
                    throw new MalformedPolicyException("Resource " + r + " must be in ARN format or \"*\".");
                }
                resources[i] = Glob.compile(r, true, variables, false);
            }
        } else if (kind.resourceRequired) {
            throw new MalformedPolicyException(NEED_RESOURCES);
        }

        Condition[] conditions = n.has("Condition") ? conditions(n.get("Condition"), variables) : new Condition[0];
        return new Statement(
                sid,
                effect,
                index,
                raw.start(),
                raw.end(),
                actions,
                notAction,
                resources,
                notResource,
                principals,
                hasNotPrincipal,
                conditions);
    }

    private static void checkAction(String a) {
        if (a.equals("*")) {
            return;
        }
        int colon = a.indexOf(':');
        if (colon <= 0) {
            throw new MalformedPolicyException(VENDOR);
        }
        if (a.indexOf(':', colon + 1) >= 0) {
            throw new MalformedPolicyException(ONE_COLON);
        }
        String vendor = a.substring(0, colon);
        if (vendor.indexOf('*') >= 0 || vendor.indexOf('?') >= 0) {
            throw new MalformedPolicyException(VENDOR_WILDCARD);
        }
    }

    /** A string or an array of strings; null when the node is neither. */
    private static List<String> strings(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode e : node) {
            if (!e.isTextual()) {
                return null;
            }
            out.add(e.asText());
        }
        return out;
    }

    private static PrincipalPattern[] principals(JsonNode node) {
        if (node.isTextual()) {
            if (!node.asText().equals("*")) {
                throw new MalformedPolicyException("Invalid principal in policy");
            }
            return new PrincipalPattern[] {PrincipalPattern.compile("AWS", "*")};
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new MalformedPolicyException("Invalid principal in policy");
        }
        List<PrincipalPattern> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> values = strings(e.getValue());
            if (values == null || values.isEmpty()) {
                throw new MalformedPolicyException("Invalid principal in policy");
            }
            for (String v : values) {
                PrincipalPattern p = PrincipalPattern.compile(e.getKey(), v);
                if (p == null) {
                    throw new MalformedPolicyException(
                            "Invalid principal in policy: \"" + e.getKey() + "\":\"" + v + "\"");
                }
                out.add(p);
            }
        }
        return out.toArray(PrincipalPattern[]::new);
    }

    private static Condition[] conditions(JsonNode node, boolean variables) {
        if (!node.isObject()) {
            throw new MalformedPolicyException(SYNTAX);
        }
        List<Condition> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> block = it.next();
            String name = block.getKey();
            Condition.Qualifier qualifier = Condition.Qualifier.NONE;
            String base = name;
            if (base.startsWith("ForAnyValue:")) {
                qualifier = Condition.Qualifier.FOR_ANY_VALUE;
                base = base.substring("ForAnyValue:".length());
            } else if (base.startsWith("ForAllValues:")) {
                qualifier = Condition.Qualifier.FOR_ALL_VALUES;
                base = base.substring("ForAllValues:".length());
            }
            boolean ifExists = false;
            if (base.endsWith("IfExists")) {
                ifExists = true;
                base = base.substring(0, base.length() - "IfExists".length());
            }
            ConditionOperator op = ConditionOperator.byName(base);
            if (op == null || (op == ConditionOperator.NULL && ifExists)) {
                throw new MalformedPolicyException("Invalid Condition type : " + name);
            }
            if (!block.getValue().isObject()) {
                throw new MalformedPolicyException(SYNTAX);
            }
            for (Iterator<Map.Entry<String, JsonNode>> keys = block.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> k = keys.next();
                String key = k.getKey();
                if (key.indexOf(':') <= 0) {
                    throw new MalformedPolicyException(VENDOR);
                }
                List<String> values = scalars(k.getValue());
                out.add(new Condition(
                        op,
                        qualifier,
                        ifExists,
                        Keys.canonical(key.toLowerCase(Locale.ROOT)),
                        Condition.compileValues(op, values, variables)));
            }
        }
        return out.toArray(Condition[]::new);
    }

    /** Condition values: a string, number or boolean, or an array of them, as text. */
    private static List<String> scalars(JsonNode node) {
        if (node.isValueNode() && !node.isNull()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new MalformedPolicyException(SYNTAX);
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode e : node) {
            if (!e.isValueNode() || e.isNull()) {
                throw new MalformedPolicyException(SYNTAX);
            }
            out.add(e.asText());
        }
        return out;
    }
}
