package dev.berth.scheduler.cql;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code subject operator [argument]} comparison, with its argument pre-parsed (regular
 * expression compiled, date or count parsed) so evaluation allocates nothing.
 *
 * <p>Semantics, as ECS documents them where it does and as written here where it does not:
 * <ul>
 *   <li>An absent attribute (or EC2 instance id, or agent version) satisfies no positive operator
 *       ({@code ==}, {@code in}, {@code =~}, {@code >}...); the negative operators ({@code !=},
 *       {@code !in}, {@code !~}) are the exact negation of their positive twin, so they hold.</li>
 *   <li>{@code >}, {@code >=}, {@code <}, {@code <=} on attributes compare numerically when both sides
 *       parse as numbers, otherwise lexicographically; {@code agentVersion} compares dotted versions;
 *       {@code registeredAt} compares dates ({@code 2018-06-18} compares by UTC day).</li>
 *   <li>{@code =~} is a Java regular expression that must match the whole value ({@code t2.*}).</li>
 *   <li>{@code task:group == g}: the instance runs a task of group {@code g}; {@code !=} is its
 *       negation; {@code in} means any listed group is there; {@code =~} any group matches;
 *       {@code exists}: the instance runs any task.</li>
 * </ul>
 *
 * @param subject   what is compared
 * @param attribute the attribute name for {@link Subject#ATTRIBUTE}, else {@code null}
 * @param op        the operator
 * @param args      the argument(s): none for exists, one for most, a list for in
 */
public record Condition(
        Subject subject, String attribute, Operator op, List<String> args, Pattern pattern, CqlValues.DateArg date)
        implements Expression {

    public Condition {
        args = List.copyOf(args);
    }

    @Override
    public boolean isDynamic() {
        return subject.isDynamic();
    }

    @Override
    public boolean attributesOnly() {
        return subject.isAttribute();
    }

    @Override
    public boolean matches(InstanceView v) {
        return switch (subject) {
            case ATTRIBUTE -> compareString(v.attribute(attribute), false);
            case EC2_INSTANCE_ID -> compareString(v.ec2InstanceId(), false);
            case AGENT_CONNECTED -> compareString(Boolean.toString(v.agentConnected()), false);
            case AGENT_VERSION -> compareString(v.agentVersion(), true);
            case RUNNING_TASKS_COUNT ->
                compareOrdered(Integer.compare(v.runningTasksCount(), Integer.parseInt(args.get(0))));
            case REGISTERED_AT -> registeredAt(v.registeredAt());
            case TASK_GROUP -> taskGroup(v);
        };
    }

    private boolean compareString(String value, boolean version) {
        return switch (op) {
            case EXISTS -> value != null;
            case NOT_EXISTS -> value == null;
            case EQ ->
                value != null
                        && (version ? CqlValues.compareVersions(value, args.get(0)) == 0 : value.equals(args.get(0)));
            case NE ->
                !(value != null
                        && (version ? CqlValues.compareVersions(value, args.get(0)) == 0 : value.equals(args.get(0))));
            case IN -> value != null && args.contains(value);
            case NOT_IN -> value == null || !args.contains(value);
            case MATCHES -> value != null && pattern.matcher(value).matches();
            case NOT_MATCHES -> value == null || !pattern.matcher(value).matches();
            case GT, GE, LT, LE ->
                value != null
                        && compareOrdered(
                                version
                                        ? CqlValues.compareVersions(value, args.get(0))
                                        : CqlValues.compareLoosely(value, args.get(0)));
        };
    }

    private boolean registeredAt(Instant at) {
        if (at == null) {
            return op == Operator.NE;
        }
        return compareOrdered(date.compareTo(at));
    }

    /** Applies an ordering operator to a comparison result (value versus argument). */
    private boolean compareOrdered(int c) {
        return switch (op) {
            case EQ -> c == 0;
            case NE -> c != 0;
            case GT -> c > 0;
            case GE -> c >= 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            default -> throw new IllegalStateException("not an ordering operator: " + op);
        };
    }

    private boolean taskGroup(InstanceView v) {
        return switch (op) {
            case EQ -> v.hasTaskGroup(args.get(0));
            case NE -> !v.hasTaskGroup(args.get(0));
            case IN -> anyListed(v);
            case NOT_IN -> !anyListed(v);
            case MATCHES -> v.anyTaskGroup(g -> pattern.matcher(g).matches());
            case NOT_MATCHES -> !v.anyTaskGroup(g -> pattern.matcher(g).matches());
            case EXISTS -> v.runningTasksCount() > 0;
            case NOT_EXISTS -> v.runningTasksCount() == 0;
            default -> throw new IllegalStateException("not valid for task:group: " + op);
        };
    }

    private boolean anyListed(InstanceView v) {
        for (String g : args) {
            if (v.hasTaskGroup(g)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        String lhs = subject == Subject.ATTRIBUTE ? "attribute:" + attribute : subject.spelling();
        if (op.unary()) {
            return lhs + " " + op.symbol();
        }
        return lhs + " " + op.symbol() + " " + (op.takesList() ? args.toString() : args.get(0));
    }
}
