package dev.berth.ecs.taskdef;

/**
 * The hook through which the placement engine validates a {@code memberOf} expression's Cluster Query Language.
 *
 * <p>This package only checks what ECS documents for a task definition's constraints (type, count, length);
 * whether the expression parses belongs to the CQL parser in {@code berth-scheduler}. The handler passes the
 * parser in here, so a bad expression is rejected at registration time with the parser's message, without
 * this package depending on the scheduler.
 */
@FunctionalInterface
public interface PlacementExpressionCheck {

    /** Accepts every expression: for callers (and tests) that have no parser at hand. */
    PlacementExpressionCheck ACCEPT_ALL = expression -> {};

    /**
     * Returns normally when the expression is valid.
     *
     * @throws dev.berth.model.error.AwsException (InvalidParameterException or ClientException) when it is not
     */
    void check(String expression);
}
