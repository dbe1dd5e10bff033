package dev.berth.scheduler;

/**
 * Why an instance cannot take a task, in the order the filters run (status and agent first, then
 * required attributes, then ECS's documented order: CPU, memory, ports, then constraints). The
 * ordinal is the order, so the instance rejected by the latest filter is the "closest match".
 * {@link #ecsReason()} is the text ECS puts in a RunTask/StartTask {@code failures[].reason}.
 */
public enum Rejection {
    INACTIVE("INACTIVE"),
    DRAINING("DRAINING"),
    AGENT_DISCONNECTED("AGENT"),
    /** The agent reports its container runtime unreachable: as unable to run a task as a disconnected agent. */
    RUNTIME_IMPAIRED("AGENT"),
    MISSING_ATTRIBUTE("ATTRIBUTE"),
    CPU("RESOURCE:CPU"),
    MEMORY("RESOURCE:MEMORY"),
    PORTS("RESOURCE:PORTS"),
    DISTINCT_INSTANCE("DistinctInstance placement constraint unsatisfied."),
    MEMBER_OF("MemberOf placement constraint unsatisfied.");

    private final String ecsReason;

    Rejection(String ecsReason) {
        this.ecsReason = ecsReason;
    }

    public String ecsReason() {
        return ecsReason;
    }
}
