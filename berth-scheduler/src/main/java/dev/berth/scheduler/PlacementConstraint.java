package dev.berth.scheduler;

import dev.berth.model.error.AwsException;
import dev.berth.scheduler.cql.Cql;
import dev.berth.scheduler.cql.Expression;

/**
 * A placement constraint as ECS defines it: {@code distinctInstance} or {@code memberOf} with a
 * Cluster Query Language expression. {@link #of(String, String)} turns the wire form into one and
 * gives ECS's {@code InvalidParameterException} for a bad type or expression.
 */
public sealed interface PlacementConstraint {

    /** The ECS type name ({@code distinctInstance}, {@code memberOf}). */
    String type();

    /**
     * Each task of the request's group on a different instance: an instance that already runs a
     * task of the group (placed before, or earlier in the same call) is not eligible.
     */
    record DistinctInstance() implements PlacementConstraint {
        @Override
        public String type() {
            return "distinctInstance";
        }
    }

    /** Only instances the expression matches are eligible. */
    record MemberOf(String expressionText, Expression expression) implements PlacementConstraint {
        @Override
        public String type() {
            return "memberOf";
        }
    }

    static PlacementConstraint distinctInstance() {
        return new DistinctInstance();
    }

    /** Parses the expression; throws {@code InvalidParameterException} if it is malformed. */
    static PlacementConstraint memberOf(String expression) {
        return new MemberOf(expression, Cql.parse(expression));
    }

    /** Validates and converts the wire form {@code {"type": ..., "expression": ...}}. */
    static PlacementConstraint of(String type, String expression) {
        if ("distinctInstance".equals(type)) {
            if (expression != null && !expression.isEmpty()) {
                throw invalid("Expressions are not supported for placement constraint type distinctInstance.");
            }
            return distinctInstance();
        }
        if ("memberOf".equals(type)) {
            if (expression == null || expression.isBlank()) {
                throw invalid("An expression is required for placement constraint type memberOf.");
            }
            return memberOf(expression);
        }
        throw invalid(
                "Invalid placement constraint type: " + type + ". Valid values are distinctInstance and memberOf.");
    }

    private static AwsException invalid(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }
}
