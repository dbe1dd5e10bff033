package dev.berth.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * GetSecretValue and GetParameter latency under N concurrent signed callers (run by bench/secrets.sh),
 * with the {@link ApiBenchmark} harness. Peers measured in the same run: unsigned
 * {@code GET /_berth/health} (HTTP alone) and ECS DescribeTaskDefinition (a signed read that decrypts
 * nothing), so the cost of envelope decryption shows as the difference.
 *
 * <p>Arguments: endpoint accessKeyId secret callers seconds [server pid].
 */
public final class SecretsBenchmark {

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(args[1], args[2]));
        int callers = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        ApiBenchmark.serverProcess =
                args.length > 5 ? ProcessHandle.of(Long.parseLong(args[5])).orElse(null) : null;
        var http5 = Apache5HttpClient.builder().maxConnections(callers * 2).socketTimeout(Duration.ofSeconds(30));
        try (SsmClient ssm = SsmClient.builder()
                        .endpointOverride(endpoint)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(creds)
                        .httpClient(http5.build())
                        .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                        .build();
                SecretsManagerClient sm = SecretsManagerClient.builder()
                        .endpointOverride(endpoint)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(creds)
                        .httpClient(http5.build())
                        .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                        .build();
                EcsClient ecs = EcsClient.builder()
                        .endpointOverride(endpoint)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(creds)
                        .httpClient(http5.build())
                        .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                        .build()) {
            ssm.putParameter(r -> r.name("/bench/plain").value("x".repeat(64)).type(ParameterType.STRING));
            ssm.putParameter(r -> r.name("/bench/secure").value("s".repeat(64)).type(ParameterType.SECURE_STRING));
            sm.createSecret(r -> r.name("bench/secret")
                    .secretString("{\"username\":\"bench\",\"password\":\"" + "p".repeat(150) + "\"}"));
            ecs.registerTaskDefinition(r -> r.family("bench")
                    .containerDefinitions(
                            c -> c.name("web").image("127.0.0.1:4566/web:1").memory(128)));
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest health =
                    HttpRequest.newBuilder(endpoint.resolve("/_berth/health")).build();
            ApiBenchmark.run("warm-up", callers, 5, () -> {
                sm.getSecretValue(r -> r.secretId("bench/secret"));
                ssm.getParameter(r -> r.name("/bench/secure").withDecryption(true));
            });
            List<ApiBenchmark.Result> results = new ArrayList<>();
            results.add(ApiBenchmark.run("GET /_berth/health (unsigned, peer)", callers, seconds, () -> {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    throw new IllegalStateException("health");
                }
            }));
            results.add(ApiBenchmark.run(
                    "ECS DescribeTaskDefinition (signed, peer)",
                    callers,
                    seconds,
                    () -> ecs.describeTaskDefinition(r -> r.taskDefinition("bench"))));
            results.add(ApiBenchmark.run(
                    "SSM GetParameter String", callers, seconds, () -> ssm.getParameter(r -> r.name("/bench/plain"))));
            results.add(ApiBenchmark.run(
                    "SSM GetParameter SecureString WithDecryption",
                    callers,
                    seconds,
                    () -> ssm.getParameter(r -> r.name("/bench/secure").withDecryption(true))));
            results.add(ApiBenchmark.run(
                    "Secrets Manager GetSecretValue",
                    callers,
                    seconds,
                    () -> sm.getSecretValue(r -> r.secretId("bench/secret"))));
            System.out.println(
                    "| operation | requests | requests/s | p50 ms | p99 ms | server CPU µs/call | client CPU µs/call | errors |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            results.forEach(System.out::println);
        }
    }
}
