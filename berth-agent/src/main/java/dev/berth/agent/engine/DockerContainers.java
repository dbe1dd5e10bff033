package dev.berth.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Link;
import com.github.dockerjava.api.model.Ports;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Translates a {@link ContainerSpec} into a Docker create request, and Docker's inspect output
 * back into engine terms (network bindings, timestamps). Stateless; every mapping decision
 * between ECS container definitions and Docker lives here and nowhere else.
 */
final class DockerContainers {
    /** The ECS agent never gives a Linux container fewer than 2 CPU shares. */
    static final int MIN_CPU_SHARES = 2;

    private static final long MIB = 1024L * 1024L;

    private DockerContainers() {}

    /**
     * The Docker name of a task's container: {@code berth-<family>-<rev>-<container>-<taskId>},
     * unique per task and readable in {@code docker ps}.
     */
    static String dockerName(TaskSpec task, String containerName) {
        String raw = "berth-" + task.family() + "-" + task.revision() + "-" + containerName + "-" + task.taskId();
        return raw.replaceAll("[^a-zA-Z0-9_.-]", "-");
    }

    /** Builds (does not execute) the create command for one container of the task. */
    static CreateContainerCmd createCommand(
            DockerClient docker,
            EngineConfig config,
            TaskSpec task,
            ContainerSpec c,
            String taskSpecJson,
            Optional<String> cgroupParent) {
        var host = HostConfig.newHostConfig()
                .withNetworkMode(task.networkMode().wireName())
                .withCpuShares(Math.max(MIN_CPU_SHARES, c.cpu() == null ? 0 : c.cpu()));
        cgroupParent.ifPresent(host::withCgroupParent);
        // without a task cgroup, the task's memory is the best bound a lone container can get
        Integer memory = c.memory() != null ? c.memory() : cgroupParent.isPresent() ? null : task.memory();
        if (memory != null) {
            host.withMemory(memory * MIB);
        }
        if (c.memoryReservation() != null) {
            host.withMemoryReservation(c.memoryReservation() * MIB);
        }
        if (!c.ulimits().isEmpty()) {
            host.withUlimits(c.ulimits().stream()
                    .map(u -> new com.github.dockerjava.api.model.Ulimit(u.name(), u.softLimit(), u.hardLimit()))
                    .toList());
        }
        if (!c.extraHosts().isEmpty()) {
            host.withExtraHosts(c.extraHosts().stream()
                    .map(h -> h.hostname() + ":" + h.ipAddress())
                    .toArray(String[]::new));
        }
        List<ExposedPort> exposed = new ArrayList<>();
        var ports = new Ports();
        for (PortMapping m : c.portMappings()) {
            var port = new ExposedPort(m.containerPort(), InternetProtocol.parse(m.protocol()));
            exposed.add(port);
            if (task.networkMode() == NetworkMode.BRIDGE) {
                ports.bind(
                        port,
                        m.dynamic()
                                ? Ports.Binding.bindIp(config.hostIp())
                                : Ports.Binding.bindIpAndPort(config.hostIp(), m.hostPort()));
            }
        }
        if (task.networkMode() == NetworkMode.BRIDGE) {
            host.withPortBindings(ports);
            host.withLinks(c.links().stream()
                    .map(l -> {
                        String[] parts = l.split(":", 2);
                        return new Link(dockerName(task, parts[0]), parts.length > 1 ? parts[1] : parts[0]);
                    })
                    .toList());
        }
        var cmd = docker.createContainerCmd(c.image())
                .withName(dockerName(task, c.name()))
                .withHostConfig(host)
                .withLabels(labels(config, task, c, taskSpecJson))
                .withEnv(c.effectiveEnvironment().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .sorted()
                        .toList());
        if (!exposed.isEmpty()) {
            cmd.withExposedPorts(exposed);
        }
        if (!c.command().isEmpty()) {
            cmd.withCmd(c.command());
        }
        if (!c.entryPoint().isEmpty()) {
            cmd.withEntrypoint(c.entryPoint());
        }
        if (c.workingDirectory() != null) {
            cmd.withWorkingDir(c.workingDirectory());
        }
        if (c.user() != null) {
            cmd.withUser(c.user());
        }
        if (c.hostname() != null && task.networkMode() != NetworkMode.HOST) {
            cmd.withHostName(c.hostname());
        }
        if (c.healthCheck() != null) {
            cmd.withHealthcheck(healthCheck(c.healthCheck()));
        }
        return cmd;
    }

    private static Map<String, String> labels(
            EngineConfig config, TaskSpec task, ContainerSpec c, String taskSpecJson) {
        var labels = new HashMap<>(c.dockerLabels());
        labels.put(Labels.TASK_ARN, task.taskArn());
        labels.put(Labels.CONTAINER_NAME, c.name());
        labels.put(Labels.CLUSTER, String.valueOf(task.clusterName()));
        labels.put(Labels.FAMILY, String.valueOf(task.family()));
        labels.put(Labels.VERSION, Integer.toString(task.revision()));
        labels.put(Labels.INSTANCE, config.instanceId());
        labels.put(Labels.TASK_SPEC, taskSpecJson);
        return labels;
    }

    static HealthCheck healthCheck(HealthCheckSpec h) {
        return new HealthCheck()
                .withTest(h.command())
                .withInterval(TimeUnit.SECONDS.toNanos(h.interval()))
                .withTimeout(TimeUnit.SECONDS.toNanos(h.timeout()))
                .withRetries(h.retries())
                .withStartPeriod(TimeUnit.SECONDS.toNanos(h.startPeriod()));
    }

    /** The container's ports as ECS network bindings, read from Docker after start. */
    static List<NetworkBinding> networkBindings(NetworkMode mode, ContainerSpec spec, InspectContainerResponse info) {
        if (mode == NetworkMode.HOST) {
            return spec.portMappings().stream()
                    .map(m -> new NetworkBinding("0.0.0.0", m.containerPort(), m.containerPort(), m.protocol()))
                    .toList();
        }
        var result = new ArrayList<NetworkBinding>();
        var settings = info.getNetworkSettings();
        if (settings == null || settings.getPorts() == null) {
            return result;
        }
        settings.getPorts().getBindings().forEach((port, bindings) -> {
            if (bindings == null) {
                return;
            }
            for (var b : bindings) {
                result.add(new NetworkBinding(
                        b.getHostIp(),
                        port.getPort(),
                        Integer.parseInt(b.getHostPortSpec()),
                        port.getProtocol().toString()));
            }
        });
        result.sort(java.util.Comparator.comparingInt(NetworkBinding::containerPort));
        return result;
    }

    /** Force-removes containers; ones already gone are fine. */
    static void remove(DockerClient docker, List<String> containerIds) {
        for (String id : containerIds) {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (com.github.dockerjava.api.exception.NotFoundException ignored) {
                // already gone
            }
        }
    }

    /** Parses Docker's timestamps; its "zero time" means "never". */
    static Instant time(String dockerTime) {
        if (dockerTime == null || dockerTime.isBlank() || dockerTime.startsWith("0001-")) {
            return null;
        }
        return Instant.parse(dockerTime);
    }
}
