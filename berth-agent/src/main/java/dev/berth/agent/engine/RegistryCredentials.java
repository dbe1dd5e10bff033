package dev.berth.agent.engine;

/**
 * Credentials for pulling from a private registry. The server resolves ECS
 * {@code repositoryCredentials.credentialsParameter} (a secret) or Berth's own registry token into
 * these before the task reaches the agent; the engine never stores them in Docker labels.
 *
 * @param serverAddress the registry host (e.g. {@code 127.0.0.1:4566}); null means the image's
 */
public record RegistryCredentials(String serverAddress, String username, String password) {
    @Override
    public String toString() {
        return "RegistryCredentials[serverAddress=" + serverAddress + ", username=" + username + "]";
    }
}
