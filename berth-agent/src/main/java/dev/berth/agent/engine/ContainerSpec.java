package dev.berth.agent.engine;

import java.util.List;
import java.util.Map;

/**
 * What to run for one container of a task: an ECS container definition with the task's
 * overrides already applied and secrets already resolved (the server does both). Plain record so
 * it round-trips through Jackson with the ECS field names; collections are never null and are
 * immutable, {@code essential} defaults to true as in ECS.
 *
 * @param cpu CPU units (1024 = one core), passed to Docker as CPU shares (minimum 2)
 * @param memory hard limit in MiB, or null
 * @param memoryReservation soft limit in MiB, or null
 * @param stopTimeout seconds between SIGTERM and SIGKILL, null for the engine default (30 s)
 * @param startTimeout seconds to wait for {@code dependsOn} conditions, null for the default
 * @param repositoryCredentials registry login for this image, or null
 * @param secretEnvironment the container's resolved {@code secrets} and {@code environmentFiles} variables
 *     (name to value; the server leaves out file variables that {@code environment} sets): set as environment
 *     variables like {@code environment} (winning on a clash), but never written into a Docker label,
 *     and left out of {@link #toString()}
 */
public record ContainerSpec(
        String name,
        String image,
        List<String> command,
        List<String> entryPoint,
        Map<String, String> environment,
        List<PortMapping> portMappings,
        Integer cpu,
        Integer memory,
        Integer memoryReservation,
        Boolean essential,
        String workingDirectory,
        String user,
        String hostname,
        List<String> links,
        List<HostEntry> extraHosts,
        Map<String, String> dockerLabels,
        List<Ulimit> ulimits,
        List<ContainerDependency> dependsOn,
        HealthCheckSpec healthCheck,
        Integer stopTimeout,
        Integer startTimeout,
        RegistryCredentials repositoryCredentials,
        Map<String, String> secretEnvironment) {

    public ContainerSpec {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,255}")) {
            throw new IllegalArgumentException("invalid container name: " + name);
        }
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("container " + name + " has no image");
        }
        command = command == null ? List.of() : List.copyOf(command);
        entryPoint = entryPoint == null ? List.of() : List.copyOf(entryPoint);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
        essential = essential == null || essential;
        links = links == null ? List.of() : List.copyOf(links);
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        dockerLabels = dockerLabels == null ? Map.of() : Map.copyOf(dockerLabels);
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        secretEnvironment = secretEnvironment == null ? Map.of() : Map.copyOf(secretEnvironment);
    }

    /** Every environment variable the container gets: {@code environment}, then {@code secretEnvironment} over it. */
    public Map<String, String> effectiveEnvironment() {
        if (secretEnvironment.isEmpty()) {
            return environment;
        }
        var all = new java.util.HashMap<>(environment);
        all.putAll(secretEnvironment);
        return all;
    }

    @Override
    public String toString() {
        return "ContainerSpec[name=" + name + ", image=" + image + ", secretEnvironment=" + secretEnvironment.keySet()
                + "]";
    }

    /** A minimal essential container; use {@link #toBuilder()} or the {@code with...} methods for the rest. */
    public static ContainerSpec of(String name, String image) {
        return builder(name, image).build();
    }

    /** A builder for a container with this name and image. */
    public static Builder builder(String name, String image) {
        return new Builder().name(name).image(image);
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        var b = new Builder();
        b.name = name;
        b.image = image;
        b.command = command;
        b.entryPoint = entryPoint;
        b.environment = environment;
        b.portMappings = portMappings;
        b.cpu = cpu;
        b.memory = memory;
        b.memoryReservation = memoryReservation;
        b.essential = essential;
        b.workingDirectory = workingDirectory;
        b.user = user;
        b.hostname = hostname;
        b.links = links;
        b.extraHosts = extraHosts;
        b.dockerLabels = dockerLabels;
        b.ulimits = ulimits;
        b.dependsOn = dependsOn;
        b.healthCheck = healthCheck;
        b.stopTimeout = stopTimeout;
        b.startTimeout = startTimeout;
        b.repositoryCredentials = repositoryCredentials;
        b.secretEnvironment = secretEnvironment;
        return b;
    }

    public ContainerSpec withCommand(String... args) {
        return toBuilder().command(args).build();
    }

    public ContainerSpec withPortMappings(PortMapping... mappings) {
        return toBuilder().portMappings(mappings).build();
    }

    public ContainerSpec withEssential(boolean value) {
        return toBuilder().essential(value).build();
    }

    public ContainerSpec withLimits(Integer cpuUnits, Integer memoryMiB, Integer reservationMiB) {
        return toBuilder()
                .cpu(cpuUnits)
                .memory(memoryMiB)
                .memoryReservation(reservationMiB)
                .build();
    }

    public ContainerSpec withDependsOn(ContainerDependency... dependencies) {
        return toBuilder().dependsOn(dependencies).build();
    }

    public ContainerSpec withHealthCheck(HealthCheckSpec check) {
        return toBuilder().healthCheck(check).build();
    }

    public ContainerSpec withTimeouts(Integer stopSeconds, Integer startSeconds) {
        return toBuilder().stopTimeout(stopSeconds).startTimeout(startSeconds).build();
    }

    /** This spec without registry credentials and secrets: what may be written into a Docker label. */
    public ContainerSpec withoutCredentials() {
        return toBuilder().repositoryCredentials(null).secretEnvironment(null).build();
    }

    /**
     * Builds a {@link ContainerSpec} field by field (the record's constructor normalises and
     * validates on {@link #build()}). Not thread-safe; use one per spec.
     */
    public static final class Builder {
        private String name;
        private String image;
        private List<String> command;
        private List<String> entryPoint;
        private Map<String, String> environment;
        private List<PortMapping> portMappings;
        private Integer cpu;
        private Integer memory;
        private Integer memoryReservation;
        private Boolean essential;
        private String workingDirectory;
        private String user;
        private String hostname;
        private List<String> links;
        private List<HostEntry> extraHosts;
        private Map<String, String> dockerLabels;
        private List<Ulimit> ulimits;
        private List<ContainerDependency> dependsOn;
        private HealthCheckSpec healthCheck;
        private Integer stopTimeout;
        private Integer startTimeout;
        private RegistryCredentials repositoryCredentials;
        private Map<String, String> secretEnvironment;

        private Builder() {}

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder image(String value) {
            this.image = value;
            return this;
        }

        public Builder command(String... values) {
            this.command = List.of(values);
            return this;
        }

        public Builder entryPoint(String... values) {
            this.entryPoint = List.of(values);
            return this;
        }

        public Builder environment(Map<String, String> value) {
            this.environment = value;
            return this;
        }

        public Builder portMappings(PortMapping... values) {
            this.portMappings = List.of(values);
            return this;
        }

        public Builder cpu(Integer value) {
            this.cpu = value;
            return this;
        }

        public Builder memory(Integer value) {
            this.memory = value;
            return this;
        }

        public Builder memoryReservation(Integer value) {
            this.memoryReservation = value;
            return this;
        }

        public Builder essential(Boolean value) {
            this.essential = value;
            return this;
        }

        public Builder workingDirectory(String value) {
            this.workingDirectory = value;
            return this;
        }

        public Builder user(String value) {
            this.user = value;
            return this;
        }

        public Builder hostname(String value) {
            this.hostname = value;
            return this;
        }

        public Builder links(String... values) {
            this.links = List.of(values);
            return this;
        }

        public Builder extraHosts(HostEntry... values) {
            this.extraHosts = List.of(values);
            return this;
        }

        public Builder dockerLabels(Map<String, String> value) {
            this.dockerLabels = value;
            return this;
        }

        public Builder ulimits(Ulimit... values) {
            this.ulimits = List.of(values);
            return this;
        }

        public Builder dependsOn(ContainerDependency... values) {
            this.dependsOn = List.of(values);
            return this;
        }

        public Builder healthCheck(HealthCheckSpec value) {
            this.healthCheck = value;
            return this;
        }

        public Builder stopTimeout(Integer value) {
            this.stopTimeout = value;
            return this;
        }

        public Builder startTimeout(Integer value) {
            this.startTimeout = value;
            return this;
        }

        public Builder secretEnvironment(Map<String, String> value) {
            this.secretEnvironment = value;
            return this;
        }

        public Builder repositoryCredentials(RegistryCredentials value) {
            this.repositoryCredentials = value;
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(
                    name,
                    image,
                    command,
                    entryPoint,
                    environment,
                    portMappings,
                    cpu,
                    memory,
                    memoryReservation,
                    essential,
                    workingDirectory,
                    user,
                    hostname,
                    links,
                    extraHosts,
                    dockerLabels,
                    ulimits,
                    dependsOn,
                    healthCheck,
                    stopTimeout,
                    startTimeout,
                    repositoryCredentials,
                    secretEnvironment);
        }
    }

    /**
     * Containers this one must wait for: its {@code dependsOn} plus, as the ECS agent does, an
     * implicit START dependency on every container it links to ({@code "name:alias"}).
     */
    public List<ContainerDependency> effectiveDependencies() {
        var all = new java.util.ArrayList<>(dependsOn);
        for (String link : links) {
            String target = link.split(":", 2)[0];
            if (all.stream().noneMatch(d -> d.containerName().equals(target))) {
                all.add(new ContainerDependency(target, DependencyCondition.START));
            }
        }
        return List.copyOf(all);
    }
}
