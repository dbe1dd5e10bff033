package dev.berth.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cli.BerthVersion;
import dev.berth.protocol.json.Jsons;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Berth agent: registers its host as a container instance, then long-polls the server for its
 * desired state forever (each poll is also its heartbeat), reconnecting with {@link Backoff} when
 * the server is unreachable. The same class runs as {@code berth agent} on another machine and
 * in-process inside {@code berth server} (the local agent, over HTTP to its own server).
 *
 * <p>Threading: one virtual thread runs the loop and is the only writer of the agent's state;
 * {@link #close()} interrupts it (aborting a poll in flight) and waits for it. Getters read
 * volatile fields and may be called from any thread.
 *
 * <p>State machine of the loop: STARTING → CONNECTED ⇄ DISCONNECTED; any → DEREGISTERED (the server
 * answered 410: the instance was deregistered, the loop ends) or STOPPED (closed).
 */
public final class Agent implements AutoCloseable {

    /** Where the agent loop is. */
    public enum State {
        STARTING,
        CONNECTED,
        DISCONNECTED,
        DEREGISTERED,
        STOPPED
    }

    /** Ports the ECS agent reserves on every instance: SSH, Docker (plain and TLS), the ECS agent's own. */
    public static final List<String> RESERVED_PORTS = List.of("22", "2375", "2376", "51678", "51679");
    /** Oldest Docker remote API version the capabilities list, as the ECS agent does. */
    private static final int MIN_DOCKER_API = 17;
    /** Newest Docker remote API version advertised even if the engine speaks a newer one. */
    private static final int MAX_DOCKER_API = 44;

    /** How long a poll waits while Docker Engine does not answer, so the agent picks it up within seconds. */
    static final int ENGINE_RETRY_SECONDS = 5;
    /** How often the agent reads its host facts again while the engine answers (an upgrade changes them). */
    static final Duration HOST_RECHECK = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final java.util.function.Supplier<HostFacts> hostFacts;
    private volatile HostFacts host;
    private final ObjectMapper mapper = Jsons.newMapper();
    private final AgentClient client;
    private final Backoff backoff;
    private final CountDownLatch registered = new CountDownLatch(1);
    private final Thread thread;
    private volatile State state = State.STARTING;
    private volatile AgentIdentity identity;
    private volatile long desiredVersion;
    /** The pull-only password for Berth's own registry from the last long-poll answer, or null. */
    private volatile dev.berth.agent.engine.RegistryCredentials registryAuth;

    private volatile int pollWaitSeconds = 20;
    private volatile boolean stopping;
    private volatile long highestSeq;
    private volatile TaskRunner runner;
    private boolean dockerWarned;
    /** The last runtime status reported was IMPAIRED (to log changes once). */
    private boolean dockerImpaired;
    /** The registration body the server last accepted (loop thread only). */
    private ObjectNode registeredBody;
    /**
     * The host facts must be read again: the engine has just started answering (opened, or back
     * after an outage) or {@link #HOST_RECHECK} has passed. Loop thread only.
     */
    private boolean hostStale;
    /** {@link System#nanoTime()} after which the host facts are read again while the engine answers. */
    private long nextHostCheck;

    private Agent(AgentConfig config, java.util.function.Supplier<HostFacts> hostFacts) {
        this.config = config;
        this.hostFacts = hostFacts;
        this.client = new AgentClient(config.server(), mapper);
        this.backoff = new Backoff(Duration.ofMillis(250), config.backoffMax(), new Random());
        this.thread = Thread.ofVirtual().name("berth-agent-" + config.hostIp()).unstarted(this::loop);
    }

    /**
     * Starts the agent loop; it detects the host (on its own thread: {@code docker version} may take
     * seconds) and registers in the background (see {@link #awaitRegistered}).
     */
    public static Agent start(AgentConfig config, java.util.function.Supplier<HostFacts> hostFacts) {
        Agent a = new Agent(config, hostFacts);
        a.thread.start();
        return a;
    }

    /** An agent whose loop is not started, for tests of what it would send. */
    static Agent unstarted(AgentConfig config, HostFacts host) {
        return unstarted(config, () -> host);
    }

    /** An agent whose loop is not started and whose host facts come from {@code hostFacts}, for tests. */
    static Agent unstarted(AgentConfig config, java.util.function.Supplier<HostFacts> hostFacts) {
        Agent a = new Agent(config, hostFacts);
        a.host = hostFacts.get();
        return a;
    }

    public State state() {
        return state;
    }

    public Optional<String> containerInstanceArn() {
        AgentIdentity id = identity;
        return id == null ? Optional.empty() : Optional.of(id.containerInstanceArn());
    }

    /**
     * Credentials for images of Berth's own registry: those whose registry host is the server's
     * address as the server names it, or as this agent reaches it. Other images get none here.
     */
    java.util.Optional<dev.berth.agent.engine.RegistryCredentials> ownRegistryCredentials(String image) {
        dev.berth.agent.engine.RegistryCredentials auth = registryAuth;
        int slash = image.indexOf('/');
        if (auth == null || slash < 0) {
            return java.util.Optional.empty();
        }
        String host = image.substring(0, slash);
        String reached = config.server().getHost() + ":"
                + (config.server().getPort() < 0 ? 80 : config.server().getPort());
        if (host.equals(auth.serverAddress()) || host.equals(reached)) {
            return java.util.Optional.of(
                    new dev.berth.agent.engine.RegistryCredentials(host, auth.username(), auth.password()));
        }
        return java.util.Optional.empty();
    }

    /** The last desired-state version the server reported. */
    public long desiredVersion() {
        return desiredVersion;
    }

    /** Waits until the instance is registered; returns its ARN. */
    public String awaitRegistered(Duration timeout) throws InterruptedException {
        if (!registered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the agent did not register within " + timeout + " (state " + state + ")");
        }
        return identity.containerInstanceArn();
    }

    private void loop() {
        host = hostFacts.get();
        while (!stopping) {
            try {
                if (identity == null) {
                    register();
                    registered.countDown();
                }
                TaskRunner tasks = runner();
                String runtime = runtimeStatus(tasks);
                boolean refresh = refreshDue(runtime.equals("OK"), hostStale, System.nanoTime(), nextHostCheck);
                // a poll that reports a newly answering engine returns at once, so the server knows the
                // runtime is OK before the re-registration below wakes its schedulers
                int wait =
                        refresh ? 0 : tasks == null ? Math.min(pollWaitSeconds, ENGINE_RETRY_SECONDS) : pollWaitSeconds;
                JsonNode desired = client.desired(identity, desiredVersion, wait, runtime);
                desiredVersion = desired.path("version").asLong(desiredVersion);
                JsonNode auth = desired.path("registryAuth");
                if (auth.hasNonNull("password")) {
                    registryAuth = new dev.berth.agent.engine.RegistryCredentials(
                            auth.path("serverAddress").asText(),
                            auth.path("username").asText("AWS"),
                            auth.get("password").asText());
                }
                state = State.CONNECTED;
                backoff.reset();
                if (tasks != null) {
                    tasks.apply(desired.path("tasks"));
                }
                if (refresh) {
                    refreshRegistration();
                }
            } catch (InterruptedException e) {
                break;
            } catch (AgentClient.AgentHttpException e) {
                if (e.status() == 410) {
                    LOG.warn(
                            "container instance {} was deregistered; the agent stops. Restart it to register a new instance.",
                            identity == null ? "?" : identity.containerInstanceArn());
                    state = State.DEREGISTERED;
                    TaskRunner tasks = runner;
                    if (tasks != null) {
                        tasks.stopAll("Container instance deregistered");
                    }
                    return;
                }
                if (e.status() == 401 || e.status() == 403) {
                    if (identity != null) {
                        LOG.warn(
                                "the server no longer accepts this instance's credential ({}); registering again",
                                e.getMessage());
                        identity = null;
                    } else {
                        LOG.error("registration refused: {}", e.getMessage());
                    }
                } else {
                    LOG.warn("agent request failed: {}", e.getMessage());
                }
                if (!pause()) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                if (state == State.CONNECTED) {
                    LOG.warn("lost the server at {}: {}", config.server(), e.toString());
                }
                if (!pause()) {
                    break;
                }
            }
        }
        state = State.STOPPED;
    }

    /**
     * The task runner of the current identity, opened on first use (and again for a new identity);
     * null while Docker Engine is unreachable, in which case the agent still heartbeats and retries
     * the engine on the next poll.
     */
    private TaskRunner runner() {
        AgentIdentity id = identity;
        TaskRunner current = runner;
        if (current != null && current.identity().equals(id)) {
            return current;
        }
        if (current != null) {
            current.close();
            runner = null;
        }
        try {
            var engineConfig = dev.berth.agent.engine.EngineConfig.defaults(id.instanceId(), config.hostIp())
                    .withImagePullBehavior(config.imagePullBehavior())
                    .withRegistryCredentials(this::ownRegistryCredentials)
                    .withDockerHost(config.dockerHost());
            runner = TaskRunner.open(
                    engineConfig,
                    mapper,
                    client,
                    id,
                    highestSeq,
                    config.dataDir().resolve("logs"));
            dockerWarned = false;
            hostStale = true;
            return runner;
        } catch (RuntimeException e) {
            if (!dockerWarned) {
                LOG.warn(
                        "Tasks cannot run on this machine until a container engine answers ({}). Install docker.io and"
                                + " start dockerd, or point DOCKER_HOST or --docker-host at a running engine; the control"
                                + " plane works meanwhile, and the agent uses the engine as soon as it answers.",
                        e.getMessage());
                dockerWarned = true;
            }
            return null;
        }
    }

    /**
     * What this poll reports as the CONTAINER_RUNTIME health: {@code IMPAIRED} while the task engine
     * cannot be opened or Docker Engine does not answer (ping or event stream), so the server stops
     * placing tasks here; {@code OK} otherwise.
     */
    private String runtimeStatus(TaskRunner tasks) {
        boolean ok = tasks != null && tasks.runtimeReachable();
        if (ok == dockerImpaired) {
            dockerImpaired = !ok;
            if (!ok && tasks != null) {
                LOG.warn("Docker Engine does not answer; reporting the container runtime IMPAIRED");
            } else if (ok) {
                LOG.info("Docker Engine answers; reporting the container runtime OK");
                hostStale = true;
            }
        }
        return ok ? "OK" : "IMPAIRED";
    }

    /**
     * Whether this round reads the host facts again: only while the engine answers, when it has just
     * started answering ({@code stale}) or when {@code nextCheck} (a {@link System#nanoTime()}) has passed.
     */
    static boolean refreshDue(boolean engineOk, boolean stale, long now, long nextCheck) {
        return engineOk && (stale || now - nextCheck >= 0);
    }

    /**
     * Reads the host facts again and, if what this agent would register (capabilities from the
     * engine's API version, Docker version, resources) differs from what the server has, re-registers
     * the instance with the new body ({@code PUT}, same ARN, custom attributes and tasks kept).
     *
     * @return whether it re-registered
     */
    boolean refreshRegistration() throws IOException, InterruptedException, AgentClient.AgentHttpException {
        host = hostFacts.get();
        ObjectNode body = registrationBody();
        boolean changed = !body.equals(registeredBody);
        if (changed) {
            JsonNode r = client.reregister(identity, body);
            pollWaitSeconds = r.path("pollWaitSeconds").asInt(pollWaitSeconds);
            registeredBody = body;
            LOG.info(
                    "Docker Engine {} (API {}) at {}: container instance {} re-registered with {} capabilities",
                    host.dockerVersion(),
                    host.dockerApiVersion(),
                    config.dockerHost(),
                    identity.containerInstanceArn(),
                    capabilities().size());
        }
        hostStale = false;
        nextHostCheck = System.nanoTime() + HOST_RECHECK.toNanos();
        return changed;
    }

    /** Marks the agent disconnected and sleeps the next backoff delay; false if interrupted. */
    private boolean pause() {
        if (state != State.STARTING) {
            state = State.DISCONNECTED;
        }
        try {
            Thread.sleep(backoff.next());
            return !stopping;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Registers this host (see {@link #registerOrResume}); the identity is then this agent's. */
    AgentIdentity register() throws IOException, InterruptedException, AgentClient.AgentHttpException {
        identity = registerOrResume();
        return identity;
    }

    /** Re-registers the stored instance if there is one for this cluster, else registers a new one. */
    private AgentIdentity registerOrResume() throws IOException, InterruptedException, AgentClient.AgentHttpException {
        ObjectNode body = registrationBody();
        Optional<AgentIdentity> stored = AgentIdentity.load(mapper, config.dataDir())
                .filter(i -> i.cluster().equals(config.cluster()));
        if (stored.isPresent()) {
            try {
                JsonNode r = client.reregister(stored.get(), body);
                pollWaitSeconds = r.path("pollWaitSeconds").asInt(20);
                highestSeq = Math.max(highestSeq, r.path("highestSeq").asLong(0));
                LOG.info("re-registered container instance {}", stored.get().containerInstanceArn());
                registeredBody = body;
                return stored.get();
            } catch (AgentClient.AgentHttpException e) {
                if (e.status() != 403 && e.status() != 410) {
                    throw e;
                }
                LOG.warn(
                        "stored instance {} is not usable ({}); registering a new instance",
                        stored.get().containerInstanceArn(),
                        e.getMessage());
                AgentIdentity.delete(config.dataDir());
            }
        }
        JsonNode r = client.register(joinToken(), body);
        pollWaitSeconds = r.path("pollWaitSeconds").asInt(20);
        highestSeq = r.path("highestSeq").asLong(0);
        AgentIdentity id = new AgentIdentity(
                r.path("cluster").asText(),
                r.path("instanceId").asText(),
                r.path("containerInstanceArn").asText(),
                r.path("secret").asText());
        id.save(mapper, config.dataDir());
        registeredBody = body;
        LOG.info(
                "registered container instance {} ({} CPU units, {} MiB) at {}",
                id.containerInstanceArn(),
                body.path("cpu").asInt(),
                body.path("memory").asInt(),
                config.hostIp());
        desiredVersion = 0;
        return id;
    }

    private String joinToken() throws IOException {
        return config.token() != null
                ? config.token()
                : Files.readString(config.tokenFile()).strip();
    }

    /** The registration body: resources, built-in and custom attributes, capabilities, version info. */
    ObjectNode registrationBody() {
        ObjectNode b = mapper.createObjectNode();
        b.put("cluster", config.cluster()).put("hostIp", config.hostIp());
        b.put("cpu", config.cpu() != null ? config.cpu() : 1024 * host.cores());
        b.put(
                "memory",
                config.memory() != null
                        ? config.memory()
                        : (int) Math.max(1, host.memoryMiB() - config.memoryReserve()));
        ArrayNode ports = b.putArray("ports");
        RESERVED_PORTS.forEach(ports::add);
        b.putArray("portsUdp");
        ObjectNode attrs = b.putObject("attributes");
        attrs.put("ecs.os-type", "linux");
        attrs.put("ecs.os-family", "LINUX");
        attrs.put("ecs.cpu-architecture", host.architecture());
        attrs.put("ecs.instance-type", config.instanceType());
        attrs.put("ecs.ami-id", config.amiId());
        if (config.availabilityZone() != null) {
            attrs.put("ecs.availability-zone", config.availabilityZone());
        }
        for (String capability : capabilities()) {
            attrs.putNull(capability);
        }
        config.attributes().forEach(attrs::put);
        b.putObject("versionInfo")
                .put("agentVersion", BerthVersion.version())
                .put("agentHash", agentHash())
                .put("dockerVersion", host.dockerVersion());
        return b;
    }

    /**
     * Capabilities the task engine really has beyond the Docker API versions: Docker health checks,
     * container ordering (dependsOn, startTimeout, stopTimeout), the awslogs log driver (the
     * agent's {@code LogShipper}, with or without an execution role), and secrets from SSM and
     * Secrets Manager as environment variables and private registry logins (the server resolves them
     * for the agent when the task starts, see {@code TaskSecrets}), and environment files in Berth's
     * S3-compatible object endpoint (resolved the same way). Task definitions that need others
     * (task IAM roles, ...) are not placed on Berth agents until the engine
     * supports them: RunTask answers with an {@code ATTRIBUTE} failure instead of running them wrong.
     */
    static final List<String> ENGINE_CAPABILITIES = List.of(
            "ecs.capability.container-health-check",
            "ecs.capability.container-ordering",
            "com.amazonaws.ecs.capability.logging-driver.awslogs",
            "ecs.capability.execution-role-awslogs",
            "ecs.capability.secrets.ssm.environment-variables",
            "ecs.capability.secrets.asm.environment-variables",
            "com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager",
            "ecs.capability.env-files.s3");

    /**
     * The capabilities this agent really has: the Docker remote API versions the local engine speaks
     * (what ECS reports as {@code com.amazonaws.ecs.capability.docker-remote-api.1.NN}) and the task
     * engine's {@link #ENGINE_CAPABILITIES}; none without Docker.
     */
    List<String> capabilities() {
        if (host.dockerApiVersion() == null) {
            return List.of();
        }
        int engine = Integer.parseInt(host.dockerApiVersion().substring(2));
        List<String> out = new java.util.ArrayList<>();
        for (int v = MIN_DOCKER_API; v <= Math.min(engine, MAX_DOCKER_API); v++) {
            out.add("com.amazonaws.ecs.capability.docker-remote-api.1." + v);
        }
        out.addAll(ENGINE_CAPABILITIES);
        return out;
    }

    private static String agentHash() {
        String hash = Agent.class.getPackage().getImplementationVersion();
        return hash == null ? "unknown" : "berth-" + hash;
    }

    /**
     * Stops the loop. With {@code deregisterOnExit} the instance is deregistered first (best effort),
     * as an agent leaving for good should; otherwise it stays registered and shows
     * {@code agentConnected: false} after the heartbeat timeout.
     */
    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TaskRunner tasks = runner;
        runner = null;
        if (tasks != null) {
            tasks.close();
        }
        AgentIdentity id = identity;
        if (config.deregisterOnExit() && id != null && state != State.DEREGISTERED) {
            try {
                client.deregister(id);
                AgentIdentity.delete(config.dataDir());
                LOG.info("deregistered container instance {}", id.containerInstanceArn());
            } catch (Exception e) {
                LOG.warn("could not deregister {}: {}", id.containerInstanceArn(), e.toString());
            }
        }
        state = State.STOPPED;
        client.close();
    }
}
