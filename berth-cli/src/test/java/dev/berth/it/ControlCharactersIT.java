package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Names, ids, ARNs and tags holding NUL, other C0 control characters or DEL, sent to every service
 * as properly signed raw requests (so no SDK's client-side validation hides the server's answer):
 * each is refused with the service's own validation error, status and message form, nothing is
 * written, and no request ever answers 500. Values AWS lets carry control characters (log
 * messages, parameter and secret values, S3 object keys) round-trip unchanged.
 */
class ControlCharactersIT extends WithServer {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final char[] CONTROLS = {0x00, 0x01, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f};
    static final String ECS = "AmazonEC2ContainerServiceV20141113.";
    static final String LOGS = "Logs_20140328.";
    static final String ECR = "AmazonEC2ContainerRegistry_V20150921.";
    static final String KMS = "TrentService.";
    static final String SSM = "AmazonSSM.";
    static final String SECRETS = "secretsmanager.";
    static final String NOT_CONTROL = "failed to satisfy constraint: Member must not contain control characters";
    static final String PATTERN = "failed to satisfy constraint: Member must satisfy regular expression pattern: ";

    static RawClient raw;

    @BeforeAll
    static void clients() {
        raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
    }

    /** "ok" + c + "x" for every control character c. */
    static List<String> badValues() {
        List<String> out = new ArrayList<>();
        for (char c : CONTROLS) {
            out.add("ok" + c + "x");
        }
        out.add("\u0000");
        return out;
    }

