package dev.berth.scheduler;

import java.util.List;
import java.util.Set;

/**
 * What one task needs from an instance: CPU units, memory (MiB), static host ports (encoded by
 * {@link Ports}; dynamic host ports need nothing) and the attributes its task definition requires
 * ({@code requiresAttributes}, such as {@code com.amazonaws.ecs.capability.docker-remote-api.1.19}).
 * Launch-type compatibility (EC2 versus FARGATE) is checked by the API layer before placement.
 */
public record TaskRequirements(
        int cpu, int memory, Set<Integer> hostPorts, List<RequiredAttribute> requiredAttributes) {

    public TaskRequirements {
        if (cpu < 0 || memory < 0) {
            throw new IllegalArgumentException("cpu and memory must not be negative");
        }
        hostPorts = Set.copyOf(hostPorts);
        requiredAttributes = List.copyOf(requiredAttributes);
    }

    /** A task with only CPU and memory needs. */
    public static TaskRequirements of(int cpu, int memory) {
        return new TaskRequirements(cpu, memory, Set.of(), List.of());
    }

    public TaskRequirements withHostPorts(Set<Integer> ports) {
        return new TaskRequirements(cpu, memory, ports, requiredAttributes);
    }

    public TaskRequirements withRequiredAttributes(List<RequiredAttribute> attributes) {
        return new TaskRequirements(cpu, memory, hostPorts, attributes);
    }

    /**
     * An attribute an instance must have, and if {@code value} is not {@code null}, with that value.
     */
    public record RequiredAttribute(String name, String value) {
        boolean satisfiedBy(String actual) {
            return actual != null && (value == null || value.equals(actual));
        }
    }
}
