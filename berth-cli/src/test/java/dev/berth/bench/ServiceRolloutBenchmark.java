package dev.berth.bench;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * A 50-replica ECS service on Berth, timed the way bench/services.sh times Docker Swarm's
 * {@code docker service create --replicas 50} and {@code docker service update} on the same engine:
 * (a) CreateService → all 50 RUNNING (DescribeServices runningCount, polled every 100 ms), and
 * (b) UpdateService to a new revision → steady (one deployment, COMPLETED, 50 RUNNING). The service
 * uses ECS's defaults (minimumHealthyPercent 100, maximumPercent 200: all 50 new tasks start at once,
 * the old ones stop as the new ones run), the shape Swarm gets with
 * {@code --update-parallelism 50 --update-order start-first}.
 *
 * <p>Arguments: endpoint accessKeyId secret image cluster. Prints {@code create_ms=... update_ms=...}.
 */
public final class ServiceRolloutBenchmark {

    private ServiceRolloutBenchmark() {}

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String image = args[3];
        String cluster = args[4];
        int replicas = 50;
        try (EcsClient ecs = EcsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[1], args[2])))
                .httpClient(Apache5HttpClient.create())
                .build()) {
            for (String v : new String[] {"1", "2"}) {
                ecs.registerTaskDefinition(r -> r.family("svc-bench").containerDefinitions(c -> c.name("web")
                        .image(image)
                        .memory(16)
                        .essential(true)
                        .stopTimeout(2)
                        .environment(KeyValuePair.builder().name("V").value(v).build())
                        .command("httpd", "-f", "-p", "80", "-h", "/tmp")));
            }
            long t0 = System.nanoTime();
            ecs.createService(r -> r.cluster(cluster)
                    .serviceName("svc-bench")
                    .taskDefinition("svc-bench:1")
                    .desiredCount(replicas));
            await(ecs, cluster, s -> s.runningCount() == replicas, Duration.ofMinutes(10));
            long create = (System.nanoTime() - t0) / 1_000_000;
            await(ecs, cluster, ServiceRolloutBenchmark::steady, Duration.ofMinutes(5));
            long t1 = System.nanoTime();
            ecs.updateService(r -> r.cluster(cluster).service("svc-bench").taskDefinition("svc-bench:2"));
            await(ecs, cluster, s -> steady(s) && s.taskDefinition().endsWith(":2"), Duration.ofMinutes(10));
            long update = (System.nanoTime() - t1) / 1_000_000;
            System.out.println("create_ms=" + create + " update_ms=" + update);
            ecs.deleteService(r -> r.cluster(cluster).service("svc-bench").force(true));
            await(ecs, cluster, s -> s.status().equals("INACTIVE"), Duration.ofMinutes(5));
        }
    }

    static boolean steady(Service s) {
        return s.deployments().size() == 1
                && s.runningCount().equals(s.desiredCount())
                && s.deployments().getFirst().rolloutStateAsString().equals("COMPLETED");
    }

    static void await(EcsClient ecs, String cluster, java.util.function.Predicate<Service> done, Duration max)
            throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            Service s = ecs.describeServices(r -> r.cluster(cluster).services("svc-bench"))
                    .services()
                    .getFirst();
            if (done.test(s)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out");
    }
}
