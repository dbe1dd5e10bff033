package dev.berth.scheduler.cql;

import dev.berth.scheduler.ContainerInstance;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated expression trees, rendered with random spellings ({@code and}/{@code &&}, {@code ==}/
 * {@code equals}, optional parentheses), must parse and evaluate exactly as a separate, naive
 * evaluator of the same tree says.
 */
class CqlPropertiesTest {

    static final List<String> VALUES = List.of("x", "y", "1", "10", "2", "1.5");
    static final List<String> PATTERNS = List.of("x.*", "1.*", "[xy]", ".*0");
    static final List<String> OPS = List.of("==", "!=", ">", "<", ">=", "<=", "exists", "!exists", "in", "!in", "=~", "!~");
    static final Map<String, String> WORDS = Map.ofEntries(Map.entry("==", "equals"), Map.entry("!=", "not_equals"),
            Map.entry(">", "greater_than"), Map.entry("<", "less_than"), Map.entry(">=", "greater_than_equal"),
            Map.entry("<=", "less_than_equal"), Map.entry("exists", "exists"), Map.entry("!exists", "not_exists"),
            Map.entry("in", "in"), Map.entry("!in", "not_in"), Map.entry("=~", "matches"), Map.entry("!~", "not_matches"));

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
            return a.matches(num) && b.matches(num) ? Double.compare(Double.parseDouble(a), Double.parseDouble(b)) : a.compareTo(b);
        }

        public String render(Random r) {
            String o = r.nextBoolean() ? op : WORDS.get(op);
            String arg = switch (op) {
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
            return not + (simple && r.nextBoolean() && not.equals("not ") ? operand.render(r) : "(" + operand.render(r) + ")");
        }
    }

    @Provide
    Arbitrary<Node> nodes() {
        return Arbitraries.lazyOf(
                () -> Combinators.combine(Arbitraries.of("a", "b", "n"), Arbitraries.of(OPS), Arbitraries.of(VALUES),
                        Arbitraries.of(PATTERNS), Arbitraries.of(VALUES).list().ofMinSize(1).ofMaxSize(3))
                        .as((attr, op, value, pattern, list) -> (Node) new Cmp(attr, op,
                                op.contains("~") ? pattern : value, list)),
                () -> Combinators.combine(Arbitraries.of(true, false), Arbitraries.of("family:web", "service:db"))
                        .as((eq, g) -> (Node) new Group(eq, g)),
                () -> Combinators.combine(Arbitraries.of(true, false), nodes(), nodes()).as((and, l, r) -> (Node) new Bin(and, l, r)),
                () -> nodes().map(n -> (Node) new Neg(n)));
    }

    @Provide
    Arbitrary<ContainerInstance> instances() {
        Arbitrary<String> maybe = Arbitraries.of(VALUES).injectNull(0.25);
        return Combinators.combine(maybe, maybe, maybe, Arbitraries.integers().between(0, 3)).as((a, b, n, groups) -> {
            Map<String, String> attributes = new HashMap<>();
            if (a != null) {
                attributes.put("a", a);
            }
            if (b != null) {
                attributes.put("b", b);
            }
            if (n != null) {
                attributes.put("n", n);
            }
            Map<String, Integer> tg = new HashMap<>();
            if ((groups & 1) != 0) {
                tg.put("family:web", 1);
            }
            if ((groups & 2) != 0) {
                tg.put("service:db", 2);
            }
            return ContainerInstance.builder("ci").attributes(attributes).taskGroups(tg).build();
        });
    }

    @Property(tries = 1500)
    void parsedExpressionAgreesWithNaiveEvaluator(@ForAll("nodes") Node node, @ForAll("instances") ContainerInstance ci,
                                                  @ForAll long renderSeed) {
        String text = node.render(new Random(renderSeed));
        assertThat(Cql.parse(text).matches(ci)).as(text + " on " + ci.attributes() + " " + ci.taskGroups())
                .isEqualTo(node.eval(ci));
    }
}
