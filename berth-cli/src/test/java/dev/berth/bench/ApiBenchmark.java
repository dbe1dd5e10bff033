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
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Signed API throughput and latency against a running Berth server (run by bench/api-throughput.sh):
 * N concurrent callers through the AWS SDK for Java v2 ECS client for a fixed time per operation,
 * reporting requests/s, p50 and p99. The peer measured in the same run is an unsigned
 * {@code GET /_berth/health} with the same number of callers: the cost of HTTP alone on this machine.
 *
 * <p>Arguments: endpoint accessKeyId secret callers seconds [server pid]. With the server's pid it also
 * reports the CPU time each side spends per call, which tells whether the server or the client (both
 * on the same 2 cores) is the limit.
 */
public final class ApiBenchmark {

    interface Call {
        void run() throws Exception;
    }

    record Result(
            String name,
            long requests,
            long errors,
            double seconds,
            long p50Micros,
            long p99Micros,
            double serverCpuMicrosPerCall,
            double clientCpuMicrosPerCall) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,.0f | %.2f | %.2f | %.0f | %.0f | %d |",
                    name,
                    requests,
                    requests / seconds,
                    p50Micros / 1000.0,
                    p99Micros / 1000.0,
                    serverCpuMicrosPerCall,
                    clientCpuMicrosPerCall,
                    errors);
        }
    }

    static ProcessHandle serverProcess;

    /** CPU time a process has used so far, in microseconds (0 when the OS does not say). */
    static long cpuMicros(ProcessHandle p) {
        return p == null
                ? 0
                : p.info().totalCpuDuration().map(d -> d.toNanos() / 1000).orElse(0L);
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String key = args[1];
        String secret = args[2];
        int callers = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        serverProcess =
                args.length > 5 ? ProcessHandle.of(Long.parseLong(args[5])).orElse(null) : null;
        EcsClient ecs = EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .httpClient(Apache5HttpClient.builder()
                        .maxConnections(callers * 2)
                        .socketTimeout(Duration.ofSeconds(30))
                        .build())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        ContainerDefinition container = ContainerDefinition.builder()
                .name("web")
                .image("127.0.0.1:4566/web:1")
                .memory(128)
                .portMappings(p -> p.containerPort(80))
                .environment(e -> e.name("MODE").value("bench"))
                .build();
        for (int i = 0; i < 20; i++) {
            ecs.createCluster(r -> r.clusterName("bench-" + System.nanoTime()));
        }
        ecs.registerTaskDefinition(r -> r.family("bench").containerDefinitions(container));
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest health =
                HttpRequest.newBuilder(endpoint.resolve("/_berth/health")).build();

        List<Result> results = new ArrayList<>();
        // warm-up: JIT on both sides
        run("warm-up", callers, 5, () -> ecs.describeTaskDefinition(r -> r.taskDefinition("bench")));
        results.add(run("GET /_berth/health (unsigned, peer)", callers, seconds, () -> {
            if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                throw new IllegalStateException("health");
            }
        }));
        results.add(run(
                "DescribeTaskDefinition",
                callers,
                seconds,
                () -> ecs.describeTaskDefinition(r -> r.taskDefinition("bench"))));
        results.add(run("ListClusters", callers, seconds, () -> ecs.listClusters(r -> r.maxResults(10))));
        results.add(run(
                "RegisterTaskDefinition",
                callers,
                Math.max(5, seconds / 3),
                () -> ecs.registerTaskDefinition(r -> r.family("bench-reg").containerDefinitions(container))));
        System.out.println(
                "| operation | requests | requests/s | p50 ms | p99 ms | server CPU µs/call | client CPU µs/call | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        results.forEach(System.out::println);
        ecs.close();
    }

    static Result run(String name, int callers, int seconds, Call call) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        long[][] latencies = new long[callers][];
        int[] counts = new int[callers];
        CountDownLatch done = new CountDownLatch(callers);
        long serverCpu0 = cpuMicros(serverProcess);
        long clientCpu0 = cpuMicros(ProcessHandle.current());
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
        long serverCpu = cpuMicros(serverProcess) - serverCpu0;
        long clientCpu = cpuMicros(ProcessHandle.current()) - clientCpu0;
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
        Result r = new Result(
                name,
                total,
                errors.get(),
                elapsed,
                p50,
                p99,
                total == 0 ? 0 : (double) serverCpu / total,
                total == 0 ? 0 : (double) clientCpu / total);
        System.err.println(r);
        return r;
    }
}
