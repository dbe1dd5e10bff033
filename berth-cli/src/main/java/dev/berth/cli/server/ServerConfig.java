package dev.berth.cli.server;

import dev.berth.agent.engine.ImagePullBehavior;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code berth server} is started with.
 *
 * @param storeUrl JDBC URL of the state store, or null for the embedded H2 file in {@code dataDir}
 * @param rootAccessKeyId with {@code rootSecretAccessKey}, presets the root access key (both or neither)
 * @param localAgent start an agent in this process that registers into cluster {@code default}
 * @param agentHeartbeatTimeout how long after its last poll an agent still counts as connected
 * @param imagePullBehavior the local agent's image pull behaviour
 * @param lostInstanceTimeout how long an agent may stay disconnected before its tasks are marked STOPPED
 * @param lbAddresses the addresses load balancers take, one each (a range {@code a.b.c.d-a.b.c.e} or a list)
 * @param masterKeyFile the operator's master key file (base64 of 32 bytes), or null for {@code <dataDir>/master.key}
 * @param lbThreads event loop threads for application load balancer traffic; 0 for the default (half the processors)
 * @param lbIoUring whether those event loops use io_uring when the kernel offers it (else the API's transport)
 * @param dockerHost the local agent's Docker Engine endpoint, or null for {@code unix:///var/run/docker.sock}
 */
public record ServerConfig(
        String bind,
        int port,
        Path dataDir,
        String storeUrl,
        boolean localAgent,
        String accountId,
        String region,
        String rootAccessKeyId,
        String rootSecretAccessKey,
        Duration agentHeartbeatTimeout,
        ImagePullBehavior imagePullBehavior,
        Duration lostInstanceTimeout,
        String lbAddresses,
        Path masterKeyFile,
        int lbThreads,
        boolean lbIoUring,
        java.net.URI dockerHost) {

    public ServerConfig(
            String bind,
            int port,
            Path dataDir,
            String storeUrl,
            boolean localAgent,
            String accountId,
            String region,
            String rootAccessKeyId,
            String rootSecretAccessKey,
            Duration agentHeartbeatTimeout,
            ImagePullBehavior imagePullBehavior,
            Duration lostInstanceTimeout,
            String lbAddresses,
            Path masterKeyFile,
            int lbThreads,
            boolean lbIoUring) {
        this(
                bind,
                port,
                dataDir,
                storeUrl,
                localAgent,
                accountId,
                region,
                rootAccessKeyId,
                rootSecretAccessKey,
                agentHeartbeatTimeout,
                imagePullBehavior,
                lostInstanceTimeout,
                lbAddresses,
                masterKeyFile,
                lbThreads,
                lbIoUring,
                null);
    }

    public ServerConfig(
            String bind,
            int port,
            Path dataDir,
            String storeUrl,
            boolean localAgent,
            String accountId,
            String region,
            String rootAccessKeyId,
            String rootSecretAccessKey,
            Duration agentHeartbeatTimeout,
            ImagePullBehavior imagePullBehavior,
            Duration lostInstanceTimeout,
            String lbAddresses,
            Path masterKeyFile) {
        this(
                bind,
                port,
                dataDir,
                storeUrl,
                localAgent,
                accountId,
                region,
                rootAccessKeyId,
                rootSecretAccessKey,
                agentHeartbeatTimeout,
                imagePullBehavior,
                lostInstanceTimeout,
                lbAddresses,
                masterKeyFile,
                0,
                true);
    }

    public ServerConfig(
            String bind,
            int port,
            Path dataDir,
            String storeUrl,
            boolean localAgent,
            String accountId,
            String region,
            String rootAccessKeyId,
            String rootSecretAccessKey,
            Duration agentHeartbeatTimeout,
            ImagePullBehavior imagePullBehavior,
            Duration lostInstanceTimeout) {
        this(
                bind,
                port,
                dataDir,
                storeUrl,
                localAgent,
                accountId,
                region,
                rootAccessKeyId,
                rootSecretAccessKey,
                agentHeartbeatTimeout,
                imagePullBehavior,
                lostInstanceTimeout,
                null,
                null);
    }

    /** The same configuration with another load balancer address pool. */
    public ServerConfig withLbAddresses(String addresses) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                storeUrl,
                localAgent,
                accountId,
                region,
                rootAccessKeyId,
                rootSecretAccessKey,
                agentHeartbeatTimeout,
                imagePullBehavior,
                lostInstanceTimeout,
                addresses,
                masterKeyFile,
                lbThreads,
                lbIoUring,
                dockerHost);
    }

    /** The same configuration with the local agent on another Docker Engine endpoint. */
    public ServerConfig withDockerHost(java.net.URI host) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                storeUrl,
                localAgent,
                accountId,
                region,
                rootAccessKeyId,
                rootSecretAccessKey,
                agentHeartbeatTimeout,
                imagePullBehavior,
                lostInstanceTimeout,
                lbAddresses,
                masterKeyFile,
                lbThreads,
                lbIoUring,
                host);
    }

    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_LOST_INSTANCE_TIMEOUT = Duration.ofMinutes(5);

    public ServerConfig(
            String bind,
            int port,
            Path dataDir,
            String storeUrl,
            boolean localAgent,
            String accountId,
            String region,
            String rootAccessKeyId,
            String rootSecretAccessKey,
            Duration agentHeartbeatTimeout,
            ImagePullBehavior imagePullBehavior) {
        this(
                bind,
                port,
                dataDir,
                storeUrl,
                localAgent,
                accountId,
                region,
                rootAccessKeyId,
                rootSecretAccessKey,
                agentHeartbeatTimeout,
                imagePullBehavior,
                DEFAULT_LOST_INSTANCE_TIMEOUT);
    }

    public ServerConfig(
            String bind,
            int port,
            Path dataDir,
            String storeUrl,
            boolean localAgent,
            String accountId,
            String region,
            String rootAccessKeyId,
            String rootSecretAccessKey) {
        this(
                bind,
                port,
                dataDir,
                storeUrl,
                localAgent,
                accountId,
                region,
                rootAccessKeyId,
                rootSecretAccessKey,
                DEFAULT_HEARTBEAT_TIMEOUT);
    }

    public ServerConfig(
            String bind,
            int port,
            Path dataDir,
            String storeUrl,
            boolean localAgent,
            String accountId,
            String region,
            String rootAccessKeyId,
            String rootSecretAccessKey,
            Duration agentHeartbeatTimeout) {
        this(
                bind,
                port,
                dataDir,
                storeUrl,
                localAgent,
                accountId,
                region,
                rootAccessKeyId,
                rootSecretAccessKey,
                agentHeartbeatTimeout,
                ImagePullBehavior.DEFAULT);
    }

    public ServerConfig {
        lbAddresses = lbAddresses == null || lbAddresses.isBlank() ? dev.berth.lb.api.AddressPool.DEFAULT : lbAddresses;
        imagePullBehavior = imagePullBehavior == null ? ImagePullBehavior.DEFAULT : imagePullBehavior;
        lostInstanceTimeout = lostInstanceTimeout == null ? DEFAULT_LOST_INSTANCE_TIMEOUT : lostInstanceTimeout;
        if (lostInstanceTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("the lost-instance timeout must be at least 1 second");
        }
        if (lbThreads < 0 || lbThreads > 256) {
            throw new IllegalArgumentException("--lb-threads must be 1-256 (or 0 for the default): " + lbThreads);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        if ((rootAccessKeyId == null) != (rootSecretAccessKey == null)) {
            throw new IllegalArgumentException(
                    "BERTH_ROOT_ACCESS_KEY_ID and BERTH_ROOT_SECRET_ACCESS_KEY must be set together");
        }
        if (agentHeartbeatTimeout == null || agentHeartbeatTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("the agent heartbeat timeout must be at least 1 second");
        }
    }
}
