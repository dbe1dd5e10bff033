package dev.berth.cli;

import dev.berth.cli.agent.AgentConfig;
import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth server}: starts the whole platform in this process and runs until Ctrl-C or SIGTERM,
 * then shuts down cleanly (stops accepting requests, finishes in-flight ones, closes the store).
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = "Start the Berth control plane (AWS API front door and state store).")
public final class ServerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "4566", description = "Port of the front door (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--data-dir", description = "Where state, keys and credentials live (default ~/.berth).")
    Path dataDir;

    @Option(
            names = "--store",
            description = "JDBC URL of the state store, e.g. jdbc:postgresql://db:5432/berth?user=..."
                    + " (default: an embedded H2 file in the data dir).")
    String store;

    @Option(
            names = "--no-agent",
            description = "Do not start the local agent (by default one registers this machine into cluster default).")
    boolean noAgent;

    @Option(
            names = "--account-id",
            defaultValue = "000000000000",
            description = "Account id used in ARNs (default ${DEFAULT-VALUE}).")
    String accountId;

    @Option(
            names = "--region",
            defaultValue = "us-east-1",
            description = "Region used in ARNs and signatures (default ${DEFAULT-VALUE}).")
    String region;

    @Option(
            names = "--image-pull-behavior",
            defaultValue = "${env:BERTH_IMAGE_PULL_BEHAVIOR:-default}",
            description = "The local agent's image pull behaviour: default, always, once or prefer-cached"
                    + " (env BERTH_IMAGE_PULL_BEHAVIOR; default ${DEFAULT-VALUE}).")
    String imagePullBehavior;

    @Option(
            names = "--lost-instance-timeout",
            defaultValue = "5m",
            description =
                    "How long a container instance's agent may stay disconnected (after the 60 s heartbeat timeout)"
                            + " before its tasks are marked STOPPED: seconds, or a number with s, m or h (default ${DEFAULT-VALUE}).")
    String lostInstanceTimeout;

    @Option(
            names = "--lb-addresses",
            defaultValue = "${env:BERTH_LB_ADDRESSES:-" + dev.berth.lb.api.AddressPool.DEFAULT + "}",
            description =
                    "The IPv4 addresses load balancers listen on, one each: a range a.b.c.d-a.b.c.e or a comma-separated"
                            + " list (env BERTH_LB_ADDRESSES; default ${DEFAULT-VALUE}). A load balancer's DNSName is its address.")
    String lbAddresses;

    @Option(
            names = "--lb-threads",
            defaultValue = "${env:BERTH_LB_THREADS:-0}",
            description = "Event loop threads for application load balancer traffic (env BERTH_LB_THREADS; default 0:"
                    + " half the processors, at least 1).")
    int lbThreads;

    @Option(
            names = "--lb-io-uring",
            defaultValue = "${env:BERTH_LB_IO_URING:-true}",
            arity = "1",
            description =
                    "Whether application load balancer event loops use io_uring when the kernel offers it (env"
                            + " BERTH_LB_IO_URING; default ${DEFAULT-VALUE}); false, or a kernel without it: native epoll like the API.")
    boolean lbIoUring;

    @Option(
            names = "--master-key-file",
            defaultValue = "${env:BERTH_MASTER_KEY_FILE}",
            description =
                    "File holding the master key that seals secrets at rest (base64 of 32 bytes; env BERTH_MASTER_KEY_FILE;"
                            + " BERTH_MASTER_KEY may hold the base64 key itself). Default: <data-dir>/master.key, created on first start.")
    Path masterKeyFile;

    @Option(
            names = "--docker-host",
            description = "The local agent's Docker Engine: unix:///path/docker.sock (e.g. a rootless engine's"
                    + " unix:///run/user/1000/docker.sock) or tcp://host:port (default: DOCKER_HOST, else"
                    + " unix:///var/run/docker.sock).")
    String dockerHost;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private dev.berth.agent.engine.ImagePullBehavior pullBehavior() {
        try {
            return AgentConfig.parsePullBehavior(imagePullBehavior);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Parses {@code 300}, {@code 300s}, {@code 5m} or {@code 1h}; a usage error otherwise. */
    static java.time.Duration parseDuration(String option, String text) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d{1,9})([smh]?)").matcher(text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
            throw new IllegalArgumentException(
                    option + " must be a positive number of seconds, or a number with s, m or h" + " (e.g. 5m); got '"
                            + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofSeconds(n);
        };
    }

    private java.time.Duration lostTimeout() {
        try {
            return parseDuration("--lost-instance-timeout", lostInstanceTimeout);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".berth");
        ServerConfig config = new ServerConfig(
                bind,
                port,
                dir.toAbsolutePath(),
                store,
                !noAgent,
                accountId,
                region,
                System.getenv("BERTH_ROOT_ACCESS_KEY_ID"),
                System.getenv("BERTH_ROOT_SECRET_ACCESS_KEY"),
                ServerConfig.DEFAULT_HEARTBEAT_TIMEOUT,
                pullBehavior(),
                lostTimeout(),
                lbAddresses,
                masterKeyFile,
                lbThreads,
                lbIoUring,
                AgentCommand.dockerHost(spec.commandLine(), dockerHost));
        long started = System.nanoTime();
        BerthServer server = BerthServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "berth-shutdown"));
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("Berth %s is ready in %d ms%n", BerthVersion.version(), ms);
        System.out.printf("  endpoint:    %s%n", server.endpoint());
        System.out.printf("  store:       %s%n", server.storeDescription());
        System.out.printf("  credentials: %s (profile default)%n", server.credentialsFile());
        if (!noAgent) {
            System.out.printf("  docker:      %s (the local agent's engine)%n", config.dockerHost());
        }
        System.out.printf(
                "Try:%n  export AWS_SHARED_CREDENTIALS_FILE=%s AWS_DEFAULT_REGION=%s%n",
                server.credentialsFile(), region);
        System.out.printf("  aws --endpoint-url %s ecs list-clusters%n", server.endpoint());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
