package dev.berth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import dev.berth.it.RawClient;
import dev.berth.logs.LogCatalog;
import dev.berth.logs.LogEventApi;
import dev.berth.logs.LogGroupApi;
import dev.berth.logs.LogStreamApi;
import dev.berth.logs.files.LogFiles;
import dev.berth.model.Platform;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.Jsons;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import java.io.BufferedWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * CloudWatch Logs benchmarks (bench/logs.sh runs this; not part of the test suite):
 *
 * <ol>
 *   <li>PutLogEvents ingest through the front door: SigV4-signed SDK v2 calls, batches of 1,000
 *       events of 1 KiB, {@code bench.callers} callers on their own streams for {@code bench.seconds}.
 *       Peer in the same run: the same bytes appended to one file per caller with one fsync per
 *       batch (what the storage must at least do).</li>
 *   <li>FilterLogEvents over {@code bench.gb} GiB of stored 1 KiB events (8 streams) with a term that
 *       matches 0.1% of them, all pages. The data is written through the storage layer (the same
 *       PutLogEvents handler, in process, no HTTP) to save time. Peer in the same run: {@code grep -c}
 *       over the same messages as plain text files.</li>
 * </ol>
 */
class LogsBenchmark {

    /** 1 KB (decimal): 1,000 events of 1,024 bytes would break the 1,048,576-byte batch limit (26 bytes per event count too). */
    static final int EVENT_BYTES = 1000;

    static final int BATCH = 1000;

    static String message(Random r, boolean needle) {
        StringBuilder sb = new StringBuilder(EVENT_BYTES);
        sb.append(needle ? "NEEDLE " : "level=info ");
        while (sb.length() < EVENT_BYTES) {
            sb.append("w").append(Integer.toHexString(r.nextInt())).append(' ');
        }
        sb.setLength(EVENT_BYTES);
        return sb.toString();
    }

