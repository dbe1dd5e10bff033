package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The front door's protocol handling with hand-made (but properly signed) requests: routing,
 * AWS error shapes, malformed bodies, and a fuzz run that must never produce a 500.
 */
class ProtocolIT extends WithServer {

    static final String ECS = "AmazonEC2ContainerServiceV20141113.";
    static RawClient raw;
    static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeAll
    static void clients() {
        raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
    }

    static JsonNode parse(RawClient.Response r) throws Exception {
        return MAPPER.readTree(r.body());
    }

    @Test
    void healthAnswers200() throws Exception {
        RawClient.Response r = raw.unsigned("GET", "/_berth/health", Map.of(), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(parse(r).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void malformedJsonIsASerializationException() throws Exception {
        RawClient.Response r =
                raw.json("ecs", ECS + "ListClusters", "{\"maxResults\":".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(400);
        assertThat(parse(r).path("__type").asText()).isEqualTo("SerializationException");
        assertThat(parse(r).path("message").asText()).contains("not valid JSON");
        assertThat(r.headers().get("x-amzn-requestid")).isNotEmpty();
    }

    @Test
    void wrongTypesAndMissingMembersGetTheirOwnCodes() throws Exception {
        RawClient.Response wrongType = raw.json("ecs", ECS + "ListClusters", "{\"maxResults\":\"ten\"}".getBytes());
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(parse(wrongType).path("__type").asText()).isEqualTo("SerializationException");
        assertThat(parse(wrongType).path("message").asText()).contains("maxResults");

        RawClient.Response missing = raw.json("ecs", ECS + "DeleteCluster", "{}".getBytes());
        assertThat(parse(missing).path("__type").asText()).isEqualTo("InvalidParameterException");
        assertThat(parse(missing).path("message").asText()).contains("Value null at 'cluster'");

        RawClient.Response badEnum =
                raw.json("ecs", ECS + "DescribeClusters", "{\"include\":[\"EVERYTHING\"]}".getBytes());
        assertThat(parse(badEnum).path("__type").asText()).isEqualTo("InvalidParameterException");
        assertThat(parse(badEnum).path("message").asText()).contains("enum value set");

        RawClient.Response tooManyTags = raw.json(
                "ecs",
                ECS + "CreateCluster",
                ("{\"clusterName\":\"t\",\"tags\":[" + "{\"key\":\"k\",\"value\":\"v\"},".repeat(50)
                                + "{\"key\":\"z\"}]}")
                        .getBytes());
        assertThat(parse(tooManyTags).path("__type").asText()).isEqualTo("InvalidParameterException");
    }

    @Test
    void unknownOperationsAndServices() throws Exception {
        RawClient.Response notEcs = raw.json("ecs", ECS + "LaunchRockets", "{}".getBytes());
        assertThat(notEcs.status()).isEqualTo(400);
        assertThat(parse(notEcs).path("__type").asText()).isEqualTo("UnknownOperationException");

        RawClient.Response notYet = raw.json("ecs", ECS + "DiscoverPollEndpoint", "{}".getBytes());
        assertThat(parse(notYet).path("__type").asText()).isEqualTo("UnknownOperationException");
        assertThat(parse(notYet).path("message").asText()).contains("does not implement");

        RawClient.Response unknownTarget = raw.json("ecs", "NoSuchService_2020.Do", "{}".getBytes());
        assertThat(parse(unknownTarget).path("__type").asText()).isEqualTo("UnknownOperationException");

        RawClient.Response badAction = raw.query("sts", "Action=LaunchRockets&Version=2011-06-15");
        assertThat(badAction.status()).isEqualTo(400);
        assertThat(badAction.body()).contains("<Code>InvalidAction</Code>").contains("<Type>Sender</Type>");
    }

    @Test
    void queryProtocolAnswersInXml() {
        RawClient.Response r = raw.query("sts", "Action=GetCallerIdentity&Version=2011-06-15");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body())
                .contains("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">")
                .contains("<Account>000000000000</Account>")
                .contains("<RequestId>");
    }

    @Test
    void oversizedBodiesAreRejectedWithoutAServerError() throws Exception {
        byte[] big = new byte[9 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        RawClient.Response r = raw.json("ecs", ECS + "ListClusters", big);
        assertThat(r.status()).isEqualTo(413);
    }

    /**
     * A few thousand malformed or hostile bodies, signed properly so they reach the parser and the
     * handlers: none may produce a 5xx, and every answer must be an AWS JSON error or a success.
     */
    @Test
    void fuzzedBodiesNeverCauseAServerError() throws Exception {
        Random random = new Random(20261127);
        String[] ops = {
            "CreateCluster",
            "DescribeClusters",
            "ListClusters",
            "UpdateCluster",
            "DeleteCluster",
            "RegisterTaskDefinition",
            "DescribeTaskDefinition",
            "ListTaskDefinitions",
            "ListTaskDefinitionFamilies",
            "DeregisterTaskDefinition",
            "DeleteTaskDefinitions",
            "TagResource",
            "UntagResource",
            "ListTagsForResource",
            "UpdateClusterSettings",
            "PutClusterCapacityProviders"
        };
        String[] seeds = {
            "{}",
            "{\"clusterName\":\"fz\"}",
            "{\"clusters\":[\"fz\"],\"include\":[\"TAGS\"]}",
            "{\"family\":\"fz\",\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\",\"memory\":64,"
                    + "\"portMappings\":[{\"containerPort\":80,\"hostPort\":0}],\"dependsOn\":[{\"containerName\":\"a\",\"condition\":\"START\"}]}],"
                    + "\"cpu\":\"1 vCPU\",\"memory\":\"2 GB\",\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":[\"FARGATE\"]}",
            "{\"taskDefinition\":\"fz:1\"}",
            "{\"resourceArn\":\"arn:aws:ecs:us-east-1:000000000000:cluster/fz\",\"tags\":[{\"key\":\"a\",\"value\":\"b\"}]}",
            "{\"maxResults\":5,\"nextToken\":\"abc\"}",
            "{\"taskDefinitions\":[\"fz:1\",\"fz\"]}",
        };
        int requests = 0;
        for (int i = 0; i < 2500; i++) {
            String op = ops[random.nextInt(ops.length)];
            byte[] body = mutate(seeds[random.nextInt(seeds.length)], random);
            RawClient.Response r = raw.json("ecs", ECS + op, body);
            requests++;
            assertThat(r.status())
                    .as("%s with body %s -> %s", op, new String(body, StandardCharsets.UTF_8), r.body())
                    .isLessThan(500);
            if (r.status() != 200) {
                JsonNode err = parse(r);
                assertThat(err.path("__type").asText()).as(r.body()).isNotEmpty();
                assertThat(err.path("message").asText()).as(r.body()).isNotEmpty();
            }
        }
        assertThat(requests).isEqualTo(2500);
    }

    static byte[] mutate(String seed, Random random) {
        StringBuilder sb = new StringBuilder(seed);
        int edits = 1 + random.nextInt(4);
        String[] fragments = {
            "null",
            "[]",
            "{}",
            "\"\"",
            "-1",
            "1e400",
            "99999999999999999999",
            "true",
            "\"\\u0000\"",
            "\"" + "x".repeat(3000) + "\"",
            "[[[[[[[[",
            "}}}",
            ",",
            ":",
            "\"aws:x\"",
            "0",
            "\"arn:aws:ecs:us-east-1:000000000000:task-definition/fz:1\""
        };
        for (int e = 0; e < edits; e++) {
            int pos = sb.isEmpty() ? 0 : random.nextInt(sb.length());
            switch (random.nextInt(4)) {
                case 0 -> sb.insert(pos, fragments[random.nextInt(fragments.length)]);
                case 1 -> {
                    if (!sb.isEmpty()) {
                        sb.deleteCharAt(pos);
                    }
                }
                case 2 -> {
                    // replace a JSON value after a colon with a fragment
                    int colon = sb.indexOf(":", pos);
                    if (colon >= 0) {
                        int end = colon + 1;
                        while (end < sb.length() && ",}]".indexOf(sb.charAt(end)) < 0) {
                            end++;
                        }
                        sb.replace(colon + 1, end, fragments[random.nextInt(fragments.length)]);
                    }
                }
                default -> {
                    if (!sb.isEmpty()) {
                        sb.setCharAt(pos, (char) (32 + random.nextInt(95)));
                    }
                }
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
