package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * IAM and STS as clients see them: the AWS CLI script {@code cli/iam.sh} (users, keys, policies,
 * versions, IAM's messages, roles, assume-role, the simulator, ...) and the AWS SDK for Java v2
 * (the same API through another client, expired session tokens, the web identity flow with a JWT
 * this test signs and a JWKS it serves on a loopback address).
 */
class IamIT extends WithServer {

    static final ObjectMapper MAPPER = new ObjectMapper();

    IamClient iam() {
        return iam(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(server.accessKeyId(), server.secretAccessKey())));
    }

    IamClient iam(StaticCredentialsProvider credentials) {
        return IamClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    StsClient sts(Credentials c) {
        return StsClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @Test
    void theAwsCliScript() throws Exception {
        String out = CliScripts.run(server, "iam", Map.of(), 900);
        assertThat(out).contains("ok - iam done");
    }

    @Test
    void usersPoliciesAndVersionsThroughTheSdk() {
        try (IamClient iam = iam()) {
            var user = iam.createUser(b -> b.userName("sdk-user").path("/sdk/")).user();
            assertThat(user.userId()).startsWith("AIDA").hasSize(21);
            assertThat(user.arn()).isEqualTo("arn:aws:iam::000000000000:user/sdk/sdk-user");
            String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"logs:*\","
                    + "\"Resource\":\"*\"}]}";
            iam.putUserPolicy(b -> b.userName("sdk-user").policyName("logs").policyDocument(doc));
            String got = iam.getUserPolicy(b -> b.userName("sdk-user").policyName("logs"))
                    .policyDocument();
            assertThat(URLDecoder.decode(got, StandardCharsets.UTF_8)).isEqualTo(doc);

            assertThatThrownBy(() -> iam.putUserPolicy(b -> b.userName("sdk-user")
                            .policyName("bad")
                            .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                    + "\"Action\":\"logs:*\",\"Resource\":\"*\",\"Bogus\":1}]}")))
                    .isInstanceOfSatisfying(IamException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedPolicyDocument");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Unknown field Bogus");
                        assertThat(e.statusCode()).isEqualTo(400);
                    });
            assertThatThrownBy(() -> iam.putUserPolicy(
                            b -> b.userName("nobody").policyName("x").policyDocument(doc)))
                    .isInstanceOfSatisfying(IamException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchEntity");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The user with name nobody cannot be found.");
                    });

            String arn = iam.createPolicy(b -> b.policyName("sdk-p").policyDocument(doc))
                    .policy()
                    .arn();
            for (int i = 0; i < 4; i++) {
                iam.createPolicyVersion(b -> b.policyArn(arn).policyDocument(doc));
            }
            assertThatThrownBy(
                            () -> iam.createPolicyVersion(b -> b.policyArn(arn).policyDocument(doc)))
                    .isInstanceOfSatisfying(IamException.class, e -> assertThat(
                                    e.awsErrorDetails().errorMessage())
                            .isEqualTo("A managed policy can have up to 5 versions. Before you create a new version,"
                                    + " you must delete an existing version."));
            assertThat(iam.listPolicyVersions(b -> b.policyArn(arn)).versions()).hasSize(5);
            // a 6,145-character managed policy (white space not counted) is over the quota
            StringBuilder actions = new StringBuilder();
            while (actions.length() < 8000) {
                actions.append("\"logs:GetLogEvents\",    ");
            }
            String big = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
                    + actions.substring(0, actions.length() - 5) + "],\"Resource\":\"*\"}]}";
            assertThatThrownBy(
                            () -> iam.createPolicy(b -> b.policyName("too-big").policyDocument(big)))
                    .isInstanceOfSatisfying(IamException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LimitExceeded");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("Cannot exceed quota for PolicySize: 6144");
                    });
            assertThat(iam.listPolicies(b -> b.scope("Local")).policies())
                    .extracting(p -> p.policyName())
                    .doesNotContain("too-big");

            var sim = iam.simulatePrincipalPolicy(
                    b -> b.policySourceArn(user.arn()).actionNames("logs:PutLogEvents", "ecs:RunTask"));
            assertThat(sim.evaluationResults())
                    .extracting(r -> r.evalDecision())
                    .containsExactly(PolicyEvaluationDecisionType.ALLOWED, PolicyEvaluationDecisionType.IMPLICIT_DENY);
            assertThat(sim.evaluationResults()
                            .getFirst()
                            .matchedStatements()
                            .getFirst()
                            .sourcePolicyId())
                    .isEqualTo("logs");
        }
    }

    /** A role that user {@code name} may assume, the user and its key. */
    private String[] userAndRole(IamClient iam, String name) {
        iam.createUser(b -> b.userName(name));
        var key = iam.createAccessKey(b -> b.userName(name)).accessKey();
        String roleArn = iam.createRole(
                        b -> b.roleName(name + "-role")
                                .assumeRolePolicyDocument(
                                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                                + "\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:root\"},\"Action\":\"sts:AssumeRole\"}]}"))
                .role()
                .arn();
        return new String[] {key.accessKeyId(), key.secretAccessKey(), roleArn};
    }

    @Test
    void anExpiredSessionTokenIsRejected() {
        try (IamClient iam = iam()) {
            String[] u = userAndRole(iam, "expiring");
            try (StsClient userSts = server.sts(u[0], u[1])) {
                Credentials c = userSts.assumeRole(
                                b -> b.roleArn(u[2]).roleSessionName("short").durationSeconds(900))
                        .credentials();
                assertThat(c.expiration()).isBefore(Instant.now().plus(Duration.ofMinutes(16)));
                try (StsClient session = sts(c)) {
                    assertThat(session.getCallerIdentity().arn())
                            .isEqualTo("arn:aws:sts::000000000000:assumed-role/expiring-role/short");
                    server.server().iamClock().advance(Duration.ofSeconds(901));
                    assertThatThrownBy(session::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The security token included in the request is expired");
                        assertThat(e.statusCode()).isEqualTo(403);
                    });
                }
                // new credentials work again on the moved clock
                Credentials fresh = userSts.assumeRole(b -> b.roleArn(u[2]).roleSessionName("again"))
                        .credentials();
                try (StsClient session = sts(fresh)) {
                    assertThat(session.getCallerIdentity().userId())
                            .startsWith("AROA")
                            .endsWith(":again");
                }
            }
        }
    }

    /**
     * Until IAM policies are evaluated for every call, only the root key may call beyond STS
     * (RootOnlyAuthorizer): a user's key and a role session are refused with AWS's AccessDenied shapes
     * and nothing is written, on the JSON, query and S3 protocols alike, while STS keeps working.
     */
    @Test
    void nonRootCredentialsAreRefusedBeyondStsUntilPoliciesAreEnforced() throws Exception {
        try (IamClient iam = iam()) {
            String[] u = userAndRole(iam, "narrow");
            iam.putUserPolicy(b -> b.userName("narrow")
                    .policyName("all")
                    .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                            + "\"Action\":\"*\",\"Resource\":\"*\"}]}"));
            try (var ecs = server.ecs(u[0], u[1])) {
                assertThatThrownBy(() -> ecs.createCluster(b -> b.clusterName("not-by-narrow")))
                        .isInstanceOfSatisfying(software.amazon.awssdk.services.ecs.model.EcsException.class, e -> {
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.awsErrorDetails().errorMessage())
                                    .startsWith("User: arn:aws:iam::000000000000:user/narrow is not"
                                            + " authorized to perform: ecs:CreateCluster because Berth does"
                                            + " not evaluate IAM policies yet");
                        });
            }
            try (var ecs = server.ecs()) {
                assertThat(ecs.listClusters().clusterArns()).noneMatch(a -> a.endsWith("/not-by-narrow"));
            }
            assertThatThrownBy(() -> iam(StaticCredentialsProvider.create(AwsBasicCredentials.create(u[0], u[1])))
                            .listUsers())
                    .isInstanceOfSatisfying(IamException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.statusCode()).isEqualTo(403);
                    });
            Credentials c;
            try (StsClient userSts = server.sts(u[0], u[1])) {
                assertThat(userSts.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::000000000000:user/narrow");
                c = userSts.assumeRole(b -> b.roleArn(u[2]).roleSessionName("s3"))
                        .credentials();
            }
            var creds = StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
            try (var s3 = software.amazon.awssdk.services.s3.S3Client.builder()
                    .endpointOverride(server.endpoint())
                    .region(Region.US_EAST_1)
                    .forcePathStyle(true)
                    .credentialsProvider(creds)
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("session-bucket")))
                        .isInstanceOfSatisfying(software.amazon.awssdk.services.s3.model.S3Exception.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(403);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        });
            }
            try (var presigner = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                    .endpointOverride(server.endpoint())
                    .region(Region.US_EAST_1)
                    .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                            .pathStyleAccessEnabled(true)
                            .build())
                    .credentialsProvider(creds)
                    .build()) {
                String url = presigner
                        .presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                                .getObjectRequest(
                                        g -> g.bucket("session-bucket").key("k")))
                        .url()
                        .toString();
                assertThat(url).contains("X-Amz-Security-Token=");
                var http = java.net.http.HttpClient.newHttpClient();
                // the session's signature checks out; the refusal is the authorization rule's
                var denied = http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(denied.statusCode()).isEqualTo(403);
                assertThat(denied.body()).contains("AccessDenied").contains("is not the account&apos;s root key");
                String wrong = url.replaceFirst("X-Amz-Security-Token=[^&]+", "X-Amz-Security-Token=nope");
                var refused = http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(wrong))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(403);
                assertThat(refused.body()).contains("InvalidAccessKeyId");
            }
        }
    }

    @Test
    void sessionPoliciesAndTagsAreKeptWithTheSession() {
        try (IamClient iam = iam()) {
            String[] u = userAndRole(iam, "tagger");
            iam.updateAssumeRolePolicy(b -> b.roleName("tagger-role")
                    .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                            + "{\"AWS\":\"arn:aws:iam::000000000000:user/tagger\"},\"Action\":[\"sts:AssumeRole\","
                            + "\"sts:TagSession\"]}]}"));
            try (StsClient userSts = server.sts(u[0], u[1])) {
                var r = userSts.assumeRole(b -> b.roleArn(u[2])
                        .roleSessionName("tagged")
                        .tags(t -> t.key("team").value("web"))
                        .policy(
                                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:List*\","
                                        + "\"Resource\":\"*\"}]}"));
                assertThat(r.packedPolicySize()).isPositive();
                assertThatThrownBy(() -> userSts.assumeRole(b -> b.roleArn(u[2])
                                .roleSessionName("bad")
                                .policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}")))
                        .isInstanceOfSatisfying(
                                StsException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedPolicyDocument"));
            }
        }
    }

    @Test
    void webIdentityFlow() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        String host = TestAddresses.IAM_OIDC.ip(0);
        HttpServer oidc = HttpServer.create(new InetSocketAddress(host, 0), 0);
        String issuer = "http://" + host + ":" + oidc.getAddress().getPort() + "/ci";
        String jwks = MAPPER.writeValueAsString(Map.of(
                "keys",
                List.of(Map.of(
                        "kty",
                        "RSA",
                        "kid",
                        "k1",
                        "alg",
                        "RS256",
                        "use",
                        "sig",
                        "n",
                        b64(pub.getModulus()),
                        "e",
                        b64(pub.getPublicExponent())))));
        oidc.createContext("/ci/.well-known/openid-configuration", ex -> {
            byte[] body = MAPPER.writeValueAsBytes(Map.of("issuer", issuer, "jwks_uri", issuer + "/jwks"));
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        oidc.createContext("/ci/jwks", ex -> {
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        oidc.start();
        try (IamClient iam = iam()) {
            String provider = iam.createOpenIDConnectProvider(b -> b.url(issuer)
                            .clientIDList("sts.amazonaws.com")
                            .thumbprintList("0123456789abcdef0123456789abcdef01234567"))
                    .openIDConnectProviderArn();
            String key = issuer.substring("http://".length());
            assertThat(provider).isEqualTo("arn:aws:iam::000000000000:oidc-provider/" + key);
            String roleArn = iam.createRole(b -> b.roleName("ci-deploy")
                            .assumeRolePolicyDocument(
                                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                            + "\"Principal\":{\"Federated\":\"" + provider + "\"},"
                                            + "\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\""
                                            + key + ":aud\":\"sts.amazonaws.com\"},\"StringLike\":{\"" + key
                                            + ":sub\":\"repo:acme/web:*\"}}}]}"))
                    .role()
                    .arn();
            // the tokens' times on IAM's clock, which another test may have moved forward
            long now = server.server().iamClock().instant().getEpochSecond();
            String good = jwt(
                    pair,
                    Map.of(
                            "iss",
                            issuer,
                            "aud",
                            "sts.amazonaws.com",
                            "sub",
                            "repo:acme/web:ref:main",
                            "iat",
                            now,
                            "exp",
                            now + 600));
            // unsigned call, as the CLI and SDKs make it
            try (StsClient anon = StsClient.builder()
                    .endpointOverride(server.endpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                var r = anon.assumeRoleWithWebIdentity(
                        b -> b.roleArn(roleArn).roleSessionName("gha").webIdentityToken(good));
                assertThat(r.subjectFromWebIdentityToken()).isEqualTo("repo:acme/web:ref:main");
                assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::000000000000:assumed-role/ci-deploy/gha");
                try (StsClient session = sts(r.credentials())) {
                    assertThat(session.getCallerIdentity().arn())
                            .isEqualTo("arn:aws:sts::000000000000:assumed-role/ci-deploy/gha");
                }
                String otherRepo = jwt(
                        pair,
                        Map.of(
                                "iss",
                                issuer,
                                "aud",
                                "sts.amazonaws.com",
                                "sub",
                                "repo:evil/web:ref:main",
                                "iat",
                                now,
                                "exp",
                                now + 600));
                assertThatThrownBy(() -> anon.assumeRoleWithWebIdentity(
                                b -> b.roleArn(roleArn).roleSessionName("gha").webIdentityToken(otherRepo)))
                        .isInstanceOfSatisfying(StsException.class, e -> {
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                            assertThat(e.awsErrorDetails().errorMessage())
                                    .isEqualTo("Not authorized to perform sts:AssumeRoleWithWebIdentity");
                        });
                String wrongAudience = jwt(
                        pair,
                        Map.of(
                                "iss",
                                issuer,
                                "aud",
                                "someone-else",
                                "sub",
                                "repo:acme/web:ref:main",
                                "iat",
                                now,
                                "exp",
                                now + 600));
                assertThatThrownBy(() -> anon.assumeRoleWithWebIdentity(
                                b -> b.roleArn(roleArn).roleSessionName("gha").webIdentityToken(wrongAudience)))
                        .isInstanceOfSatisfying(
                                StsException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken"));
                String expired = jwt(
                        pair,
                        Map.of(
                                "iss",
                                issuer,
                                "aud",
                                "sts.amazonaws.com",
                                "sub",
                                "repo:acme/web:ref:main",
                                "iat",
                                now - 7200,
                                "exp",
                                now - 3600));
                assertThatThrownBy(() -> anon.assumeRoleWithWebIdentity(
                                b -> b.roleArn(roleArn).roleSessionName("gha").webIdentityToken(expired)))
                        .isInstanceOfSatisfying(
                                StsException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
                String forged = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA";
                assertThatThrownBy(() -> anon.assumeRoleWithWebIdentity(
                                b -> b.roleArn(roleArn).roleSessionName("gha").webIdentityToken(forged)))
                        .isInstanceOfSatisfying(
                                StsException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken"));
            }
        } finally {
            oidc.stop(0);
        }
    }

    private static String b64(BigInteger n) {
        byte[] bytes = n.toByteArray();
        if (bytes[0] == 0 && bytes.length > 1) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String jwt(KeyPair pair, Map<String, Object> claims) throws Exception {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        String head = enc.encodeToString(MAPPER.writeValueAsBytes(Map.of("alg", "RS256", "kid", "k1", "typ", "JWT")));
        String body = enc.encodeToString(MAPPER.writeValueAsBytes(claims));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(pair.getPrivate());
        s.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
        return head + "." + body + "." + enc.encodeToString(s.sign());
    }
}
