package dev.berth.it;

import dev.berth.agent.engine.ImagePullBehavior;
import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Berth server {@code bench/registry.sh} measures: started exactly as {@code berth server
 * --no-agent} starts it, plus what the benchmark needs before CreateRepository exists on this
 * branch: repositories written into the store, and a registry password written to a file.
 *
 * <p>Arguments: {@code <bind> <port> <data-dir> <password-file> <repository>...}. Runs until killed.
 */
public final class RegistryBenchServer {

    private RegistryBenchServer() {}

    public static void main(String[] args) throws Exception {
        BerthServer server = BerthServer.start(new ServerConfig(
                args[0],
                Integer.parseInt(args[1]),
                Path.of(args[2]),
                null,
                false,
                "000000000000",
                "us-east-1",
                null,
                null,
                ServerConfig.DEFAULT_HEARTBEAT_TIMEOUT,
                ImagePullBehavior.DEFAULT,
                ServerConfig.DEFAULT_LOST_INSTANCE_TIMEOUT));
        for (int i = 4; i < args.length; i++) {
            String name = args[i];
            server.images()
                    .store()
                    .transact(tx -> tx.put(
                            "ecr-repository",
                            name,
                            "{\"repositoryName\":\"" + name
                                    + "\",\"registryId\":\"000000000000\",\"imageTagMutability\":\"MUTABLE\"}"));
        }
        Files.writeString(
                Path.of(args[3]),
                server.registryTokens().issue(server.accessKeyId()).password());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
