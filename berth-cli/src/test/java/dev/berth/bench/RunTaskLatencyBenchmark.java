package dev.berth.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * RunTask → RUNNING latency against a running Berth server whose agent runs tasks on the local Docker
 * Engine (run by bench/run-task-latency.sh, which also measures the peer, {@code docker run -d} of the
 * same image on the same engine, in the same run). It exists to tell how much Berth adds on top of
 * Docker's own container start, for one task and for a burst of 50.
 *
 * <p>Each task is timed from just before the RunTask call until DescribeTasks (polled every
 * {@code pollMillis}) shows lastStatus RUNNING. A second, faster observer is Docker itself: a
 * {@code docker events} stream of container {@code create} and {@code start} events, read in this
 * process, tells when the container was created and when it really started, so the report splits the
 * latency into "RunTask → create" (the agent's long-poll wake-up and image check), "create → start"
 * (Docker, plus whatever the agent does between its two calls) and "start → DescribeTasks RUNNING"
 * (the agent's state-change report and the poll interval).
 *
 * <p>Arguments: endpoint accessKeyId secret image single-runs cluster [pid[,pid...] of processes whose
 * RSS to report with 50 tasks running, as name=pid].
 */
public final class RunTaskLatencyBenchmark {

    static final String FAMILY = "run-task-latency";
    static final long POLL_MILLIS = 20;

    final EcsClient ecs;
    final String cluster;
    /** Task ARN → System.nanoTime() when this process read Docker's container start event. */
    final Map<String, Long> dockerStarted = new ConcurrentHashMap<>();
    /** Task ARN → System.nanoTime() when this process read Docker's container create event. */
    final Map<String, Long> dockerCreated = new ConcurrentHashMap<>();

    RunTaskLatencyBenchmark(EcsClient ecs, String cluster) {
        this.ecs = ecs;
        this.cluster = cluster;
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String image = args[3];
        int singleRuns = Integer.parseInt(args[4]);
        String cluster = args[5];
        Map<String, Long> rssPids = new java.util.LinkedHashMap<>();
        if (args.length > 6 && !args[6].isBlank()) {
            for (String p : args[6].split(",")) {
                String[] kv = p.split("=");
                rssPids.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        EcsClient ecs = EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[1], args[2])))
                .httpClient(Apache5HttpClient.builder()
                        .maxConnections(32)
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        RunTaskLatencyBenchmark bench = new RunTaskLatencyBenchmark(ecs, cluster);
        Process events = bench.watchDockerStarts();
        try {
            if (!"default".equals(cluster)) {
                ecs.createCluster(r -> r.clusterName(cluster));
            }
            bench.awaitConnectedInstance();
            ecs.registerTaskDefinition(r -> r.family(FAMILY).containerDefinitions(c -> c.name("web")
                    .image(image)
                    .memory(16)
                    .essential(true)
                    .stopTimeout(1)
                    .command("httpd", "-f", "-p", "80", "-h", "/tmp")));
            bench.single(singleRuns);
            System.out.println("RSS before the burst: " + rss(rssPids));
            bench.burst(5, 10, rssPids);
        } finally {
            events.destroy();
            ecs.close();
        }
    }

    /** Waits (60 s at most) until the cluster has a connected container instance to run the tasks. */
    void awaitConnectedInstance() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> arns =
                    ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns();
            if (!arns.isEmpty()
                    && ecs
                            .describeContainerInstances(r -> r.cluster(cluster).containerInstances(arns))
                            .containerInstances()
                            .stream()
                            .anyMatch(ci -> Boolean.TRUE.equals(ci.agentConnected()))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no connected container instance in cluster " + cluster + " after 60 s");
    }

    /** Starts {@code docker events} for container starts and records when each task's container started. */
    Process watchDockerStarts() throws Exception {
        Process p = new ProcessBuilder(
                        "docker",
                        "events",
                        "--filter",
                        "type=container",
                        "--filter",
                        "event=create",
                        "--filter",
                        "event=start",
                        "--format",
                        "{{.Action}} {{index .Actor.Attributes \"com.amazonaws.ecs.task-arn\"}}")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    long now = System.nanoTime();
                    String[] f = line.strip().split(" ");
                    if (f.length == 2 && f[1].startsWith("arn:")) {
                        (f[0].equals("create") ? dockerCreated : dockerStarted).putIfAbsent(f[1], now);
                    }
                }
            } catch (Exception e) {
                // the stream ends when the benchmark destroys it
            }
        });
        Thread.sleep(500); // let docker events subscribe before the first task starts
        return p;
    }

    /** One task at a time: RunTask, wait for RUNNING, StopTask, wait for STOPPED. The first run is warm-up. */
    void single(int runs) throws Exception {
        List<Long> total = new ArrayList<>();
        List<Long> toDocker = new ArrayList<>();
        List<Long> afterDocker = new ArrayList<>();
        List<Long> runTaskCall = new ArrayList<>();
        List<Long> toCreate = new ArrayList<>();
        List<Long> createToStart = new ArrayList<>();
        for (int i = -1; i < runs; i++) {
            long t0 = System.nanoTime();
            RunTaskResponse r =
                    ecs.runTask(b -> b.cluster(cluster).taskDefinition(FAMILY).count(1));
            long t1 = System.nanoTime();
            if (!r.failures().isEmpty()) {
                throw new IllegalStateException("RunTask failed: " + r.failures());
            }
            String arn = r.tasks().getFirst().taskArn();
            Map<String, Long> running = awaitStatus(List.of(arn), "RUNNING");
            long t2 = running.get(arn);
            Long td = dockerStarted.get(arn);
            Long tc = dockerCreated.get(arn);
            if (i >= 0) {
                total.add(t2 - t0);
                runTaskCall.add(t1 - t0);
                if (td != null) {
                    toDocker.add(td - t0);
                    afterDocker.add(t2 - td);
                }
                if (tc != null) {
                    toCreate.add(tc - t0);
                    if (td != null) {
                        createToStart.add(td - tc);
                    }
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "single %s: RunTask call %.0f ms, container started %s ms, RUNNING %.0f ms%n",
                    i < 0 ? "warm-up" : String.valueOf(i + 1),
                    ms(t1 - t0),
                    td == null ? "?" : String.format(Locale.ROOT, "%.0f", ms(td - t0)),
                    ms(t2 - t0));
            ecs.stopTask(b -> b.cluster(cluster).task(arn));
            awaitStatus(List.of(arn), "STOPPED");
        }
        if (runs == 0) {
            return;
        }
        System.out.println();
        System.out.println("| single task, " + runs + " runs | p50 ms | p95 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|");
        row("RunTask call returns", runTaskCall);
        row("RunTask → Docker container create event", toCreate);
        row("create event → start event", createToStart);
        row("RunTask → Docker container start event", toDocker);
        row("container started → DescribeTasks RUNNING", afterDocker);
        row("RunTask → DescribeTasks RUNNING", total);
        System.out.println();
    }

    /** {@code calls} concurrent RunTask calls of {@code count} tasks; time until all are RUNNING; RSS; stop all. */
    void burst(int calls, int count, Map<String, Long> rssPids) throws Exception {
        long t0 = System.nanoTime();
        List<String> arns = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RunTaskResponse>> fs = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                fs.add(pool.submit(() -> ecs.runTask(
                        b -> b.cluster(cluster).taskDefinition(FAMILY).count(count))));
            }
            for (Future<RunTaskResponse> f : fs) {
                RunTaskResponse r = f.get();
                if (!r.failures().isEmpty()) {
                    throw new IllegalStateException("RunTask failed: " + r.failures());
                }
                r.tasks().forEach(t -> arns.add(t.taskArn()));
            }
        }
        long called = System.nanoTime();
        Map<String, Long> running = awaitStatus(arns, "RUNNING");
        long all = Collections.max(running.values());
        List<Long> each = running.values().stream().map(t -> t - t0).toList();
        List<Long> created = arns.stream()
                .map(dockerCreated::get)
                .filter(java.util.Objects::nonNull)
                .map(t -> t - t0)
                .toList();
        List<Long> docker = arns.stream()
                .map(dockerStarted::get)
                .filter(java.util.Objects::nonNull)
                .map(t -> t - t0)
                .toList();
        System.out.printf(
                Locale.ROOT,
                "burst: %d × RunTask(count %d) concurrently, all calls returned after %.0f ms, "
                        + "all %d RUNNING after %.0f ms; last Docker container start event after %s ms%n",
                calls,
                count,
                ms(called - t0),
                arns.size(),
                ms(all - t0),
                docker.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f", ms(Collections.max(docker))));
        System.out.println();
        System.out.println(
                "| " + arns.size() + " tasks, per task from the first call | p50 ms | p95 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|");
        row("Docker container create event", created);
        row("Docker container start event", docker);
        row("DescribeTasks RUNNING", each);
        System.out.println();
        Thread.sleep(2000); // let the heap settle a little after the burst
        System.out.println("RSS with " + arns.size() + " tasks RUNNING: " + rss(rssPids));
        long s0 = System.nanoTime();
        for (int i = 0; i < arns.size(); i += 10) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + 10));
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String arn : batch) {
                    pool.submit(() -> ecs.stopTask(b -> b.cluster(cluster).task(arn)));
                }
            }
        }
        Map<String, Long> stopped = awaitStatus(arns, "STOPPED");
        System.out.printf(
                Locale.ROOT,
                "burst: all %d STOPPED %.0f ms after the first StopTask (stopTimeout 1 s; httpd as PID 1 ignores SIGTERM)%n",
                arns.size(),
                ms(Collections.max(stopped.values()) - s0));
    }

    /** Polls DescribeTasks every {@link #POLL_MILLIS} until every task shows {@code status}; when each first did. */
    Map<String, Long> awaitStatus(List<String> arns, String status) throws InterruptedException {
        Map<String, Long> seen = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (seen.size() < arns.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((arns.size() - seen.size()) + " tasks not " + status + " after 120 s");
            }
            List<String> open = arns.stream().filter(a -> !seen.containsKey(a)).toList();
            for (int i = 0; i < open.size(); i += 100) {
                List<String> page = open.subList(i, Math.min(open.size(), i + 100));
                List<Task> tasks =
                        ecs.describeTasks(b -> b.cluster(cluster).tasks(page)).tasks();
                long now = System.nanoTime();
                for (Task t : tasks) {
                    if (status.equals(t.lastStatus())) {
                        seen.putIfAbsent(t.taskArn(), now);
                    } else if ("STOPPED".equals(t.lastStatus())) {
                        throw new IllegalStateException(
                                t.taskArn() + " stopped: " + t.stopCode() + " " + t.stoppedReason() + " "
                                        + t.containers().getFirst().reason());
                    }
                }
            }
            if (seen.size() < arns.size()) {
                Thread.sleep(POLL_MILLIS);
            }
        }
        return seen;
    }

    static void row(String name, List<Long> nanos) {
        if (nanos.isEmpty()) {
            System.out.println("| " + name + " | - | - | - | - |");
            return;
        }
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        System.out.printf(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.0f |%n",
                name,
                ms(pct(s, 50)),
                ms(pct(s, 95)),
                ms(pct(s, 99)),
                ms(s.getLast()));
    }

    /** Nearest-rank percentile of a sorted list. */
    static long pct(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** VmRSS of each named process, e.g. "server JVM 312 MiB". */
    static String rss(Map<String, Long> pids) {
        List<String> out = new ArrayList<>();
        for (var e : pids.entrySet()) {
            try {
                String kb = Files.readAllLines(Path.of("/proc/" + e.getValue() + "/status")).stream()
                        .filter(l -> l.startsWith("VmRSS:"))
                        .findFirst()
                        .orElse("VmRSS: 0 kB")
                        .replaceAll("\\D", "");
                out.add(String.format(Locale.ROOT, "%s %d MiB", e.getKey(), Long.parseLong(kb) / 1024));
            } catch (Exception ex) {
                out.add(e.getKey() + " ?");
            }
        }
        return String.join(", ", out);
    }
}
