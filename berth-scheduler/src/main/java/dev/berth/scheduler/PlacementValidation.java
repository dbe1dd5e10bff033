package dev.berth.scheduler;

import dev.berth.model.error.AwsException;
import java.util.List;

/**
 * The call-level limits ECS enforces on placement parameters, in one place for RunTask,
 * CreateService, UpdateService and RegisterTaskDefinition: at most 5 strategies, at most 10
 * constraints counting the task definition's and the call's together, and only {@code memberOf} in
 * a task definition. Per-item checks (type, field, expression) happen in
 * {@link PlacementConstraint#of} and {@link PlacementStrategy#of}.
 */
public final class PlacementValidation {

    public static final int MAX_STRATEGIES = 5;
    public static final int MAX_CONSTRAINTS = 10;

    private PlacementValidation() {}

    /** Checks the parameters of a RunTask/CreateService/UpdateService call. */
    public static void validate(
            List<PlacementConstraint> taskDefinitionConstraints,
            List<PlacementConstraint> callConstraints,
            List<PlacementStrategy> strategies) {
        if (strategies.size() > MAX_STRATEGIES) {
            throw invalid("The number of placement strategies (" + strategies.size() + ") exceeds the maximum of "
                    + MAX_STRATEGIES + ".");
        }
        int total = taskDefinitionConstraints.size() + callConstraints.size();
        if (total > MAX_CONSTRAINTS) {
            throw invalid("The number of placement constraints (" + total + ", including those of the task definition)"
                    + " exceeds the maximum of " + MAX_CONSTRAINTS + ".");
        }
    }

    /** Checks the {@code placementConstraints} of RegisterTaskDefinition. */
    public static void validateTaskDefinition(List<PlacementConstraint> constraints) {
        if (constraints.size() > MAX_CONSTRAINTS) {
            throw invalid("The number of placement constraints (" + constraints.size() + ") exceeds the maximum of "
                    + MAX_CONSTRAINTS + ".");
        }
        for (PlacementConstraint c : constraints) {
            if (!(c instanceof PlacementConstraint.MemberOf)) {
                throw invalid(
                        "Task definitions support only placement constraints of type memberOf, not " + c.type() + ".");
            }
        }
    }

    private static AwsException invalid(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }
}