    static String quoted(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(RawClient.Response r) {
        try {
            return MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    static JsonNode call(String signing, String target, String body) {
        RawClient.Response r = raw.json(signing, target, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(target + " " + body + " -> " + r.body()).isEqualTo(200);
        return json(r);
    }

    /**
     * Sends {@code template} with every bad value in place of {@code @@} (a JSON string) and
     * expects {@code code}, 400 and a message naming {@code path} and {@code constraint}.
     */
    static void refuses(String signing, String target, String template, String code, String path, String constraint) {
        for (String bad : badValues()) {
            String body = template.replace("@@", quoted(bad));
            RawClient.Response r = raw.json(signing, target, body.getBytes(StandardCharsets.UTF_8));
            String what = target + " " + body.replace("\u0000", "\\0");
            assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
            JsonNode err = json(r);
            assertThat(err.path("__type").asText()).as(what + " -> " + r.body()).isEqualTo(code);
            // a one-character value may also be too short: then there are two violations
            assertThat(err.path("message").asText())
                    .as(what)
                    .matches("(?s)(1 validation error|[2-9] validation errors) detected: .*")
                    .contains("Value '" + bad + "' at '" + path + "' " + constraint);
            if (bad.length() > 1) {
                assertThat(err.path("message").asText())
                        .as(what)
                        .isEqualTo("1 validation error detected: Value '" + bad + "' at '" + path + "' " + constraint);
            }
        }
    }

    /**
     * Like {@link #refuses} for a name a handler checks against the service's documented naming
     * rules: {@code code}, 400 and a message starting with {@code messageStart}.
     */
    static void refusesByHandler(String signing, String target, String template, String code, String messageStart) {
        for (String bad : badValues()) {
            String body = template.replace("@@", quoted(bad));
            RawClient.Response r = raw.json(signing, target, body.getBytes(StandardCharsets.UTF_8));
            String what = target + " " + body.replace("\u0000", "\\0");
            assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
            assertThat(json(r).path("__type").asText())
                    .as(what + " -> " + r.body())
                    .isEqualTo(code);
            assertThat(json(r).path("message").asText()).as(what).startsWith(messageStart);
        }
    }

    @Test
    void logsNamesWithControlCharactersAreInvalidParameters() {
        // the reported case: DescribeLogStreams with a NUL in logGroupName answered 500
        RawClient.Response nul = raw.json(
                "logs",
                LOGS + "DescribeLogStreams",
                "{\"logGroupName\":\"a\\u0000b\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(nul.status()).as(nul.body()).isEqualTo(400);
        assertThat(json(nul).path("__type").asText()).isEqualTo("InvalidParameterException");
        assertThat(json(nul).path("message").asText())
                .isEqualTo("1 validation error detected: Value 'a\u0000b' at 'logGroupName' failed to satisfy "
                        + "constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");

        call("logs", LOGS + "CreateLogGroup", "{\"logGroupName\":\"cc-group\"}");
        call("logs", LOGS + "CreateLogStream", "{\"logGroupName\":\"cc-group\",\"logStreamName\":\"good\"}");
        String code = "InvalidParameterException";
        String groupPattern = PATTERN + "[\\.\\-_/#A-Za-z0-9]+";
        refuses("logs", LOGS + "CreateLogGroup", "{\"logGroupName\":@@}", code, "logGroupName", groupPattern);
        refuses("logs", LOGS + "DescribeLogStreams", "{\"logGroupName\":@@}", code, "logGroupName", groupPattern);
        refuses("logs", LOGS + "DeleteLogGroup", "{\"logGroupName\":@@}", code, "logGroupName", groupPattern);
        refuses(
                "logs",
                LOGS + "DescribeLogGroups",
                "{\"logGroupNamePrefix\":@@}",
                code,
                "logGroupNamePrefix",
                groupPattern);
        refuses(
                "logs",
                LOGS + "CreateLogStream",
                "{\"logGroupName\":\"cc-group\",\"logStreamName\":@@}",
                code,
                "logStreamName",
                NOT_CONTROL);
        refuses(
                "logs",
                LOGS + "DescribeLogStreams",
                "{\"logGroupName\":\"cc-group\",\"logStreamNamePrefix\":@@}",
                code,
                "logStreamNamePrefix",
                NOT_CONTROL);
        refuses(
                "logs",
                LOGS + "PutLogEvents",
                "{\"logGroupName\":\"cc-group\",\"logStreamName\":@@,\"logEvents\":[{\"timestamp\":"
                        + System.currentTimeMillis() + ",\"message\":\"m\"}]}",
                code,
                "logStreamName",
                NOT_CONTROL);
        refuses(
                "logs",
                LOGS + "GetLogEvents",
                "{\"logGroupName\":\"cc-group\",\"logStreamName\":@@}",
                code,
                "logStreamName",
                NOT_CONTROL);
        refuses(
                "logs",
                LOGS + "TagLogGroup",
                "{\"logGroupName\":\"cc-group\",\"tags\":{@@:\"v\"}}",
                code,
                "tags.key",
                PATTERN + "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$");

        // nothing was written
        JsonNode groups = call("logs", LOGS + "DescribeLogGroups", "{\"logGroupNamePrefix\":\"cc\"}");
        assertThat(groups.path("logGroups").findValuesAsText("logGroupName")).containsExactly("cc-group");
        JsonNode streams = call("logs", LOGS + "DescribeLogStreams", "{\"logGroupName\":\"cc-group\"}");
        assertThat(streams.path("logStreams").findValuesAsText("logStreamName")).containsExactly("good");
        assertThat(call("logs", LOGS + "ListTagsLogGroup", "{\"logGroupName\":\"cc-group\"}")
                        .path("tags")
                        .size())
                .isZero();

        // a log message may carry any character, NUL included, and comes back as it went in
        StringBuilder message = new StringBuilder("all:");
        for (char c : CONTROLS) {
            message.append(c);
        }
        call(
                "logs",
                LOGS + "PutLogEvents",
                "{\"logGroupName\":\"cc-group\",\"logStreamName\":\"good\",\"logEvents\":[{\"timestamp\":"
                        + System.currentTimeMillis() + ",\"message\":" + quoted(message.toString()) + "}]}");
        JsonNode events = call(
                "logs",
                LOGS + "GetLogEvents",
                "{\"logGroupName\":\"cc-group\",\"logStreamName\":\"good\",\"startFromHead\":true}");
        assertThat(events.path("events").findValuesAsText("message")).containsExactly(message.toString());
    }

    @Test
    void ecsIdentifiersWithControlCharactersAreInvalidParameters() {
        call("ecs", ECS + "CreateCluster", "{\"clusterName\":\"cc-ok\"}");
        String code = "InvalidParameterException";
        refusesByHandler(
                "ecs",
                ECS + "CreateCluster",
                "{\"clusterName\":@@}",
                code,
                "Cluster name can have up to 255 characters: letters (uppercase and lowercase), numbers, "
                        + "underscores and hyphens.");
        refuses("ecs", ECS + "DescribeClusters", "{\"clusters\":[@@]}", code, "clusters.1.member", NOT_CONTROL);
        refuses("ecs", ECS + "DeleteCluster", "{\"cluster\":@@}", code, "cluster", NOT_CONTROL);
        refuses("ecs", ECS + "ListTasks", "{\"cluster\":@@}", code, "cluster", NOT_CONTROL);
        refuses("ecs", ECS + "ListServices", "{\"cluster\":@@}", code, "cluster", NOT_CONTROL);
        refuses("ecs", ECS + "ListContainerInstances", "{\"cluster\":@@}", code, "cluster", NOT_CONTROL);
        refusesByHandler(
                "ecs",
                ECS + "RegisterTaskDefinition",
                "{\"family\":@@,\"containerDefinitions\":[{\"name\":\"web\",\"image\":\"busybox\",\"memory\":64}]}",
                "ClientException",
                "Family contains invalid characters.");
        refuses(
                "ecs",
                ECS + "RegisterTaskDefinition",
                "{\"family\":\"cc-family\",\"containerDefinitions\":[{\"name\":@@,\"image\":\"busybox\",\"memory\":64}]}",
                code,
                "containerDefinitions.1.member.name",
                NOT_CONTROL);
        refuses("ecs", ECS + "DescribeTaskDefinition", "{\"taskDefinition\":@@}", code, "taskDefinition", NOT_CONTROL);
        refuses("ecs", ECS + "ListTaskDefinitions", "{\"familyPrefix\":@@}", code, "familyPrefix", NOT_CONTROL);
        refusesByHandler(
                "ecs",
                ECS + "CreateService",
                "{\"cluster\":\"cc-ok\",\"serviceName\":@@,\"taskDefinition\":\"nope\"}",
                code,
                "Service names can have up to 255 characters");
        refuses(
                "ecs",
                ECS + "DescribeServices",
                "{\"cluster\":\"cc-ok\",\"services\":[@@]}",
                code,
                "services.1.member",
                NOT_CONTROL);
        refuses(
                "ecs",
                ECS + "DescribeTasks",
                "{\"cluster\":\"cc-ok\",\"tasks\":[@@]}",
                code,
                "tasks.1.member",
                NOT_CONTROL);
        refuses(
                "ecs",
                ECS + "TagResource",
                "{\"resourceArn\":@@,\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}",
                code,
                "resourceArn",
                NOT_CONTROL);
        refuses(
                "ecs",
                ECS + "TagResource",
                "{\"resourceArn\":\"arn:aws:ecs:us-east-1:000000000000:cluster/cc-ok\",\"tags\":[{\"key\":@@,\"value\":\"v\"}]}",
                code,
                "tags.1.member.key",
                PATTERN + "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
        refuses(
                "ecs",
                ECS + "PutAttributes",
                "{\"cluster\":\"cc-ok\",\"attributes\":[{\"name\":@@,\"targetId\":\"x\"}]}",
                code,
                "attributes.1.member.name",
                NOT_CONTROL);
        // a log stream prefix becomes part of a Logs key when the task runs: refused at registration
        for (String bad : badValues()) {
            String body = "{\"family\":\"cc-logs\",\"containerDefinitions\":[{\"name\":\"web\",\"image\":\"busybox\","
                    + "\"memory\":64,\"logConfiguration\":{\"logDriver\":\"awslogs\",\"options\":{"
                    + "\"awslogs-group\":\"g\",\"awslogs-region\":\"us-east-1\",\"awslogs-stream-prefix\":"
                    + quoted(bad) + "}}}]}";
            RawClient.Response r =
                    raw.json("ecs", ECS + "RegisterTaskDefinition", body.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(json(r).path("__type").asText()).isIn("ClientException", "InvalidParameterException");
        }

        JsonNode clusters = call("ecs", ECS + "ListClusters", "{}");
        for (JsonNode arn : clusters.path("clusterArns")) {
            assertThat(arn.asText()).doesNotContain("ok\u0000", "ok\u0001", "ok\u007f");
        }
        JsonNode families = call("ecs", ECS + "ListTaskDefinitionFamilies", "{}");
        for (JsonNode f : families.path("families")) {
            assertThat(f.asText()).doesNotStartWith("ok").doesNotStartWith("cc-");
        }
        assertThat(call("ecs", ECS + "ListServices", "{\"cluster\":\"cc-ok\"}")
                        .path("serviceArns")
                        .size())
                .isZero();
        assertThat(call(
                                "ecs",
                                ECS + "ListTagsForResource",
                                "{\"resourceArn\":\"arn:aws:ecs:us-east-1:000000000000:cluster/cc-ok\"}")
                        .path("tags")
                        .size())
                .isZero();
    }

    /** ECR's own wording: {@code Invalid parameter at 'path' failed to satisfy constraint: 'constraint'}. */
    static void refusesEcr(String target, String template, String path, String constraint) {
        for (String bad : badValues()) {
            String body = template.replace("@@", quoted(bad));
            RawClient.Response r = raw.json("ecr", target, body.getBytes(StandardCharsets.UTF_8));
            String what = target + " " + body.replace("\u0000", "\\0");
            assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
            assertThat(json(r).path("__type").asText()).as(what).isEqualTo("InvalidParameterException");
            String message = json(r).path("message").asText();
            if (bad.length() > 1) {
                assertThat(message)
                        .as(what)
                        .isEqualTo("Invalid parameter at '" + path + "' failed to satisfy constraint: '" + constraint
                                + "'");
            } else if (!message.startsWith("Invalid parameter")) {
                // a one-character repository name is also too short, which ECR's front end reports first
                assertThat(message)
                        .as(what)
                        .isEqualTo("1 validation error detected: Value at '" + path + "' (length 1) failed to "
                                + "satisfy constraint: Member must have length greater than or equal to 2");
            }
        }
    }

    @Test
    void ecrNamesTagsAndDigestsWithControlCharactersAreInvalidParameters() {
        JsonNode repo = call("ecr", ECR + "CreateRepository", "{\"repositoryName\":\"cc-repo\"}");
        String repoArn = repo.path("repository").path("repositoryArn").asText();
        String namePattern =
                "must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'";
        refusesEcr(ECR + "CreateRepository", "{\"repositoryName\":@@}", "repositoryName", namePattern);
        refusesEcr(ECR + "DescribeRepositories", "{\"repositoryNames\":[@@]}", "repositoryNames.1.member", namePattern);
        refusesEcr(ECR + "DeleteRepository", "{\"repositoryName\":@@}", "repositoryName", namePattern);
        refusesEcr(
                ECR + "DescribeImages",
                "{\"repositoryName\":\"cc-repo\",\"imageIds\":[{\"imageTag\":@@}]}",
                "imageIds.1.member.imageTag",
                "must not contain control characters");
        refusesEcr(
                ECR + "BatchGetImage",
                "{\"repositoryName\":\"cc-repo\",\"imageIds\":[{\"imageDigest\":@@}]}",
                "imageIds.1.member.imageDigest",
                "must not contain control characters");
        refusesEcr(
                ECR + "BatchDeleteImage",
                "{\"repositoryName\":\"cc-repo\",\"imageIds\":[{\"imageTag\":@@}]}",
                "imageIds.1.member.imageTag",
                "must not contain control characters");
        refusesEcr(
                ECR + "PutImage",
                "{\"repositoryName\":\"cc-repo\",\"imageManifest\":\"{}\",\"imageTag\":@@}",
                "imageTag",
                "must not contain control characters");
        refusesEcr(
                ECR + "TagResource",
                "{\"resourceArn\":@@,\"tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}",
                "resourceArn",
                "must not contain control characters");
        refusesEcr(
                ECR + "TagResource",
                "{\"resourceArn\":" + quoted(repoArn) + ",\"tags\":[{\"Key\":@@,\"Value\":\"v\"}]}",
                "tags.1.member.Key",
                "must not contain control characters");

        JsonNode repos = call("ecr", ECR + "DescribeRepositories", "{}");
        assertThat(repos.path("repositories").findValuesAsText("repositoryName"))
                .allSatisfy(n -> assertThat(n).doesNotContain("ok"));
        assertThat(call("ecr", ECR + "ListImages", "{\"repositoryName\":\"cc-repo\"}")
                        .path("imageIds")
                        .size())
                .isZero();
        assertThat(call("ecr", ECR + "ListTagsForResource", "{\"resourceArn\":" + quoted(repoArn) + "}")
                        .path("tags")
                        .size())
                .isZero();
    }

    @Test
    void ssmParameterNamesAreValidationExceptionsAndValuesRoundTrip() {
        call("ssm", SSM + "PutParameter", "{\"Name\":\"/cc/p\",\"Value\":\"v\",\"Type\":\"String\"}");
        String code = "ValidationException";
        refuses(
                "ssm",
                SSM + "PutParameter",
                "{\"Name\":@@,\"Value\":\"v\",\"Type\":\"String\"}",
                code,
                "Name",
                NOT_CONTROL);
        refuses("ssm", SSM + "GetParameter", "{\"Name\":@@}", code, "Name", NOT_CONTROL);
        refuses("ssm", SSM + "GetParameters", "{\"Names\":[@@]}", code, "Names.1.member", NOT_CONTROL);
        refuses("ssm", SSM + "GetParametersByPath", "{\"Path\":@@}", code, "Path", NOT_CONTROL);
        refuses("ssm", SSM + "DeleteParameter", "{\"Name\":@@}", code, "Name", NOT_CONTROL);
        refuses(
                "ssm",
                SSM + "LabelParameterVersion",
                "{\"Name\":\"/cc/p\",\"Labels\":[@@]}",
                code,
                "Labels.1.member",
                NOT_CONTROL);
        refuses(
                "ssm",
                SSM + "AddTagsToResource",
                "{\"ResourceType\":\"Parameter\",\"ResourceId\":\"/cc/p\",\"Tags\":[{\"Key\":@@,\"Value\":\"v\"}]}",
                code,
                "Tags.1.member.Key",
                PATTERN + "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");

        JsonNode described = call("ssm", SSM + "DescribeParameters", "{}");
        assertThat(described.path("Parameters").findValuesAsText("Name"))
                .allSatisfy(n -> assertThat(n).doesNotContain("ok"));
        assertThat(call("ssm", SSM + "ListTagsForResource", "{\"ResourceType\":\"Parameter\",\"ResourceId\":\"/cc/p\"}")
                        .path("TagList")
                        .size())
                .isZero();
        assertThat(call("ssm", SSM + "GetParameterHistory", "{\"Name\":\"/cc/p\"}")
                        .path("Parameters")
                        .get(0)
                        .path("Labels")
                        .size())
                .isZero();

        String value = "line1\nline2\ttab\u0000nul\u0001\u007f";
        call(
                "ssm",
                SSM + "PutParameter",
                "{\"Name\":\"/cc/value\",\"Value\":" + quoted(value) + ",\"Type\":\"SecureString\"}");
        assertThat(call("ssm", SSM + "GetParameter", "{\"Name\":\"/cc/value\",\"WithDecryption\":true}")
                        .path("Parameter")
                        .path("Value")
                        .asText())
                .isEqualTo(value);
    }

    @Test
    void secretsManagerNamesAreValidationExceptionsAndSecretsRoundTrip() {
        call("secretsmanager", SECRETS + "CreateSecret", "{\"Name\":\"cc/secret\",\"SecretString\":\"s\"}");
        String code = "ValidationException";
        refusesByHandler(
                "secretsmanager",
                SECRETS + "CreateSecret",
                "{\"Name\":@@,\"SecretString\":\"s\"}",
                "InvalidParameterException",
                "Invalid name. Must be a valid name containing alphanumeric characters");
        refuses("secretsmanager", SECRETS + "GetSecretValue", "{\"SecretId\":@@}", code, "SecretId", NOT_CONTROL);
        refuses("secretsmanager", SECRETS + "DescribeSecret", "{\"SecretId\":@@}", code, "SecretId", NOT_CONTROL);
        refuses("secretsmanager", SECRETS + "DeleteSecret", "{\"SecretId\":@@}", code, "SecretId", NOT_CONTROL);
        refuses(
                "secretsmanager",
                SECRETS + "PutSecretValue",
                "{\"SecretId\":\"cc/secret\",\"SecretString\":\"x\",\"VersionStages\":[@@]}",
                code,
                "VersionStages.1.member",
                NOT_CONTROL);
        refuses(
                "secretsmanager",
                SECRETS + "TagResource",
                "{\"SecretId\":\"cc/secret\",\"Tags\":[{\"Key\":@@,\"Value\":\"v\"}]}",
                code,
                "Tags.1.member.Key",
                NOT_CONTROL);

        JsonNode list = call("secretsmanager", SECRETS + "ListSecrets", "{}");
        assertThat(list.path("SecretList").findValuesAsText("Name"))
                .allSatisfy(n -> assertThat(n).doesNotContain("ok"));
        JsonNode described = call("secretsmanager", SECRETS + "DescribeSecret", "{\"SecretId\":\"cc/secret\"}");
        assertThat(described.path("Tags").size()).isZero();
        assertThat(described.path("VersionIdsToStages").size()).isEqualTo(1);

        String secret = "{\"password\":\"p\u0000w\u0001\u001f\u007f\n\"}";
        call(
                "secretsmanager",
                SECRETS + "CreateSecret",
                "{\"Name\":\"cc/controls\",\"SecretString\":" + quoted(secret) + "}");
        assertThat(call("secretsmanager", SECRETS + "GetSecretValue", "{\"SecretId\":\"cc/controls\"}")
                        .path("SecretString")
                        .asText())
                .isEqualTo(secret);
    }

    @Test
    void kmsKeyIdsAliasesAndTagsAreValidationExceptions() {
        String keyId = call("kms", KMS + "CreateKey", "{}")
                .path("KeyMetadata")
                .path("KeyId")
                .asText();
        String code = "ValidationException";
        refuses(
                "kms",
                KMS + "CreateAlias",
                "{\"AliasName\":@@,\"TargetKeyId\":" + quoted(keyId) + "}",
                code,
                "AliasName",
                PATTERN + "^[a-zA-Z0-9:/_-]+$");
        refuses(
                "kms",
                KMS + "CreateAlias",
                "{\"AliasName\":\"alias/cc\",\"TargetKeyId\":@@}",
                code,
                "TargetKeyId",
                NOT_CONTROL);
        refuses("kms", KMS + "DescribeKey", "{\"KeyId\":@@}", code, "KeyId", NOT_CONTROL);
        refuses("kms", KMS + "Encrypt", "{\"KeyId\":@@,\"Plaintext\":\"aGk=\"}", code, "KeyId", NOT_CONTROL);
        refuses(
                "kms",
                KMS + "TagResource",
                "{\"KeyId\":" + quoted(keyId) + ",\"Tags\":[{\"TagKey\":@@,\"TagValue\":\"v\"}]}",
                code,
                "Tags.1.member.TagKey",
                NOT_CONTROL);

        JsonNode aliases = call("kms", KMS + "ListAliases", "{}");
        assertThat(aliases.path("Aliases").findValuesAsText("AliasName"))
                .allSatisfy(n -> assertThat(n).doesNotContain("ok").isNotEqualTo("alias/cc"));
        assertThat(call("kms", KMS + "ListResourceTags", "{\"KeyId\":" + quoted(keyId) + "}")
                        .path("Tags")
                        .size())
                .isZero();
    }

    static Document xml(RawClient.Response r) {
        try {
            return DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(new ByteArrayInputStream(r.body().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + r.body(), e);
        }
    }

    static String form(String template, String bad) {
        return template.replace("@@", URLEncoder.encode(bad, StandardCharsets.UTF_8));
    }

    @Test
    void elbNamesAndArnsAreValidationErrorsInWellFormedXml() {
        String v = "Version=2015-12-01&Action=";
        RawClient.Response lb = raw.query("elasticloadbalancing", v + "CreateLoadBalancer&Name=cc-lb");
        assertThat(lb.status()).as(lb.body()).isEqualTo(200);
        String lbArn = xml(lb).getElementsByTagName("LoadBalancerArn").item(0).getTextContent();
        List<String> templates = List.of(
                v + "CreateLoadBalancer&Name=@@",
                v + "CreateTargetGroup&Name=@@&Protocol=HTTP&Port=80&TargetType=ip",
                v + "DescribeLoadBalancers&Names.member.1=@@",
                v + "DescribeTargetGroups&TargetGroupArns.member.1=@@",
                v + "DeleteLoadBalancer&LoadBalancerArn=@@",
                v + "AddTags&ResourceArns.member.1=@@&Tags.member.1.Key=k",
                v + "DescribeListeners&LoadBalancerArn=@@",
                v + "AddTags&ResourceArns.member.1=" + URLEncoder.encode(lbArn, StandardCharsets.UTF_8)
                        + "&Tags.member.1.Key=@@");
        for (String template : templates) {
            for (String bad : badValues()) {
                RawClient.Response r = raw.query("elasticloadbalancing", form(template, bad));
                String what = template + " " + (int) bad.charAt(bad.length() > 1 ? 2 : 0);
                assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
                Document d = xml(r);
                assertThat(d.getElementsByTagName("Code").item(0).getTextContent())
                        .as(what)
                        .isEqualTo("ValidationError");
                String message = d.getElementsByTagName("Message").item(0).getTextContent();
                if (template.contains("&Name=")) {
                    // a create call's name: the handler's own check, in ELB's words
                    assertThat(message)
                            .as(what)
                            .contains("can only contain characters that are alphanumeric characters");
                } else {
                    assertThat(message)
                            .as(what)
                            .startsWith("1 validation error detected: Value '")
                            .contains("failed to satisfy constraint: Member must");
                }
            }
        }
        RawClient.Response lbs = raw.query("elasticloadbalancing", v + "DescribeLoadBalancers");
        assertThat(lbs.status()).isEqualTo(200);
        var names = xml(lbs).getElementsByTagName("LoadBalancerName");
        for (int i = 0; i < names.getLength(); i++) {
            assertThat(names.item(i).getTextContent()).doesNotContain("ok");
        }
        RawClient.Response tgs = raw.query("elasticloadbalancing", v + "DescribeTargetGroups");
        assertThat(xml(tgs).getElementsByTagName("TargetGroupName").getLength()).isZero();
        RawClient.Response tags = raw.query(
                "elasticloadbalancing",
                v + "DescribeTags&ResourceArns.member.1=" + URLEncoder.encode(lbArn, StandardCharsets.UTF_8));
        assertThat(xml(tags).getElementsByTagName("Key").getLength()).isZero();
    }

    @Test
    void iamAndStsNamesWithControlCharactersAreValidationErrors() {
        String v = "Version=2010-05-08&Action=";
        String policy = URLEncoder.encode(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
                StandardCharsets.UTF_8);
        String trust = URLEncoder.encode(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                        + "\"arn:aws:iam::000000000000:root\"},\"Action\":\"sts:AssumeRole\"}]}",
                StandardCharsets.UTF_8);
        RawClient.Response role = raw.query("iam", v + "CreateRole&RoleName=cc-role&AssumeRolePolicyDocument=" + trust);
        assertThat(role.status()).as(role.body()).isEqualTo(200);
        List<String> templates = List.of(
                v + "CreateUser&UserName=@@",
                v + "CreateGroup&GroupName=@@",
                v + "CreateRole&RoleName=@@&AssumeRolePolicyDocument=" + trust,
                v + "CreatePolicy&PolicyName=@@&PolicyDocument=" + policy,
                v + "PutRolePolicy&RoleName=cc-role&PolicyName=@@&PolicyDocument=" + policy,
                v + "GetUser&UserName=@@",
                v + "TagRole&RoleName=cc-role&Tags.member.1.Key=@@&Tags.member.1.Value=v",
                v + "CreateInstanceProfile&InstanceProfileName=@@");
        for (String template : templates) {
            for (String bad : badValues()) {
                RawClient.Response r = raw.query("iam", form(template, bad));
                String what = template + " " + (int) bad.charAt(bad.length() > 1 ? 2 : 0);
                assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
                Document d = xml(r);
                assertThat(d.getElementsByTagName("Code").item(0).getTextContent())
                        .as(what)
                        .isEqualTo("ValidationError");
                assertThat(d.getElementsByTagName("Message").item(0).getTextContent())
                        .as(what)
                        .startsWith("1 validation error detected: Value '")
                        .contains("failed to satisfy constraint: Member must");
            }
        }
        // IAM's path pattern ([\u0021-\u007F]) admits DEL, so only the C0 controls are refused there
        for (String bad : badValues()) {
            if (bad.indexOf(0x7f) >= 0) {
                continue;
            }
            RawClient.Response r = raw.query("iam", form(v + "CreateUser&UserName=cc-user&Path=/@@/", bad));
            assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(xml(r).getElementsByTagName("Code").item(0).getTextContent())
                    .isEqualTo("ValidationError");
        }
        for (String bad : badValues()) {
            RawClient.Response r = raw.query(
                    "sts",
                    form(
                            "Version=2011-06-15&Action=AssumeRole&RoleSessionName=@@&RoleArn="
                                    + URLEncoder.encode(
                                            "arn:aws:iam::000000000000:role/cc-role", StandardCharsets.UTF_8),
                            bad));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(xml(r).getElementsByTagName("Code").item(0).getTextContent())
                    .isEqualTo("ValidationError");
        }
        RawClient.Response users = raw.query("iam", v + "ListUsers");
        assertThat(users.status()).isEqualTo(200);
        assertThat(xml(users).getElementsByTagName("UserName").getLength()).isZero();
        RawClient.Response policies = raw.query("iam", v + "ListPolicies&Scope=Local");
        assertThat(xml(policies).getElementsByTagName("PolicyName").getLength()).isZero();
        RawClient.Response inline = raw.query("iam", v + "ListRolePolicies&RoleName=cc-role");
        assertThat(xml(inline).getElementsByTagName("member").getLength()).isZero();
    }

    static RawClient.Response s3(SdkHttpMethod method, String pathAndQuery, byte[] body) {
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder()
                .method(method)
                .uri(URI.create(server.endpoint() + pathAndQuery))
                .putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
        if (body != null) {
            b.contentStreamProvider(software.amazon.awssdk.http.ContentStreamProvider.fromByteArray(body));
        }
        var signed = raw.signS3(b.build());
        return raw.send(signed, body);
    }

    static String pct(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void s3RefusesNulInKeysAndBucketsAndKeepsOtherControlCharactersInKeys() {
        assertThat(s3(SdkHttpMethod.PUT, "/cc-bucket", null).status()).isEqualTo(200);
        for (String bad : badValues()) {
            RawClient.Response bucket = s3(SdkHttpMethod.PUT, "/" + pct("cc" + bad), null);
            assertThat(bucket.status()).as(bucket.body()).isEqualTo(400);
            assertThat(bucket.body()).contains("<Code>InvalidBucketName</Code>");
            RawClient.Response get = s3(SdkHttpMethod.GET, "/" + pct("cc" + bad) + "/k", null);
            assertThat(get.status()).as(get.body()).isEqualTo(400);
            assertThat(get.body()).contains("<Code>InvalidBucketName</Code>");
        }
        // NUL: the object key is refused on every operation, as is a NUL in listing parameters
        String nulKey = "/cc-bucket/" + pct("a\u0000b");
        for (SdkHttpMethod m :
                List.of(SdkHttpMethod.PUT, SdkHttpMethod.GET, SdkHttpMethod.HEAD, SdkHttpMethod.DELETE)) {
            RawClient.Response r = s3(m, nulKey, m == SdkHttpMethod.PUT ? "x".getBytes() : null);
            assertThat(r.status()).as(m + " " + r.body()).isEqualTo(400);
            if (m != SdkHttpMethod.HEAD) {
                assertThat(r.body()).contains("<Code>InvalidArgument</Code>");
            }
        }
        for (String param : List.of("prefix", "start-after", "delimiter")) {
            RawClient.Response r =
                    s3(SdkHttpMethod.GET, "/cc-bucket?list-type=2&" + param + "=" + pct("a\u0000"), null);
            assertThat(r.status()).as(param + " " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("<Code>InvalidArgument</Code>");
        }
        RawClient.Response marker = s3(SdkHttpMethod.GET, "/cc-bucket?marker=" + pct("a\u0000"), null);
        assertThat(marker.status()).as(marker.body()).isEqualTo(400);
        RawClient.Response longPrefix =
                s3(SdkHttpMethod.GET, "/cc-bucket?list-type=2&prefix=" + "p".repeat(1100), null);
        assertThat(longPrefix.status()).as(longPrefix.body()).isLessThan(500);

        // S3 keeps other control characters in keys (AWS: "might require special handling")
        String key = "tab\tnl\nesc\u001bdel\u007f";
        RawClient.Response put = s3(SdkHttpMethod.PUT, "/cc-bucket/" + pct(key), "body".getBytes());
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        RawClient.Response back = s3(SdkHttpMethod.GET, "/cc-bucket/" + pct(key), null);
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.body()).isEqualTo("body");
        RawClient.Response list = s3(SdkHttpMethod.GET, "/cc-bucket?list-type=2&encoding-type=url", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(xml(list).getElementsByTagName("Key").item(0).getTextContent())
                .isEqualTo(URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"));
        assertThat(xml(list).getElementsByTagName("Key").getLength()).isEqualTo(1);
    }

    @Test
    void ociRegistryPathsWithControlCharactersAreNameTagOrDigestInvalid() throws Exception {
        JsonNode token = call("ecr", ECR + "GetAuthorizationToken", "{}");
        String basic = token.path("authorizationData")
                .get(0)
                .path("authorizationToken")
                .asText();
        Map<String, String> auth = Map.of("Authorization", "Basic " + basic);
        call("ecr", ECR + "CreateRepository", "{\"repositoryName\":\"cc-oci\"}");
        for (String bad : badValues()) {
            String enc = pct(bad);
            RawClient.Response name = raw.unsigned("GET", "/v2/cc" + enc + "/tags/list", auth, null);
            assertThat(name.status()).as(name.body()).isIn(400, 404);
            assertThat(name.body()).contains("NAME_");
            RawClient.Response tag = raw.unsigned("GET", "/v2/cc-oci/manifests/t" + enc, auth, null);
            assertThat(tag.status()).as(tag.body()).isIn(400, 404);
            assertThat(tag.body()).containsAnyOf("TAG_INVALID", "MANIFEST_UNKNOWN");
            RawClient.Response put = raw.unsigned(
                    "PUT",
                    "/v2/cc-oci/manifests/t" + enc,
                    Map.of(
                            "Authorization",
                            "Basic " + basic,
                            "Content-Type",
                            "application/vnd.oci.image.manifest.v1+json"),
                    "{}".getBytes());
            assertThat(put.status()).as(put.body()).isEqualTo(400);
            assertThat(put.body()).containsAnyOf("TAG_INVALID", "MANIFEST_INVALID");
            RawClient.Response blob = raw.unsigned("GET", "/v2/cc-oci/blobs/sha256:" + enc, auth, null);
            assertThat(blob.status()).as(blob.body()).isIn(400, 404);
            assertThat(blob.body()).containsAnyOf("DIGEST_INVALID", "BLOB_UNKNOWN");
        }
        RawClient.Response tags = raw.unsigned("GET", "/v2/cc-oci/tags/list", auth, null);
        assertThat(tags.status()).as(tags.body()).isEqualTo(200);
        assertThat(json(tags).path("tags").size()).isZero();
    }

    @Test
    void agentProtocolRefusesControlCharactersInClusterAndAttributeNames() throws Exception {
        String token =
                java.nio.file.Files.readString(server.server().joinTokenFile()).strip();
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
        for (String bad : badValues()) {
            for (String body : List.of(
                    "{\"cluster\":" + quoted(bad) + ",\"hostIp\":\"127.0.0.9\",\"cpu\":1024,\"memory\":2048}",
                    "{\"cluster\":\"default\",\"hostIp\":\"127.0.0.9\",\"cpu\":1024,\"memory\":2048,"
                            + "\"attributes\":{" + quoted(bad) + ":\"v\"}}",
                    "{\"cluster\":\"default\",\"hostIp\":\"127.0.0.9\",\"cpu\":1024,\"memory\":2048,"
                            + "\"attributes\":{\"k\":" + quoted(bad) + "}}")) {
                RawClient.Response r = raw.unsigned(
                        "POST", "/_berth/agent/v1/register", headers, body.getBytes(StandardCharsets.UTF_8));
                assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
                assertThat(json(r).path("__type").asText()).isEqualTo("InvalidParameterException");
            }
            RawClient.Response path = raw.unsigned(
                    "GET", "/_berth/agent/v1/clusters/default/instances/" + pct(bad) + "/desired", headers, null);
            assertThat(path.status()).as(path.body()).isBetween(400, 499);
        }
        // no registration went through: not even the cluster "default" was created
        RawClient.Response instances = raw.json(
                "ecs", ECS + "ListContainerInstances", "{\"cluster\":\"default\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(json(instances).path("__type").asText()).isEqualTo("ClusterNotFoundException");
    }

    @Test
    void rawControlCharactersInsideJsonStringsAreSerializationErrors() {
        byte[] body = "{\"logGroupName\":\"a\u0000b\"}".getBytes(StandardCharsets.UTF_8);
        RawClient.Response r = raw.json("logs", LOGS + "CreateLogGroup", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(json(r).path("__type").asText()).isEqualTo("SerializationException");
    }
}
