package dev.berth.iam.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What every IAM operation shares: the store's IAM documents (kinds prefixed {@code iam-}, keyed by
 * the lower-cased name, because IAM names are unique regardless of case), ids formed as AWS forms
 * them, ARNs with paths, IAM's errors and paging ({@code Marker}/{@code MaxItems}/{@code IsTruncated}).
 *
 * <p>Entities are stored as JSON objects shaped like their IAM output shapes (so a stored user is a
 * {@code User}), plus lower-case bookkeeping members that no output shape names ({@code inline},
 * {@code attached}, {@code groups}, {@code accessKeys}, ...) and that the XML renderer therefore
 * never shows.
 */
public final class Iam {

    public static final String USER = "iam-user";
    public static final String GROUP = "iam-group";
    public static final String GROUP_MEMBER = "iam-group-member";
    public static final String ROLE = "iam-role";
    public static final String POLICY = "iam-policy";
    public static final String AWS_POLICY_USE = "iam-aws-policy-use";
    public static final String INSTANCE_PROFILE = "iam-instance-profile";
    public static final String OIDC = "iam-oidc";

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    final ObjectMapper mapper;
    final String account;
    final Clock clock;

    public Iam(ObjectMapper mapper, String account, Clock clock) {
        this.mapper = mapper;
        this.account = account;
        this.clock = clock;
    }

    // ---- ids, names, ARNs, time

    /** An id as AWS forms them: a four-letter prefix ({@code AIDA}, {@code AROA}, ...) and 17 characters. */
    public static String id(String prefix) {
        return prefix + random(ID_ALPHABET, 17);
    }

    public static String random(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    String arn(String type, String path, String name) {
        return "arn:aws:iam::" + account + ":" + type + (path == null ? "/" : path) + name;
    }

    String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // ---- errors

    static AwsException noSuchEntity(String message) {
        return new AwsException("NoSuchEntity", 404, message);
    }

    static AwsException alreadyExists(String message) {
        return new AwsException("EntityAlreadyExists", 409, message);
    }

    static AwsException limitExceeded(String message) {
        return new AwsException("LimitExceeded", 409, message);
    }

    static AwsException deleteConflict(String message) {
        return new AwsException("DeleteConflict", 409, message);
    }

    static AwsException invalidInput(String message) {
        return new AwsException("InvalidInput", 400, message);
    }

    static AwsException validation(String message) {
        return new AwsException("ValidationError", 400, message);
    }

    // ---- documents

    Optional<ObjectNode> get(Transaction tx, String kind, String key) {
        return tx.get(kind, key).map(e -> read(e.json()));
    }

    Optional<ObjectNode> getForUpdate(Transaction tx, String kind, String key) {
        return tx.getForUpdate(kind, key).map(e -> read(e.json()));
    }

    ObjectNode read(String json) {
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable IAM document", e);
        }
    }

    String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void put(Transaction tx, String kind, String key, ObjectNode doc) {
        tx.put(kind, key, write(doc));
    }

    boolean insert(Transaction tx, String kind, String key, ObjectNode doc) {
        return tx.insert(kind, key, write(doc));
    }

    List<ObjectNode> all(Transaction tx, String kind, String prefix) {
        List<ObjectNode> out = new ArrayList<>();
        StorePages.forEach(tx, kind, prefix, e -> out.add(read(e.json())));
        return out;
    }

    // ---- small JSON helpers

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    static ArrayNode array(ObjectNode doc, String field) {
        JsonNode n = doc.get(field);
        if (n instanceof ArrayNode a) {
            return a;
        }
        return doc.putArray(field);
    }

    static ObjectNode object(ObjectNode doc, String field) {
        JsonNode n = doc.get(field);
        if (n instanceof ObjectNode o) {
            return o;
        }
        return doc.putObject(field);
    }

    static boolean removeText(ArrayNode a, String value) {
        for (Iterator<JsonNode> it = a.iterator(); it.hasNext(); ) {
            if (it.next().asText().equals(value)) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    static boolean containsText(JsonNode a, String value) {
        if (a == null) {
            return false;
        }
        for (JsonNode n : a) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    static String text(JsonNode input, String field) {
        JsonNode n = input.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** A policy document as IAM returns it: URL-encoded (RFC 3986), which the AWS CLI decodes. */
    static String encodeDocument(String json) {
        return URLEncoder.encode(json, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- paging

    /**
     * One page of {@code items} (sorted by {@code key}) after the request's {@code Marker}, at most
     * {@code MaxItems} (default 100) of them, written into {@code out} under {@code field} with
     * {@code IsTruncated} and, when truncated, the {@code Marker} to continue with.
     */
    static <T> ObjectNode page(
            List<T> items,
            Function<T, String> key,
            Function<T, JsonNode> render,
            JsonNode input,
            ObjectNode out,
            String field) {
        int max = input.has("MaxItems") ? input.get("MaxItems").asInt() : 100;
        String after = null;
        String marker = text(input, "Marker");
        if (marker != null) {
            try {
                after = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalidInput("Invalid Marker.");
            }
        }
        List<T> sorted = new ArrayList<>(items);
        sorted.sort((a, b) -> key.apply(a).compareTo(key.apply(b)));
        ArrayNode list = out.putArray(field);
        String last = null;
        boolean truncated = false;
        for (T item : sorted) {
            String k = key.apply(item);
            if (after != null && k.compareTo(after) <= 0) {
                continue;
            }
            if (list.size() >= max) {
                truncated = true;
                break;
            }
            list.add(render.apply(item));
            last = k;
        }
        out.put("IsTruncated", truncated);
        if (truncated) {
            out.put(
                    "Marker",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    static <T> List<T> filter(List<T> items, Predicate<T> keep) {
        return items.stream().filter(keep).toList();
    }

    static boolean underPath(JsonNode entity, JsonNode input) {
        String prefix = text(input, "PathPrefix");
        return prefix == null || entity.path("Path").asText("/").startsWith(prefix);
    }
}
