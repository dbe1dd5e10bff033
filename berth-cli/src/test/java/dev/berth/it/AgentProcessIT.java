package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@code berth agent} as its own process, started from the packaged jar as on another machine: it
 * joins with the token file, shows up with its attributes (checked with the AWS CLI's
 * {@code --filter} as well as the SDK), and with {@code --deregister-on-exit} leaves on SIGTERM.
 */
class AgentProcessIT {

    @Test
    void anAgentProcessJoinsAndLeaves() throws Exception {
        try (TestServer server = TestServer.start();
                EcsClient ecs = server.ecs()) {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path log = Files.createTempFile("berth-agent", ".log");
            Path agentDir = Files.createTempDirectory("berth-agent");
            Process p = new ProcessBuilder(
                            java,
                            "-jar",
                            ServerProcessIT.JAR.toString(),
                            "agent",
                            "--server",
                            server.endpoint().toString(),
                            "--token-file",
                            server.server().joinTokenFile().toString(),
                            "--data-dir",
                            agentDir.toString(),
                            "--host-ip",
                            TestAddresses.AGENT_PROCESS.ip(0),
                            "--instance-type",
                            "t3.micro",
                            "--attribute",
                            "stack=cli",
                            "--attribute",
                            "canary",
                            "--deregister-on-exit")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(() -> !ecs.listContainerInstances(r -> r.filter("attribute:stack == cli"))
                                .containerInstanceArns()
                                .isEmpty());
                String arn = ecs.listContainerInstances(r -> r.filter("attribute:stack == cli"))
                        .containerInstanceArns()
                        .getFirst();
                // the agent writes its identity just after the server has answered the registration
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(agentDir.resolve("instance.json")));
                assertThat(Files.getPosixFilePermissions(agentDir.resolve("instance.json"))
                                .toString())
                        .isEqualTo("[OWNER_READ, OWNER_WRITE]");

                String aws = System.getenv().getOrDefault("BERTH_AWS_CLI", "/usr/bin/aws");
                ProcessBuilder cli = new ProcessBuilder(
                                aws,
                                "--endpoint-url",
                                server.endpoint().toString(),
                                "--output",
                                "text",
                                "ecs",
                                "list-container-instances",
                                "--filter",
                                "attribute:canary exists and attribute:ecs.instance-type == t3.micro",
                                "--query",
                                "containerInstanceArns[0]")
                        .redirectErrorStream(true);
                cli.environment()
                        .putAll(Map.of(
                                "AWS_SHARED_CREDENTIALS_FILE",
                                server.dataDir().resolve("credentials").toString(),
                                "AWS_DEFAULT_REGION",
                                "us-east-1",
                                "AWS_CONFIG_FILE",
                                "/dev/null",
                                "AWS_PAGER",
                                ""));
                List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE")
                        .forEach(cli.environment()::remove);
                Process c = cli.start();
                String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(out).isEqualTo(arn);

                p.destroy();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(ecs.describeContainerInstances(r -> r.containerInstances(arn))
                                .containerInstances()
                                .getFirst()
                                .status())
                        .as(Files.readString(log))
                        .isEqualTo("INACTIVE");
                assertThat(agentDir.resolve("instance.json")).doesNotExist();
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
