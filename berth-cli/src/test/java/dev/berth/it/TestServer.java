package dev.berth.it;

import dev.berth.agent.engine.ImagePullBehavior;
import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A real Berth server started in-process on a free port with its own data directory, exactly as
 * {@code berth server} starts it, plus AWS SDK clients pointed at it.
 */
public final class TestServer implements AutoCloseable {

    /** Load balancers of test servers take addresses from this range (the range of the tests' loopback block). */
    static final String LB_ADDRESSES = System.getProperty("berth.it.lb-addresses", TestAddresses.LB_POOL.range());

    private final BerthServer server;
    private final Path dataDir;

    private TestServer(
            Path dataDir,
            String storeUrl,
            boolean localAgent,
            Duration heartbeatTimeout,
            ImagePullBehavior pull,
            Duration lostInstanceTimeout,
            String lbAddresses) {
        this.dataDir = dataDir;
        this.server = BerthServer.start(new ServerConfig(
                "127.0.0.1",
                0,
                dataDir,
                storeUrl,
                localAgent,
                "000000000000",
                "us-east-1",
                null,
                null,
                heartbeatTimeout,
                pull,
                lostInstanceTimeout,
                lbAddresses,
                null));
    }

    /** A server without the local agent: tests that need container instances start their own agents. */
    public static TestServer start() {
        return start(false, ServerConfig.DEFAULT_HEARTBEAT_TIMEOUT);
    }

    public static TestServer start(boolean localAgent, Duration heartbeatTimeout) {
        return start(localAgent, heartbeatTimeout, ImagePullBehavior.PREFER_CACHED);
    }

    /** A server whose local agent (if any) pulls images with {@code pull} (tests use local images: PREFER_CACHED). */
    public static TestServer start(boolean localAgent, Duration heartbeatTimeout, ImagePullBehavior pull) {
        return start(localAgent, heartbeatTimeout, pull, ServerConfig.DEFAULT_LOST_INSTANCE_TIMEOUT);
    }

    /** A server that gives up on the tasks of an instance disconnected longer than {@code lostInstanceTimeout}. */
    public static TestServer start(
            boolean localAgent, Duration heartbeatTimeout, ImagePullBehavior pull, Duration lostInstanceTimeout) {
        try {
            return new TestServer(
                    Files.createTempDirectory("berth-it"),
                    null,
                    localAgent,
                    heartbeatTimeout,
                    pull,
                    lostInstanceTimeout,
                    LB_ADDRESSES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server without the local agent whose load balancers take addresses from {@code lbAddresses} ("a-b"). */
    public static TestServer withLbAddresses(String lbAddresses) {
        try {
            return new TestServer(
                    Files.createTempDirectory("berth-it"),
                    null,
                    false,
                    ServerConfig.DEFAULT_HEARTBEAT_TIMEOUT,
                    ImagePullBehavior.PREFER_CACHED,
                    ServerConfig.DEFAULT_LOST_INSTANCE_TIMEOUT,
                    lbAddresses);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public Path dataDir() {
        return dataDir;
    }

    public BerthServer server() {
        return server;
    }

    public String accessKeyId() {
        return server.accessKeyId();
    }

    public String secretAccessKey() {
        return server.secretAccessKey();
    }

    public EcsClient ecs() {
        return ecs(accessKeyId(), secretAccessKey());
    }

    public EcsClient ecs(String keyId, String secret) {
        return EcsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    /** A client of any SDK v2 service pointed at this server with the root key and no retries. */
    public <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId(), secretAccessKey())))
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    public software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient logs() {
        return client(software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient.builder()
                .httpClient(UrlConnectionHttpClient.create()));
    }

    public software.amazon.awssdk.services.ssm.SsmClient ssm() {
        return client(
                software.amazon.awssdk.services.ssm.SsmClient.builder().httpClient(UrlConnectionHttpClient.create()));
    }

    public software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secretsManager() {
        return client(software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create()));
    }

    public software.amazon.awssdk.services.kms.KmsClient kms() {
        return client(
                software.amazon.awssdk.services.kms.KmsClient.builder().httpClient(UrlConnectionHttpClient.create()));
    }

    public StsClient sts(String keyId, String secret) {
        return StsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    public software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client elbv2() {
        return software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId(), secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @Override
    public void close() {
        server.close();
    }
}
