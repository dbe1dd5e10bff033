package dev.berth.scheduler.cql;

import static dev.berth.scheduler.cql.Operator.*;

import java.util.EnumSet;
import java.util.Set;

/**
 * The left-hand sides the Cluster Query Language knows, each with the operators ECS documents for it.
 *
 * <p>{@link #isDynamic()} tells the scheduler which subjects change as tasks are placed (so their
 * results cannot be cached per instance) and {@link #isAttribute()} which ones depend only on the
 * instance's attribute map (so their results can be cached per attribute signature).
 */
public enum Subject {
    AGENT_CONNECTED("agentConnected", EnumSet.of(EQ, NE, IN, NOT_IN, MATCHES, NOT_MATCHES)),
    AGENT_VERSION("agentVersion", EnumSet.of(EQ, NE, GT, GE, LT, LE)),
    ATTRIBUTE("attribute:", EnumSet.allOf(Operator.class)),
    EC2_INSTANCE_ID("ec2InstanceId", EnumSet.of(EQ, NE, IN, NOT_IN, MATCHES, NOT_MATCHES)),
    REGISTERED_AT("registeredAt", EnumSet.of(EQ, NE, GT, GE, LT, LE)),
    RUNNING_TASKS_COUNT("runningTasksCount", EnumSet.of(EQ, NE, GT, GE, LT, LE)),
    TASK_GROUP("task:group", EnumSet.of(EQ, NE, IN, NOT_IN, MATCHES, NOT_MATCHES, EXISTS, NOT_EXISTS));

    private final String spelling;
    private final Set<Operator> operators;

    Subject(String spelling, Set<Operator> operators) {
        this.spelling = spelling;
        this.operators = operators;
    }

    /** How the subject is written ({@code attribute:} is a prefix of the attribute name). */
    public String spelling() {
        return spelling;
    }

    public boolean allows(Operator op) {
        return operators.contains(op);
    }

    /** True if the value changes as tasks are placed on the instance. */
    public boolean isDynamic() {
        return this == TASK_GROUP || this == RUNNING_TASKS_COUNT;
    }

    public boolean isAttribute() {
        return this == ATTRIBUTE;
    }

    /** The subject a word names, or {@code null}; {@code attribute:<name>} maps to {@link #ATTRIBUTE}. */
    static Subject of(String word) {
        if (word.startsWith("attribute:")) {
            return ATTRIBUTE;
        }
        for (Subject s : values()) {
            if (s != ATTRIBUTE && s.spelling.equals(word)) {
                return s;
            }
        }
        return null;
    }
}
