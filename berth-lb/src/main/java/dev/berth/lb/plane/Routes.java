package dev.berth.lb.plane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.lb.config.RuleConf;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A listener's rules compiled for the data plane: conditions as predicates over a request, in
 * priority order, ending with the default action. Rebuilt whenever the configuration changes and
 * published whole, so a request sees one consistent rule set.
 *
 * <p>Matching as ALB documents it: host-header and http-header values and query-string pairs are
 * case-insensitive, path-pattern is case-sensitive and matches the path without the query string,
 * {@code *} matches any run of characters and {@code ?} exactly one; the values of one condition
 * are alternatives, the conditions of one rule must all match.
 */
public final class Routes {

    /** What a matching rule does. */
    public sealed interface Action permits Forward, Fixed, Redirect {}

    /** Forward to one of the groups, chosen by weight. */
    public record Forward(
            List<TargetPool> groups,
            int[] weights,
            int totalWeight,
            boolean groupStickiness,
            int groupStickinessSeconds)
            implements Action {

        TargetPool choose() {
            if (groups.size() == 1) {
                return groups.getFirst();
            }
            if (totalWeight == 0) {
                return null;
            }
            int r = ThreadLocalRandom.current().nextInt(totalWeight);
            for (int i = 0; i < weights.length; i++) {
                r -= weights[i];
                if (r < 0) {
                    return groups.get(i);
                }
            }
            return groups.getLast();
        }
    }

    public record Fixed(int status, String contentType, String body) implements Action {}

    public record Redirect(String protocol, String host, String port, String path, String query, int status)
            implements Action {}

    private record Rule(Predicate<Request> condition, Action action) {}

    /**
     * The parts of a request conditions (and redirects) look at, read from the parsed request
     * head: the target of an origin-form URI ({@code /path?query}) or of an absolute-form one
     * ({@code http://host/path?query}), the Host header (or the absolute URI's authority).
     */
    record Request(ClientRequest http, String sourceIp) {

        /** The path without the query string, as sent (not percent-decoded). */
        String path() {
            String uri = http.uri();
            int start = pathStart(uri);
            int q = uri.indexOf('?', start);
            String p = q < 0 ? uri.substring(start) : uri.substring(start, q);
            return p.isEmpty() ? "/" : p;
        }

        /** The raw query string, or null without one. */
        String query() {
            String uri = http.uri();
            int q = uri.indexOf('?');
            return q < 0 ? null : uri.substring(q + 1);
        }

        /** The host the client asked for, without a port; null when it names none. */
        String host() {
            String authority = http.host >= 0 ? http.value(http.host) : null;
            String uri = http.uri();
            if (!uri.startsWith("/") && uri.contains("://")) {
                int s = uri.indexOf("://") + 3;
                int e = s;
                while (e < uri.length() && uri.charAt(e) != '/' && uri.charAt(e) != '?') {
                    e++;
                }
                authority = uri.substring(s, e);
            }
            if (authority == null || authority.isEmpty()) {
                return null;
            }
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                return close < 0 ? authority : authority.substring(0, close + 1);
            }
            int colon = authority.lastIndexOf(':');
            return colon < 0 ? authority : authority.substring(0, colon);
        }

        Map<String, List<String>> params() {
            return new QueryStringDecoder(http.uri()).parameters();
        }

