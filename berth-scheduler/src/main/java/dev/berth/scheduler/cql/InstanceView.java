package dev.berth.scheduler.cql;

import java.time.Instant;
import java.util.function.Predicate;

/**
 * What the Cluster Query Language can see of one container instance.
 *
 * <p>The same expressions serve placement ({@code memberOf}) and {@code ListContainerInstances
 * --filter}, over different representations of an instance: the immutable snapshot record and the
 * scheduler's indexed, mutable state. This interface is the narrow waist between them, so that one
 * evaluator gives the same answer everywhere.
 */
public interface InstanceView {

    /** The value of an attribute, {@code ""} for an attribute set without a value, {@code null} if absent. */
    String attribute(String name);

    /** The EC2 instance id, or {@code null} (external instances). */
    String ec2InstanceId();

    boolean agentConnected();

    /** The agent version such as {@code 1.27.0}, or {@code null} if unknown. */
    String agentVersion();

    /** When the instance registered, or {@code null} if unknown. */
    Instant registeredAt();

    /** Number of tasks on the instance. */
    int runningTasksCount();

    /** True if some task of the instance belongs to a group accepted by the predicate. */
    boolean anyTaskGroup(Predicate<String> groupPredicate);

    /** True if the instance holds at least one task of {@code group}. */
    default boolean hasTaskGroup(String group) {
        return anyTaskGroup(group::equals);
    }
}
