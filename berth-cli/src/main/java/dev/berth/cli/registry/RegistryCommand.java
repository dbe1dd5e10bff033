package dev.berth.cli.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth registry ...}: operator commands of the image registry. {@code gc} asks a running
 * server to collect unreferenced blobs now (the server also does it every hour), signing the call
 * with the root key from the data directory's credentials file.
 */
@Command(
        name = "registry",
        mixinStandardHelpOptions = true,
        description = "Image registry maintenance.",
        subcommands = {RegistryCommand.Gc.class})
public final class RegistryCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(
            name = "gc",
            mixinStandardHelpOptions = true,
            description =
                    "Delete registry blobs that no manifest references (mark and sweep, safe while clients push).")
    static final class Gc implements Callable<Integer> {

        @Option(
                names = "--endpoint",
                defaultValue = "http://127.0.0.1:4566",
                description = "The server (default ${DEFAULT-VALUE}).")
        URI endpoint;

        @Option(names = "--data-dir", description = "Where the credentials file is (default ~/.berth).")
        Path dataDir;

        @Option(
                names = "--region",
                defaultValue = "us-east-1",
                description = "The server's region (default ${DEFAULT-VALUE}).")
        String region;

        @Option(
                names = "--grace-seconds",
                description = "Keep blobs written or linked more recently than this "
                        + "(default: the server's grace period, one hour). 0 is safe only when nobody is pushing.")
        Long graceSeconds;

        @Override
        public Integer call() throws Exception {
            Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".berth");
            String[] key = credentials(dir.resolve("credentials"));
            String path = "/_berth/registry/v1/gc";
            String query = graceSeconds == null ? "" : "graceSeconds=" + graceSeconds;
            String host = endpoint.getHost() + (endpoint.getPort() > 0 ? ":" + endpoint.getPort() : "");
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            String amzDate = now.format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
            String day = amzDate.substring(0, 8);
            String payload = hex(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
            String canonical = "POST\n" + path + "\n" + query + "\nhost:" + host + "\nx-amz-content-sha256:" + payload
                    + "\nx-amz-date:" + amzDate + "\n\nhost;x-amz-content-sha256;x-amz-date\n" + payload;
            String scope = day + "/" + region + "/berth/aws4_request";
            String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                    + hex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
            byte[] k = hmac(("AWS4" + key[1]).getBytes(StandardCharsets.UTF_8), day);
            k = hmac(hmac(hmac(k, region), "berth"), "aws4_request");
            String signature = hex(hmac(k, toSign));
            HttpRequest req = HttpRequest.newBuilder(endpoint.resolve(path + (query.isEmpty() ? "" : "?" + query)))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .header("x-amz-date", amzDate)
                    .header("x-amz-content-sha256", payload)
                    .header(
                            "Authorization",
                            "AWS4-HMAC-SHA256 Credential=" + key[0] + "/" + scope
                                    + ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + signature)
                    .build();
            System.out.println("berth registry gc: collecting on " + endpoint + " ...");
            HttpResponse<String> resp = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(req, HttpResponse.BodyHandlers.ofString());
            System.out.println(resp.body());
            return resp.statusCode() == 200 ? 0 : 1;
        }

        private static String[] credentials(Path file) throws IOException {
            String id = null;
            String secret = null;
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.split("=", 2);
                if (kv.length == 2 && kv[0].trim().equals("aws_access_key_id")) {
                    id = kv[1].trim();
                } else if (kv.length == 2 && kv[0].trim().equals("aws_secret_access_key")) {
                    secret = kv[1].trim();
                }
            }
            if (id == null || secret == null) {
                throw new IOException(file + " has no root access key");
            }
            return new String[] {id, secret};
        }

        private static byte[] hmac(byte[] key, String data) throws Exception {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }

        private static String hex(byte[] b) {
            return HexFormat.of().formatHex(b);
        }
    }
}
