package dev.berth.scheduler.cql;

/**
 * A parsed Cluster Query Language expression: a tree of {@link And}, {@link Or}, {@link Not} over
 * {@link Condition}s, evaluated against any {@link InstanceView}.
 *
 * <p>Besides evaluating, an expression says what it depends on, which is what lets the scheduler
 * cache: an expression that is not {@link #isDynamic() dynamic} gives the same answer for an instance
 * until the instance itself changes, and one that {@link #attributesOnly() reads only attributes}
 * gives the same answer for every instance with the same attribute map.
 */
public sealed interface Expression permits Expression.Binary, Expression.Not, Condition {

    /** True if the instance satisfies the expression. */
    boolean matches(InstanceView instance);

    /** True if the result can change as tasks are placed ({@code task:group}, {@code runningTasksCount}). */
    boolean isDynamic();

    /** True if the result depends on the instance's attributes only. */
    boolean attributesOnly();

    /** A binary combination: it depends on what either side depends on. */
    sealed interface Binary extends Expression permits And, Or {
        Expression left();

        Expression right();

        @Override
        default boolean isDynamic() {
            return left().isDynamic() || right().isDynamic();
        }

        @Override
        default boolean attributesOnly() {
            return left().attributesOnly() && right().attributesOnly();
        }
    }

    /** Both sides must hold. */
    record And(Expression left, Expression right) implements Binary {
        @Override
        public boolean matches(InstanceView instance) {
            return left.matches(instance) && right.matches(instance);
        }

        @Override
        public String toString() {
            return "(" + left + " and " + right + ")";
        }
    }

    /** Either side must hold. */
    record Or(Expression left, Expression right) implements Binary {
        @Override
        public boolean matches(InstanceView instance) {
            return left.matches(instance) || right.matches(instance);
        }

        @Override
        public String toString() {
            return "(" + left + " or " + right + ")";
        }
    }

    /** The operand must not hold. */
    record Not(Expression operand) implements Expression {
        @Override
        public boolean matches(InstanceView instance) {
            return !operand.matches(instance);
        }

        @Override
        public boolean isDynamic() {
            return operand.isDynamic();
        }

        @Override
        public boolean attributesOnly() {
            return operand.attributesOnly();
        }

        @Override
        public String toString() {
            return "not " + operand;
        }
    }
}
