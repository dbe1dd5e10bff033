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
    RegistryCredentials repositoryCredentials) {

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
  }

  /** A minimal essential container; use the {@code with...} methods for the rest. */
  public static ContainerSpec of(String name, String image) {
    return new ContainerSpec(name, image, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null);
  }

  public ContainerSpec withCommand(String... args) {
    return new ContainerSpec(name, image, List.of(args), entryPoint, environment, portMappings,
        cpu, memory, memoryReservation, essential, workingDirectory, user, hostname, links,
        extraHosts, dockerLabels, ulimits, dependsOn, healthCheck, stopTimeout, startTimeout,
        repositoryCredentials);
  }

  public ContainerSpec withPortMappings(PortMapping... mappings) {
    return new ContainerSpec(name, image, command, entryPoint, environment, List.of(mappings),
        cpu, memory, memoryReservation, essential, workingDirectory, user, hostname, links,
        extraHosts, dockerLabels, ulimits, dependsOn, healthCheck, stopTimeout, startTimeout,
        repositoryCredentials);
  }

  public ContainerSpec withEssential(boolean value) {
    return new ContainerSpec(name, image, command, entryPoint, environment, portMappings, cpu,
        memory, memoryReservation, value, workingDirectory, user, hostname, links, extraHosts,
        dockerLabels, ulimits, dependsOn, healthCheck, stopTimeout, startTimeout,
        repositoryCredentials);
  }

  public ContainerSpec withLimits(Integer cpuUnits, Integer memoryMiB, Integer reservationMiB) {
    return new ContainerSpec(name, image, command, entryPoint, environment, portMappings,
        cpuUnits, memoryMiB, reservationMiB, essential, workingDirectory, user, hostname, links,
        extraHosts, dockerLabels, ulimits, dependsOn, healthCheck, stopTimeout, startTimeout,
        repositoryCredentials);
  }

  public ContainerSpec withDependsOn(ContainerDependency... dependencies) {
    return new ContainerSpec(name, image, command, entryPoint, environment, portMappings, cpu,
        memory, memoryReservation, essential, workingDirectory, user, hostname, links, extraHosts,
        dockerLabels, ulimits, List.of(dependencies), healthCheck, stopTimeout, startTimeout,
        repositoryCredentials);
  }

  public ContainerSpec withHealthCheck(HealthCheckSpec check) {
    return new ContainerSpec(name, image, command, entryPoint, environment, portMappings, cpu,
        memory, memoryReservation, essential, workingDirectory, user, hostname, links, extraHosts,
        dockerLabels, ulimits, dependsOn, check, stopTimeout, startTimeout,
        repositoryCredentials);
  }

  public ContainerSpec withTimeouts(Integer stopSeconds, Integer startSeconds) {
    return new ContainerSpec(name, image, command, entryPoint, environment, portMappings, cpu,
        memory, memoryReservation, essential, workingDirectory, user, hostname, links, extraHosts,
        dockerLabels, ulimits, dependsOn, healthCheck, stopSeconds, startSeconds,
        repositoryCredentials);
  }

  /** This spec without registry credentials: what may be written into a Docker label. */
  public ContainerSpec withoutCredentials() {
    return new ContainerSpec(name, image, command, entryPoint, environment, portMappings, cpu,
        memory, memoryReservation, essential, workingDirectory, user, hostname, links, extraHosts,
        dockerLabels, ulimits, dependsOn, healthCheck, stopTimeout, startTimeout, null);
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
