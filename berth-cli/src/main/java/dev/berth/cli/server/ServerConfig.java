package dev.berth.cli.server;

import java.nio.file.Path;

/**
 * Everything {@code berth server} is started with.
 *
 * @param storeUrl JDBC URL of the state store, or null for the embedded H2 file in {@code dataDir}
 * @param rootAccessKeyId with {@code rootSecretAccessKey}, presets the root access key (both or neither)
 */
public record ServerConfig(String bind, int port, Path dataDir, String storeUrl, boolean localAgent, String accountId,
        String region, String rootAccessKeyId, String rootSecretAccessKey) {

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        if ((rootAccessKeyId == null) != (rootSecretAccessKey == null)) {
            throw new IllegalArgumentException(
                    "BERTH_ROOT_ACCESS_KEY_ID and BERTH_ROOT_SECRET_ACCESS_KEY must be set together");
        }
    }
}
