package dev.berth.scheduler.cql;

import static dev.berth.scheduler.SeededCases.between;
import static dev.berth.scheduler.SeededCases.check;
import static dev.berth.scheduler.SeededCases.listOf;
import static dev.berth.scheduler.SeededCases.oneOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.scheduler.ContainerInstance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Generated expression trees, rendered with random spellings ({@code and}/{@code &&}, {@code ==}/
 * {@code equals}, optional parentheses), must parse and evaluate exactly as a separate, naive
 * evaluator of the same tree says. The property runs over a fixed range of seeds (see
 * {@link dev.berth.scheduler.SeededCases}); a failure names the seed and the generated input.
 */
class CqlPropertiesTest {

    static final List<String> VALUES = List.of("x", "y", "1", "10", "2", "1.5");
    static final List<String> PATTERNS = List.of("x.*", "1.*", "[xy]", ".*0");
    static final List<String> OPS =
            List.of("==", "!=", ">", "<", ">=", "<=", "exists", "!exists", "in", "!in", "=~", "!~");
    static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("==", "equals"),
            Map.entry("!=", "not_equals"),
            Map.entry(">", "greater_than"),
            Map.entry("<", "less_than"),
            Map.entry(">=", "greater_than_equal"),
            Map.entry("<=", "less_than_equal"),
            Map.entry("exists", "exists"),
            Map.entry("!exists", "not_exists"),
            Map.entry("in", "in"),
            Map.entry("!in", "not_in"),
            Map.entry("=~", "matches"),
            Map.entry("!~", "not_matches"));

    /** The test's own expression tree and evaluator. */
    sealed interface Node permits Cmp, Group, Bin, Neg {
        boolean eval(ContainerInstance ci);

        String render(Random r);
    }

    record Cmp(String attr, String op, String value, List<String> list) implements Node {
        public boolean eval(ContainerInstance ci) {
            String v = ci.attributes().get(attr);
            return switch (op) {
                case "exists" -> v != null;
                case "!exists" -> v == null;
                case "==" -> value.equals(v);
                case "!=" -> !value.equals(v);
                case "in" -> list.contains(v);
                case "!in" -> !list.contains(v);
                case "=~" -> v != null && v.matches(value);
                case "!~" -> v == null || !v.matches(value);
                default -> v != null && ordered(compare(v, value));
            };
        }

        private boolean ordered(int c) {
            return switch (op) {
                case ">" -> c > 0;
                case "<" -> c < 0;
                case ">=" -> c >= 0;
                default -> c <= 0;
            };
        }

        private static int compare(String a, String b) {
            String num = "-?\\d+(\\.\\d+)?";
            return a.matches(num) && b.matches(num)
                    ? Double.compare(Double.parseDouble(a), Double.parseDouble(b))
                    : a.compareTo(b);
        }

        public String render(Random r) {
            String o = r.nextBoolean() ? op : WORDS.get(op);
            String arg =
                    switch (op) {
                        case "exists", "!exists" -> "";
                        case "in", "!in" -> " [" + String.join(r.nextBoolean() ? ", " : ",", list) + "]";
                        default -> " " + (r.nextInt(4) == 0 ? "'" + value + "'" : value);
                    };
            return "attribute:" + attr + " " + o + arg;
        }
    }

    record Group(boolean equals, String group) implements Node {
        public boolean eval(ContainerInstance ci) {
            return ci.taskGroups().getOrDefault(group, 0) > 0 == equals;
        }

        public String render(Random r) {
            return "task:group " + (equals ? "==" : "!=") + " " + group;
        }
    }

    record Bin(boolean and, Node left, Node right) implements Node {
        public boolean eval(ContainerInstance ci) {
            return and ? left.eval(ci) && right.eval(ci) : left.eval(ci) || right.eval(ci);
        }

        public String render(Random r) {
            String op = and ? (r.nextBoolean() ? " and " : " && ") : (r.nextBoolean() ? " or " : " || ");
            return wrap(left, r, true) + op + wrap(right, r, false);
        }

        /** Parentheses are required around a binary child unless precedence already groups it the same way. */
        private String wrap(Node child, Random r, boolean isLeft) {
            boolean needed = child instanceof Bin b && (and ? true : !isLeft && !b.and);
            if (child instanceof Bin b && !and && b.and) {
                needed = false; // "x and y" inside "or" binds tighter anyway
            }
            if (child instanceof Bin b && !and && !b.and && isLeft) {
                needed = false; // left-associative
            }
            return needed || r.nextInt(3) == 0 ? "(" + child.render(r) + ")" : child.render(r);
        }
    }

    record Neg(Node operand) implements Node {
        public boolean eval(ContainerInstance ci) {
            return !operand.eval(ci);
        }

        public String render(Random r) {
            String not = r.nextBoolean() ? "not " : "!";
            boolean simple = operand instanceof Cmp || operand instanceof Group;
            return not
                    + (simple && r.nextBoolean() && not.equals("not ")
                            ? operand.render(r)
                            : "(" + operand.render(r) + ")");
        }
    }

    /** Trees deeper than this get a leaf instead; the generator's expected fan-out (3/4) keeps trees far smaller. */
    static final int MAX_DEPTH = 24;

    record Case(Node node, ContainerInstance ci, long renderSeed) {}

    /** A comparison, a task-group test, an and/or, or a negation, each a quarter of the time. */
    static Node node(SplittableRandom random) {
        return node(random, 0);
    }

    private static Node node(SplittableRandom random, int depth) {
        int kind = depth >= MAX_DEPTH ? random.nextInt(2) : random.nextInt(4);
        return switch (kind) {
            case 0 -> {
                String attr = oneOf(random, "a", "b", "n");
                String op = oneOf(random, OPS);
                String value = oneOf(random, VALUES);
                String pattern = oneOf(random, PATTERNS);
                List<String> list = listOf(random, 1, 3, r -> oneOf(r, VALUES));
                yield new Cmp(attr, op, op.contains("~") ? pattern : value, list);
            }
            case 1 -> new Group(random.nextBoolean(), oneOf(random, "family:web", "service:db"));
            case 2 -> new Bin(random.nextBoolean(), node(random, depth + 1), node(random, depth + 1));
            default -> new Neg(node(random, depth + 1));
        };
    }

    /** Attributes a, b and n each missing a quarter of the time, else one of {@link #VALUES}; 0 to 2 task groups. */
    static ContainerInstance instance(SplittableRandom random) {
        Map<String, String> attributes = new HashMap<>();
        for (String name : List.of("a", "b", "n")) {
            if (random.nextInt(4) != 0) {
                attributes.put(name, oneOf(random, VALUES));
            }
        }
        int groups = between(random, 0, 3);
        Map<String, Integer> tg = new HashMap<>();
        if ((groups & 1) != 0) {
            tg.put("family:web", 1);
        }
        if ((groups & 2) != 0) {
            tg.put("service:db", 2);
        }
        return ContainerInstance.builder("ci")
                .attributes(attributes)
                .taskGroups(tg)
                .build();
    }

    @Test
    void parsedExpressionAgreesWithNaiveEvaluator() {
        check(7_000_000, 2000, random -> new Case(node(random), instance(random), random.nextLong()), in -> {
            String text = in.node().render(new Random(in.renderSeed()));
            assertThat(Cql.parse(text).matches(in.ci()))
                    .as(text + " on " + in.ci().attributes() + " " + in.ci().taskGroups())
                    .isEqualTo(in.node().eval(in.ci()));
        });
    }
}
