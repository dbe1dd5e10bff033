package dev.berth.it;

import static org.awaitility.Awaitility.await;

import dev.berth.cli.agent.Agent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * What every Docker IT starts before its tests and tears down after them: a Berth server, an ECS
 * client, one cluster and real Docker agents registered into it.
 *
 * <p>{@link #close()} stops the agents, the clients handed to {@link #client} and the server, and
 * then, even when stopping failed, removes every container an agent of this fixture started
 * (Docker is shared with other suites, so only containers labelled with one of these instance ids
 * go). {@link #stopServer()} alone stops everything but the containers, for tests that look at
 * what a stopped server left on disk; both may be called more than once.
 *
 * <p>Threading: built and closed on the JUnit thread; agents a test adds are recorded in a
 * concurrent list, so adding one from a test while another runs is safe.
 */
final class DockerCluster implements AutoCloseable {

    /** The cluster the agents joined. */
    final String name;
    /** The busybox image every Docker IT runs ({@link TestImages#busybox()}). */
    final String image;

    final TestServer server;
    final EcsClient ecs;
    final TestAgents agents;
    private final List<String> instanceArns = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private boolean stopped;

    private DockerCluster(TestServer server, String name) throws Exception {
        this.image = TestImages.busybox();
        this.server = server;
        this.name = name;
        this.ecs = server.ecs();
        this.agents = new TestAgents(server);
        ecs.createCluster(r -> r.clusterName(name));
    }

    /** A new server ({@link TestServer#start()}) with cluster {@code name} and a Docker agent at each address. */
    static DockerCluster start(String name, List<String> hostIps) throws Exception {
        return on(TestServer.start(), name, hostIps);
    }

    /** Cluster {@code name} on {@code server}, which the fixture then owns, with a Docker agent at each address. */
    static DockerCluster on(TestServer server, String name, List<String> hostIps) throws Exception {
        DockerCluster cluster;
        try {
            cluster = new DockerCluster(server, name);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        try {
            for (String ip : hostIps) {
                cluster.addDockerAgent(ip, TestAgents.newDataDir());
            }
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Starts one more Docker agent in this cluster; its containers are removed on {@link #close()}. */
    Agent addDockerAgent(String hostIp, Path dataDir) {
        return track(agents.startDocker(name, hostIp, dataDir));
    }

    /** Records an agent started through {@link #agents} some other way, so its containers are removed too. */
    Agent track(Agent agent) {
        instanceArns.add(agent.containerInstanceArn().orElseThrow());
        return agent;
    }

    /** The container instance ARN of the {@code i}-th agent, in the order they were added. */
    String instanceArn(int i) {
        return instanceArns.get(i);
    }

    /** The container instance ids (the ARNs' last segment) of the agents, in the order they were added. */
    List<String> instanceIds() {
        return instanceArns.stream()
                .map(arn -> arn.substring(arn.lastIndexOf('/') + 1))
                .toList();
    }

    /** The task, described in the cluster its ARN names. */
    Task describe(String taskArn) {
        String cluster = taskArn.split("/")[1];
        return ecs.describeTasks(r -> r.cluster(cluster).tasks(taskArn)).tasks().getFirst();
    }

    /** Waits up to 60 s for the task to reach {@code lastStatus}, then describes it. */
    Task awaitStatus(String taskArn, String lastStatus) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> describe(taskArn).lastStatus().equals(lastStatus));
        return describe(taskArn);
    }

    /** Closes {@code client} with the server. */
    <T extends AutoCloseable> T client(T client) {
        clients.add(client);
        return client;
    }

    /** Stops the agents, the clients and the server, leaving the containers for {@link #close()}. */
    synchronized void stopServer() throws Exception {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            agents.close();
            for (AutoCloseable c : clients) {
                c.close();
            }
            ecs.close();
        } finally {
            server.close();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stopServer();
        } finally {
            for (String id : instanceIds()) {
                TestImages.removeContainersOf(id);
            }
        }
    }
}
