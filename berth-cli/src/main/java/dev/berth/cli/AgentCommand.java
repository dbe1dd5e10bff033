package dev.berth.cli;

import dev.berth.cli.agent.Agent;
import dev.berth.cli.agent.AgentConfig;
import dev.berth.cli.agent.HostFacts;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth agent}: joins this machine to a Berth server as a container instance and keeps it
 * connected until Ctrl-C or SIGTERM. The work is done by {@link Agent}; this class only turns flags
 * into an {@link AgentConfig}.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = "Register this machine as a container instance of a Berth cluster and keep it connected.")
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--server", required = true, description = "URL of the Berth server, e.g. http://10.0.0.5:4566.")
    URI server;

    @Option(names = "--cluster", defaultValue = "default", description = "Cluster to join (default ${DEFAULT-VALUE}).")
    String cluster;

    @Option(
            names = "--host-ip",
            defaultValue = "127.0.0.1",
            description = "This instance's private IP; container ports are published on it (default ${DEFAULT-VALUE}).")
    String hostIp;

    @Option(names = "--data-dir", description = "Where the agent keeps its identity (default ~/.berth-agent).")
    Path dataDir;

    @Option(names = "--token", description = "The join token (see <server data dir>/join-token).")
    String token;

    @Option(names = "--token-file", description = "File holding the join token, read at each registration.")
    Path tokenFile;

    @Option(names = "--availability-zone", description = "ecs.availability-zone (default: the server's region + 'a').")
    String availabilityZone;

    @Option(
            names = "--instance-type",
            defaultValue = "berth.host",
            description = "ecs.instance-type (default ${DEFAULT-VALUE}).")
    String instanceType;

    @Option(names = "--ami-id", defaultValue = "ami-berth", description = "ecs.ami-id (default ${DEFAULT-VALUE}).")
    String amiId;

    @Option(names = "--attribute", description = "Custom attribute name=value (or just name); repeatable.")
    List<String> attributes = List.of();

    @Option(names = "--cpu", description = "CPU units to register (default 1024 per core).")
    Integer cpu;

    @Option(names = "--memory", description = "MiB of memory to register (default: total minus --memory-reserve).")
    Integer memory;

    @Option(
            names = "--memory-reserve",
            defaultValue = "256",
            description = "MiB kept back for the host (default ${DEFAULT-VALUE}).")
    int memoryReserve;

    @Option(names = "--deregister-on-exit", description = "Deregister the instance when the agent stops.")
    boolean deregisterOnExit;

    @Option(
            names = "--image-pull-behavior",
            defaultValue = "${env:BERTH_IMAGE_PULL_BEHAVIOR:-default}",
            description = "ECS_IMAGE_PULL_BEHAVIOR: default, always, once or prefer-cached"
                    + " (env BERTH_IMAGE_PULL_BEHAVIOR; default ${DEFAULT-VALUE}).")
    String imagePullBehavior;

    @Option(
            names = "--docker-host",
            description = "Docker Engine endpoint: unix:///path/docker.sock or tcp://host:port (default: DOCKER_HOST,"
                    + " else unix:///var/run/docker.sock).")
    String dockerHost;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((token == null) == (tokenFile == null)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "give exactly one of --token and --token-file");
        }
        Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".berth-agent");
        URI docker = dockerHost(spec.commandLine(), dockerHost);
        AgentConfig config = new AgentConfig(
                server,
                cluster,
                hostIp,
                dir.toAbsolutePath(),
                token,
                tokenFile,
                cpu,
                memory,
                memoryReserve,
                availabilityZone,
                instanceType,
                amiId,
                parseAttributes(spec.commandLine(), attributes),
                deregisterOnExit,
                null,
                pullBehavior(),
                docker);
        Agent agent = Agent.start(config, () -> HostFacts.detect(docker));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            agent.close();
                            stopped.countDown();
                        },
                        "berth-agent-shutdown"));
        System.out.printf(
                "Berth agent %s joining cluster %s at %s as %s (Docker Engine %s)%n",
                BerthVersion.version(), cluster, server, hostIp, docker);
        System.out.flush();
        stopped.await();
        return 0;
    }

    private dev.berth.agent.engine.ImagePullBehavior pullBehavior() {
        try {
            return AgentConfig.parsePullBehavior(imagePullBehavior);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The Docker Engine endpoint: {@code --docker-host} if given, else {@code DOCKER_HOST}, else the default socket. */
    static URI dockerHost(CommandLine cmd, String flag) {
        try {
            return dev.berth.agent.engine.DockerHost.resolve(flag, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    /** {@code name=value} or {@code name} (an attribute without value), as ECS attributes allow. */
    static Map<String, String> parseAttributes(CommandLine cmd, List<String> specs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            String name = eq < 0 ? s : s.substring(0, eq);
            if (name.isEmpty()) {
                throw new CommandLine.ParameterException(cmd, "--attribute needs a name: '" + s + "'");
            }
            out.put(name, eq < 0 ? null : s.substring(eq + 1));
        }
        return out;
    }
}
