package dev.berth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * What the service controller costs: an in-process Berth server with {@code instances} simulated
 * container instances (hand agents speaking the agent protocol over HTTP, no Docker: each long-polls
 * and reports every task it is given RUNNING at once), {@code services} REPLICA services of
 * {@code tasks} tasks each. Measures the wall time until every service is steady, the CPU time of the
 * controller's threads ({@code berth-services-*}) and of the whole process while getting there, and
 * the controller's CPU over a quiet minute (periodic resyncs only).
 *
 * <p>Arguments: [services=1000] [tasks=5] [instances=20]. Run by bench/services-controller.sh.
 */
public final class ServiceControllerBenchmark {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ServiceControllerBenchmark() {}

    /** CPU nanoseconds of the live threads whose name starts with {@code prefix}. */
    static long cpu(String prefix) {
        long sum = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith(prefix)) {
                long c = THREADS.getThreadCpuTime(t.getThreadId());
                sum += Math.max(0, c);
            }
        }
        return sum;
    }

    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perService = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int instanceCount = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path data = Files.createTempDirectory("berth-svc-bench");
        try (BerthServer server = BerthServer.start(
                        new ServerConfig("127.0.0.1", 0, data, null, false, "000000000000", "us-east-1", null, null));
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                EcsClient ecs = EcsClient.builder()
                        .endpointOverride(server.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(server.accessKeyId(), server.secretAccessKey())))
                        .httpClient(Apache5HttpClient.create())
                        .build()) {
            ecs.createCluster(r -> r.clusterName("sim"));
            ecs.registerTaskDefinition(r -> r.family("sim")
                    .containerDefinitions(
                            c -> c.name("app").image("busybox").memory(16).essential(true)));
            String token = Files.readString(server.joinTokenFile()).strip();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reported = new AtomicLong();
            List<Thread> agents = new ArrayList<>();
            for (int i = 0; i < instanceCount; i++) {
                String ip = "127.0.1." + (100 + i);
                agents.add(Thread.ofVirtual().start(() -> agent(http, server.endpoint(), token, ip, stop, reported)));
            }
            Thread.sleep(2000);
            long wall0 = System.nanoTime();
            long ctl0 = cpu("berth-services-");
            long proc0 = processCpu();
            long rec0 = server.serviceController().reconciles();
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int s = 0; s < services; s++) {
                    String name = "svc-" + s;
                    fs.add(pool.submit(() -> ecs.createService(r -> r.cluster("sim")
                            .serviceName(name)
                            .taskDefinition("sim")
                            .desiredCount(perService))));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            long created = System.nanoTime();
            Set<String> pending = new HashSet<>();
            for (int s = 0; s < services; s++) {
                pending.add("svc-" + s);
            }
            while (!pending.isEmpty()) {
                List<String> batch = pending.stream().limit(10).toList();
                for (Service sv : ecs.describeServices(r -> r.cluster("sim").services(batch))
                        .services()) {
                    if (sv.deployments().size() == 1
                            && sv.runningCount() == perService
                            && sv.deployments()
                                    .getFirst()
                                    .rolloutStateAsString()
                                    .equals("COMPLETED")) {
                        pending.remove(sv.serviceName());
                    }
                }
                if (pending.containsAll(batch)) {
                    Thread.sleep(200);
                }
            }
            long wall1 = System.nanoTime();
            long ctl1 = cpu("berth-services-");
            long proc1 = processCpu();
            long rec1 = server.serviceController().reconciles();
            System.out.printf("services=%d tasks/service=%d instances=%d%n", services, perService, instanceCount);
            System.out.printf(
                    "create calls: %.1f s; all steady after %.1f s; tasks reported RUNNING: %d%n",
                    (created - wall0) / 1e9, (wall1 - wall0) / 1e9, reported.get());
            System.out.printf(
                    "to steady: controller CPU %.1f s over %d reconciles (%.2f ms each); process CPU %.1f s%n",
                    (ctl1 - ctl0) / 1e9,
                    rec1 - rec0,
                    (ctl1 - ctl0) / 1e6 / Math.max(1, rec1 - rec0),
                    (proc1 - proc0) / 1e9);
            long quiet = 65_000;
            Thread.sleep(quiet);
            long ctl2 = cpu("berth-services-");
            long proc2 = processCpu();
            long rec2 = server.serviceController().reconciles();
            System.out.printf(
                    "quiet %d s: controller CPU %.2f s (%.1f %% of one core) over %d reconciles (%.2f ms each);"
                            + " process CPU %.1f s%n",
                    quiet / 1000,
                    (ctl2 - ctl1) / 1e9,
                    (ctl2 - ctl1) / (quiet * 1e4),
                    rec2 - rec1,
                    (ctl2 - ctl1) / 1e6 / Math.max(1, rec2 - rec1),
                    (proc2 - proc1) / 1e9);
            stop.set(true);
            agents.forEach(Thread::interrupt);
        }
    }

    /** One simulated instance: register, long-poll, report each new task RUNNING and each stopped one STOPPED. */
    static void agent(HttpClient http, URI endpoint, String token, String ip, AtomicBoolean stop, AtomicLong reported) {
        try {
            String body = """
                    {"cluster":"sim","hostIp":"%s","cpu":4096,"memory":65536,
                     "versionInfo":{"agentVersion":"sim","agentHash":"sim","dockerVersion":"unknown"}}""".formatted(ip);
            JsonNode reg = JSON.readTree(send(http, endpoint, "POST", "/_berth/agent/v1/register", token, body));
            String path = "/_berth/agent/v1/clusters/sim/instances/"
                    + reg.get("instanceId").asText();
            String secret = reg.get("secret").asText();
            long since = 0;
            long seq = 0;
            Set<String> running = new HashSet<>();
            Set<String> stopped = new HashSet<>();
            while (!stop.get()) {
                JsonNode d = JSON.readTree(
                        send(http, endpoint, "GET", path + "/desired?since=" + since + "&wait=20", secret, null));
                since = d.get("version").asLong();
                ArrayNode events = JSON.createArrayNode();
                for (JsonNode t : d.path("tasks")) {
                    String arn = t.get("taskArn").asText();
                    long now = System.currentTimeMillis();
                    if (t.get("desiredStatus").asText().equals("RUNNING") && running.add(arn)) {
                        ObjectNode task = JSON.createObjectNode()
                                .put("taskArn", arn)
                                .put("lastStatus", "RUNNING")
                                .put("pullStartedAt", now)
                                .put("pullStoppedAt", now)
                                .put("startedAt", now);
                        task.putArray("containers")
                                .addObject()
                                .put("name", "app")
                                .put("lastStatus", "RUNNING");
                        events.addObject().put("seq", ++seq).put("type", "task").set("task", task);
                    } else if (t.get("desiredStatus").asText().equals("STOPPED") && stopped.add(arn)) {
                        ObjectNode task = JSON.createObjectNode()
                                .put("taskArn", arn)
                                .put("lastStatus", "STOPPED")
                                .put("stoppedAt", now)
                                .put("executionStoppedAt", now);
                        events.addObject().put("seq", ++seq).put("type", "task").set("task", task);
                    }
                    if (events.size() == 100) {
                        post(http, endpoint, path, secret, events, reported);
                        events = JSON.createArrayNode();
                    }
                }
                if (!events.isEmpty()) {
                    post(http, endpoint, path, secret, events, reported);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!stop.get()) {
                e.printStackTrace();
            }
        }
    }

    static void post(HttpClient http, URI endpoint, String path, String secret, ArrayNode events, AtomicLong reported)
            throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("events", events);
        send(http, endpoint, "POST", path + "/events", secret, body.toString());
        reported.addAndGet(events.size());
    }

    static String send(HttpClient http, URI endpoint, String method, String path, String bearer, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json");
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