    @Test
    void run() throws Exception {
        int callers = Integer.getInteger("bench.callers", 4);
        int seconds = Integer.getInteger("bench.seconds", 20);
        double gb = Double.parseDouble(System.getProperty("bench.gb", "1"));
        Path work = Files.createTempDirectory("berth-logs-bench");
        try {
            String only = System.getProperty("bench.only", "");
            if (only.isEmpty() || only.equals("ingest")) {
                ingest(work.resolve("ingest"), callers, seconds);
            }
            if (only.isEmpty() || only.equals("ingest") || only.equals("replay")) {
                ingestReplay(work.resolve("replay"), callers, seconds);
            }
            if (only.isEmpty() || only.equals("filter")) {
                filter(work.resolve("filter"), gb);
            }
        } finally {
            try (var walk = Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    static CloudWatchLogsClient client(BerthServer s) {
        return CloudWatchLogsClient.builder()
                .endpointOverride(s.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    static BerthServer server(Path dir) {
        return BerthServer.start(new ServerConfig(
                System.getProperty("bench.host", "127.0.6.1"),
                0,
                dir,
                null,
                false,
                "000000000000",
                "us-east-1",
                null,
                null));
    }

    void ingest(Path dir, int callers, int seconds) throws Exception {
        Random r = new Random(1);
        List<InputLogEvent> template = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            template.add(InputLogEvent.builder()
                    .timestamp(0L)
                    .message(message(r, false))
                    .build());
        }
        try (BerthServer s = server(dir);
                CloudWatchLogsClient logs = client(s)) {
            logs.createLogGroup(b -> b.logGroupName("/bench/ingest"));
            for (int c = 0; c < callers; c++) {
                int n = c;
                logs.createLogStream(b -> b.logGroupName("/bench/ingest").logStreamName("s" + n));
            }
            AtomicLong batches = new AtomicLong();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long t0 = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    String stream = "s" + c;
                    fs.add(pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            long now = System.currentTimeMillis();
                            List<InputLogEvent> batch = template.stream()
                                    .map(e -> e.toBuilder().timestamp(now).build())
                                    .toList();
                            logs.putLogEvents(b -> b.logGroupName("/bench/ingest")
                                    .logStreamName(stream)
                                    .logEvents(batch));
                            batches.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long events = batches.get() * BATCH;
            double mb = events * (double) EVENT_BYTES / (1 << 20);
            System.out.printf(
                    "BENCH ingest: %d callers, %d batches of %d x 1 KB in %.1f s: %.0f events/s, %.1f MiB/s%n",
                    callers, batches.get(), BATCH, secs, events / secs, mb / secs);
        }
        // peer: raw appends with one fsync per 1 MiB batch, same number of callers and batches
        byte[] payload = new byte[BATCH * (EVENT_BYTES + 20)];
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        AtomicLong peerBatches = new AtomicLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                Path f = dir.resolve("peer-" + c + ".bin");
                fs.add(pool.submit(() -> {
                    try (FileChannel ch = FileChannel.open(
                            f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                        while (System.nanoTime() < end) {
                            ch.write(ByteBuffer.wrap(payload));
                            ch.force(false);
                            peerBatches.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "BENCH ingest peer (append 1 MiB + fsync per batch, no HTTP/JSON/SigV4): %.0f events/s, %.1f MiB/s%n",
                peerBatches.get() * BATCH / secs, peerBatches.get() * BATCH * (double) EVENT_BYTES / (1 << 20) / secs);
    }

    /**
     * The server's side of ingest alone: each caller signs one PutLogEvents body of 1,000 x 1 KB
     * events once (timestamps = start of the run, valid for the whole run) and replays it with
     * java.net.http, so no SDK marshalling or client-side hashing shares the cores with the server.
     */
    void ingestReplay(Path dir, int callers, int seconds) throws Exception {
        Random r = new Random(2);
        ObjectMapper json = new ObjectMapper();
        try (BerthServer s = server(dir);
                CloudWatchLogsClient logs = client(s)) {
            logs.createLogGroup(b -> b.logGroupName("/bench/replay"));
            RawClient raw = new RawClient(s.endpoint(), s.accessKeyId(), s.secretAccessKey());
            AtomicLong batches = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            long now = System.currentTimeMillis();
            List<byte[]> bodies = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int n = c;
                logs.createLogStream(b -> b.logGroupName("/bench/replay").logStreamName("s" + n));
                ObjectNode body = json.createObjectNode()
                        .put("logGroupName", "/bench/replay")
                        .put("logStreamName", "s" + c);
                ArrayNode events = body.putArray("logEvents");
                for (int i = 0; i < BATCH; i++) {
                    events.addObject().put("timestamp", now).put("message", message(r, false));
                }
                bodies.add(json.writeValueAsBytes(body));
            }
            var os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long t0 = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    byte[] body = bodies.get(c);
                    fs.add(pool.submit(() -> {
                        SdkHttpFullRequest req = SdkHttpFullRequest.builder()
                                .method(SdkHttpMethod.POST)
                                .uri(s.endpoint())
                                .putHeader("Content-Type", "application/x-amz-json-1.1")
                                .putHeader("X-Amz-Target", "Logs_20140328.PutLogEvents")
                                .contentStreamProvider(ContentStreamProvider.fromByteArray(body))
                                .build();
                        SdkHttpRequest signed = raw.sign(req, "logs", Clock.systemUTC());
                        while (System.nanoTime() < end) {
                            RawClient.Response resp = raw.send(signed, body);
                            if (resp.status() != 200) {
                                failures.incrementAndGet();
                                throw new IllegalStateException(
                                        "PutLogEvents answered " + resp.status() + ": " + resp.body());
                            }
                            batches.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long events = batches.get() * BATCH;
            double mb = events * (double) EVENT_BYTES / (1 << 20);
            double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / Math.max(1, batches.get());
            System.out.printf(
                    "BENCH ingest replay (one signed body per caller, java.net.http, no SDK): %d callers, %d batches in %.1f s: %.0f events/s, %.1f MiB/s, %.1f ms process CPU per batch (server + replaying client)%n",
                    callers, batches.get(), secs, events / secs, mb / secs, cpuMs);
        }
    }

    void filter(Path dir, double gb) throws Exception {
        long total = (long) (gb * (1L << 30) / EVENT_BYTES);
        int streams = 8;
        long perStream = total / streams;
        Random r = new Random(2);
        ObjectMapper mapper = Jsons.newMapper();
        Path text = dir.resolve("text");
        Files.createDirectories(text);
        long needles = 0;
        long t0 = System.nanoTime();
        long base = System.currentTimeMillis() - 3_600_000L;
        StateStore store = StateStores.open(null, dir);
        try (LogFiles files = new LogFiles(dir.resolve("logs"))) {
            LogCatalog catalog = new LogCatalog(
                    store, new Documents(mapper), new Platform("000000000000", "us-east-1"), Clock.systemUTC(), files);
            LogGroupApi groups = new LogGroupApi(catalog);
            LogStreamApi streamApi = new LogStreamApi(catalog);
            var put = new LogEventApi(catalog, groups, streamApi).operations().get("PutLogEvents");
            CallContext call = new CallContext("bench", "bench", "000000000000", "us-east-1");
            groups.operations()
                    .get("CreateLogGroup")
                    .handle(call, mapper.createObjectNode().put("logGroupName", "/bench/filter"));
            for (int s = 0; s < streams; s++) {
                String stream = "s" + s;
                streamApi
                        .operations()
                        .get("CreateLogStream")
                        .handle(
                                call,
                                mapper.createObjectNode()
                                        .put("logGroupName", "/bench/filter")
                                        .put("logStreamName", stream));
                try (BufferedWriter out =
                        Files.newBufferedWriter(text.resolve(stream + ".log"), StandardCharsets.UTF_8)) {
                    for (long i = 0; i < perStream; i += BATCH) {
                        ObjectNode in = mapper.createObjectNode()
                                .put("logGroupName", "/bench/filter")
                                .put("logStreamName", stream);
                        ArrayNode events = in.putArray("logEvents");
                        for (int k = 0; k < BATCH && i + k < perStream; k++) {
                            boolean needle = r.nextInt(1000) == 0;
                            needles += needle ? 1 : 0;
                            String m = message(r, needle);
                            events.addObject()
                                    .put("timestamp", base + (i + k) / 1000)
                                    .put("message", m);
                            out.write(m);
                            out.write('\n');
                        }
                        put.handle(call, in);
                    }
                }
            }
        } finally {
            store.close();
        }
        System.out.printf(
                "BENCH generated %d events (%.2f GiB, %d needles) in %.1f s through the storage layer%n",
                perStream * streams,
                perStream * streams * (double) EVENT_BYTES / (1 << 30),
                needles,
                (System.nanoTime() - t0) / 1e9);
        try (BerthServer s = server(dir);
                CloudWatchLogsClient logs = client(s)) {
            for (int run = 0; run < 3; run++) {
                long f0 = System.nanoTime();
                long found = logs
                        .filterLogEventsPaginator(
                                b -> b.logGroupName("/bench/filter").filterPattern("NEEDLE"))
                        .events()
                        .stream()
                        .count();
                double fs = (System.nanoTime() - f0) / 1e9;
                long g0 = System.nanoTime();
                List<String> cmd = new ArrayList<>(List.of("grep", "-c", "NEEDLE"));
                try (var list = Files.list(text)) {
                    list.sorted().forEach(p -> cmd.add(p.toString()));
                }
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                p.waitFor();
                double gs = (System.nanoTime() - g0) / 1e9;
                long grepCount = out.lines()
                        .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(':') + 1)))
                        .sum();
                System.out.printf(
                        "BENCH filter run %d: FilterLogEvents found %d in %.2f s (all pages); grep -c found %d in %.2f s; ratio %.1fx%n",
                        run + 1, found, fs, grepCount, gs, fs / gs);
                if (found != needles || grepCount != needles) {
                    throw new AssertionError("expected " + needles + " matches");
                }
            }
        }
    }
}
