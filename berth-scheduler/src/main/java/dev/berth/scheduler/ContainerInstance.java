package dev.berth.scheduler;

import dev.berth.scheduler.cql.InstanceView;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One container instance as the scheduler sees it: identity, status, resources, ports in use,
 * attributes and how many tasks of each task group it runs. This is input data, built by the
 * control plane from its store; the scheduler never reads anything else about an instance.
 *
 * <p>It implements {@link InstanceView}, so {@code ListContainerInstances --filter} can evaluate a
 * parsed expression on it directly. Built-in attributes ({@code ecs.availability-zone},
 * {@code ecs.instance-type}, {@code ecs.ami-id}, {@code ecs.os-type}, {@code ecs.os-family},
 * {@code ecs.cpu-architecture}, ...) are ordinary entries of {@link #attributes()}, as in ECS; an
 * attribute without value maps to {@code ""}. Host ports are encoded by {@link Ports}.
 *
 * @param arn             container instance ARN, used in placements and failures
 * @param taskGroups      task group ({@code family:web}, {@code service:api}, ...) to number of tasks
 * @param portsInUse      host ports taken (including the agent's reserved ports), see {@link Ports}
 * @param runtimeHealthy  false while the agent reports its container runtime (Docker Engine) unreachable
 */
public record ContainerInstance(
        String arn,
        String ec2InstanceId,
        InstanceStatus status,
        boolean agentConnected,
        String agentVersion,
        Instant registeredAt,
        int registeredCpu,
        int registeredMemory,
        int remainingCpu,
        int remainingMemory,
        Set<Integer> portsInUse,
        Map<String, String> attributes,
        Map<String, Integer> taskGroups,
        boolean runtimeHealthy)
        implements InstanceView {

    public ContainerInstance {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(status, "status");
        portsInUse = Set.copyOf(portsInUse);
        attributes = Map.copyOf(attributes);
        taskGroups = Map.copyOf(taskGroups);
    }

    /** Starts an ACTIVE, connected instance with no resources, attributes or tasks. */
    public static Builder builder(String arn) {
        return new Builder(arn);
    }

    /** A copy to change a few fields of. */
    public Builder toBuilder() {
        Builder b = new Builder(arn);
        b.ec2InstanceId = ec2InstanceId;
        b.status = status;
        b.agentConnected = agentConnected;
        b.agentVersion = agentVersion;
        b.registeredAt = registeredAt;
        b.registeredCpu = registeredCpu;
        b.registeredMemory = registeredMemory;
        b.remainingCpu = remainingCpu;
        b.remainingMemory = remainingMemory;
        b.portsInUse = portsInUse;
        b.attributes = attributes;
        b.taskGroups = taskGroups;
        b.runtimeHealthy = runtimeHealthy;
        return b;
    }

    @Override
    public String attribute(String name) {
        return attributes.get(name);
    }

    @Override
    public int runningTasksCount() {
        int n = 0;
        for (int c : taskGroups.values()) {
            n += c;
        }
        return n;
    }

    @Override
    public boolean anyTaskGroup(Predicate<String> groupPredicate) {
        for (Map.Entry<String, Integer> e : taskGroups.entrySet()) {
            if (e.getValue() > 0 && groupPredicate.test(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean hasTaskGroup(String group) {
        return taskGroups.getOrDefault(group, 0) > 0;
    }

    /** Fluent construction, because an instance has many fields and tests set few of them. */
    public static final class Builder {
        private final String arn;
        private String ec2InstanceId;
        private InstanceStatus status = InstanceStatus.ACTIVE;
        private boolean agentConnected = true;
        private String agentVersion;
        private Instant registeredAt;
        private int registeredCpu;
        private int registeredMemory;
        private int remainingCpu;
        private int remainingMemory;
        private Set<Integer> portsInUse = Set.of();
        private Map<String, String> attributes = Map.of();
        private Map<String, Integer> taskGroups = Map.of();
        private boolean runtimeHealthy = true;

        private Builder(String arn) {
            this.arn = arn;
        }

        public Builder ec2InstanceId(String v) {
            ec2InstanceId = v;
            return this;
        }

        public Builder status(InstanceStatus v) {
            status = v;
            return this;
        }

        public Builder agentConnected(boolean v) {
            agentConnected = v;
            return this;
        }

        public Builder agentVersion(String v) {
            agentVersion = v;
            return this;
        }

        public Builder registeredAt(Instant v) {
            registeredAt = v;
            return this;
        }

        public Builder portsInUse(Set<Integer> v) {
            portsInUse = v;
            return this;
        }

        public Builder attributes(Map<String, String> v) {
            attributes = v;
            return this;
        }

        public Builder taskGroups(Map<String, Integer> v) {
            taskGroups = v;
            return this;
        }

        public Builder runtimeHealthy(boolean v) {
            runtimeHealthy = v;
            return this;
        }

        /** Sets registered and remaining CPU units and memory (MiB) to the same values. */
        public Builder resources(int cpu, int memory) {
            return registered(cpu, memory).remaining(cpu, memory);
        }

        public Builder registered(int cpu, int memory) {
            registeredCpu = cpu;
            registeredMemory = memory;
            return this;
        }

        public Builder remaining(int cpu, int memory) {
            remainingCpu = cpu;
            remainingMemory = memory;
            return this;
        }

        public ContainerInstance build() {
            return new ContainerInstance(
                    arn,
                    ec2InstanceId,
                    status,
                    agentConnected,
                    agentVersion,
                    registeredAt,
                    registeredCpu,
                    registeredMemory,
                    remainingCpu,
                    remainingMemory,
                    portsInUse,
                    attributes,
                    taskGroups,
                    runtimeHealthy);
        }
    }
}