        private static int pathStart(String uri) {
            if (uri.startsWith("/")) {
                return 0;
            }
            int scheme = uri.indexOf("://");
            if (scheme < 0) {
                return 0;
            }
            int slash = uri.indexOf('/', scheme + 3);
            int q = uri.indexOf('?', scheme + 3);
            if (slash < 0 || q >= 0 && q < slash) {
                return q < 0 ? uri.length() : q;
            }
            return slash;
        }
    }

    private final List<Rule> rules;
    private final Action defaultAction;

    private Routes(List<Rule> rules, Action defaultAction) {
        this.rules = rules;
        this.defaultAction = defaultAction;
    }

    static Routes compile(List<RuleConf> rules, JsonNode defaultActions, Map<String, TargetPool> pools) {
        List<Rule> compiled = new ArrayList<>();
        for (RuleConf r : rules) {
            compiled.add(new Rule(conditions(r.conditions()), action(r.actions(), pools)));
        }
        return new Routes(List.copyOf(compiled), action(defaultActions, pools));
    }

    Action route(ClientRequest req, String sourceIp) {
        if (!rules.isEmpty()) {
            Request r = new Request(req, sourceIp);
            for (Rule rule : rules) {
                if (rule.condition().test(r)) {
                    return rule.action();
                }
            }
        }
        return defaultAction;
    }

    Action defaultAction() {
        return defaultAction;
    }

    private static Action action(JsonNode actions, Map<String, TargetPool> pools) {
        JsonNode a = actions.get(0);
        switch (a.path("Type").asText()) {
            case "fixed-response" -> {
                JsonNode c = a.get("FixedResponseConfig");
                return new Fixed(
                        c.path("StatusCode").asInt(),
                        c.path("ContentType").asText("text/plain"),
                        c.path("MessageBody").asText(""));
            }
            case "redirect" -> {
                JsonNode c = a.get("RedirectConfig");
                return new Redirect(
                        c.path("Protocol").asText(),
                        c.path("Host").asText(),
                        c.path("Port").asText(),
                        c.path("Path").asText(),
                        c.path("Query").asText(),
                        c.path("StatusCode").asText().equals("HTTP_301") ? 301 : 302);
            }
            default -> {
                JsonNode tgs = a.path("ForwardConfig").path("TargetGroups");
                List<TargetPool> groups = new ArrayList<>();
                int[] weights = new int[tgs.size()];
                int total = 0;
                for (int i = 0; i < tgs.size(); i++) {
                    groups.add(pools.get(tgs.get(i).path("TargetGroupArn").asText()));
                    weights[i] = tgs.get(i).path("Weight").asInt(1);
                    total += weights[i];
                }
                JsonNode st = a.path("ForwardConfig").path("TargetGroupStickinessConfig");
                return new Forward(
                        List.copyOf(groups),
                        weights,
                        total,
                        st.path("Enabled").asBoolean(false),
                        st.path("DurationSeconds").asInt(0));
            }
        }
    }

    private static Predicate<Request> conditions(JsonNode conditions) {
        Predicate<Request> all = r -> true;
        for (JsonNode c : conditions) {
            all = all.and(condition(c));
        }
        return all;
    }

    private static Predicate<Request> condition(JsonNode c) {
        String field = c.path("Field").asText();
        return switch (field) {
            case "host-header" -> {
                List<Pattern> ps = patterns(c.path("HostHeaderConfig").path("Values"), true);
                yield r -> {
                    String host = r.host();
                    return host != null && any(ps, host);
                };
            }
            case "path-pattern" -> {
                List<Pattern> ps = patterns(c.path("PathPatternConfig").path("Values"), false);
                yield r -> any(ps, r.path());
            }
            case "http-header" -> {
                String name = c.path("HttpHeaderConfig").path("HttpHeaderName").asText();
                List<Pattern> ps = patterns(c.path("HttpHeaderConfig").path("Values"), true);
                yield r -> {
                    for (String v : r.http().headers(name)) {
                        if (any(ps, v)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case "http-request-method" -> {
                List<String> methods = new ArrayList<>();
                c.path("HttpRequestMethodConfig").path("Values").forEach(v -> methods.add(v.asText()));
                yield r -> methods.contains(r.http().method());
            }
            case "query-string" -> {
                List<Pattern[]> pairs = new ArrayList<>();
                for (JsonNode p : c.path("QueryStringConfig").path("Values")) {
                    pairs.add(new Pattern[] {
                        p.hasNonNull("Key") ? wildcard(p.get("Key").asText(), true) : null,
                        wildcard(p.path("Value").asText(), true)
                    });
                }
                yield r -> {
                    for (Map.Entry<String, List<String>> e : r.params().entrySet()) {
                        for (String value : e.getValue()) {
                            for (Pattern[] p : pairs) {
                                if ((p[0] == null || p[0].matcher(e.getKey()).matches())
                                        && p[1].matcher(value).matches()) {
                                    return true;
                                }
                            }
                        }
                    }
                    return false;
                };
            }
            case "source-ip" -> {
                List<long[]> cidrs = new ArrayList<>();
                c.path("SourceIpConfig").path("Values").forEach(v -> cidrs.add(cidr(v.asText())));
                yield r -> {
                    long ip = ipv4(r.sourceIp());
                    if (ip < 0) {
                        return false;
                    }
                    for (long[] cidr : cidrs) {
                        if ((ip & cidr[1]) == cidr[0]) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            default -> r -> false;
        };
    }

    private static boolean any(List<Pattern> ps, String value) {
        for (Pattern p : ps) {
            if (p.matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Pattern> patterns(JsonNode values, boolean caseInsensitive) {
        List<Pattern> out = new ArrayList<>();
        values.forEach(v -> out.add(wildcard(v.asText(), caseInsensitive)));
        return out;
    }

    static Pattern wildcard(String glob, boolean caseInsensitive) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }

    private static long[] cidr(String text) {
        int slash = text.indexOf('/');
        int bits = Integer.parseInt(text.substring(slash + 1));
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return new long[] {ipv4(text.substring(0, slash)) & mask, mask};
    }

    static long ipv4(String ip) {
        if (ip == null) {
            return -1;
        }
        String[] o = ip.split("\\.");
        if (o.length != 4) {
            return -1;
        }
        long v = 0;
        try {
            for (String s : o) {
                v = v << 8 | (Integer.parseInt(s) & 255);
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return v;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
