package dev.berth.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Signed API throughput and latency against a running Berth server (run by bench/api-throughput.sh):
 * N concurrent callers through the AWS SDK for Java v2 ECS client for a fixed time per operation,
 * reporting requests/s, p50 and p99. The peer measured in the same run is an unsigned
 * {@code GET /_berth/health} with the same number of callers: the cost of HTTP alone on this machine.
 *
 * <p>Arguments: endpoint accessKeyId secret callers seconds.
 */
public final class ApiBenchmark {

    interface Call {
        void run() throws Exception;
    }

    record Result(String name, long requests, long errors, double seconds, long p50Micros, long p99Micros) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "| %s | %,d | %,.0f | %.2f | %.2f | %d |", name, requests, requests / seconds,
                    p50Micros / 1000.0, p99Micros / 1000.0, errors);
        }
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String key = args[1];
        String secret = args[2];
        int callers = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        EcsClient ecs = EcsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        ContainerDefinition container = ContainerDefinition.builder().name("web").image("127.0.0.1:4566/web:1").memory(128)
                .portMappings(p -> p.containerPort(80)).environment(e -> e.name("MODE").value("bench")).build();
        for (int i = 0; i < 20; i++) {
            ecs.createCluster(r -> r.clusterName("bench-" + System.nanoTime()));
        }
        ecs.registerTaskDefinition(r -> r.family("bench").containerDefinitions(container));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest health = HttpRequest.newBuilder(endpoint.resolve("/_berth/health")).build();

        List<Result> results = new ArrayList<>();
        // warm-up: JIT on both sides
        run("warm-up", callers, 5, () -> ecs.describeTaskDefinition(r -> r.taskDefinition("bench")));
        results.add(run("GET /_berth/health (unsigned, peer)", callers, seconds, () -> {
            if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                throw new IllegalStateException("health");
            }
        }));
        results.add(run("DescribeTaskDefinition", callers, seconds, () -> ecs.describeTaskDefinition(r -> r.taskDefinition("bench"))));
        results.add(run("ListClusters", callers, seconds, () -> ecs.listClusters(r -> r.maxResults(10))));
        results.add(run("RegisterTaskDefinition", callers, Math.max(5, seconds / 3),
                () -> ecs.registerTaskDefinition(r -> r.family("bench-reg").containerDefinitions(container))));
        System.out.println("| operation | requests | requests/s | p50 ms | p99 ms | errors |");
        System.out.println("|---|---|---|---|---|---|");
        results.forEach(System.out::println);
        ecs.close();
    }

    static Result run(String name, int callers, int seconds, Call call) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        long[][] latencies = new long[callers][];
        int[] counts = new int[callers];
        CountDownLatch done = new CountDownLatch(callers);
        long start = System.nanoTime();
        for (int c = 0; c < callers; c++) {
            int id = c;
            latencies[id] = new long[1 << 20];
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        try {
                            call.run();
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        if (counts[id] < latencies[id].length) {
                            latencies[id][counts[id]++] = (System.nanoTime() - t0) / 1000;
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int pos = 0;
        for (int c = 0; c < callers; c++) {
            System.arraycopy(latencies[c], 0, all, pos, counts[c]);
            pos += counts[c];
        }
        Arrays.sort(all);
        long p50 = total == 0 ? 0 : all[(int) (total * 0.50)];
        long p99 = total == 0 ? 0 : all[Math.min(total - 1, (int) (total * 0.99))];
        Result r = new Result(name, total, errors.get(), elapsed, p50, p99);
        System.err.println(r);
        return r;
    }
}
