package dev.berth.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code pattern} of every vendored model compiles for Java and means what AWS means: the
 * documented examples of the names Berth serves match, and values with control characters, spaces
 * or a trailing newline do not.
 */
class ModelPatternsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The model files of all service modules (the tests run in berth-protocol/). */
    static List<Path> modelFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of("..").toAbsolutePath().normalize())) {
            for (Path module : modules.toList()) {
                Path models = module.resolve("src/main/resources/aws-models");
                if (Files.isDirectory(models)) {
                    try (Stream<Path> f = Files.list(models)) {
                        f.filter(p -> p.toString().endsWith(".json")).forEach(files::add);
                    }
                }
            }
        }
        return files;
    }

    /** shape name (file:shape) to pattern source, for every string shape with a pattern. */
    static Map<String, String> allPatterns() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Path file : modelFiles()) {
            JsonNode root = MAPPER.readTree(file.toFile());
            root.path("shapes").properties().forEach(e -> {
                if (e.getValue().has("pattern")) {
                    out.put(
                            file.getFileName() + ":" + e.getKey(),
                            e.getValue().get("pattern").asText());
                }
            });
        }
        return out;
    }

    static Pattern pattern(String file, String shape) throws IOException {
        Map<String, String> all = allPatterns();
        String key = all.keySet().stream()
                .filter(k -> k.startsWith(file) && k.endsWith(":" + shape))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no pattern for " + file + " " + shape));
        return ModelPatterns.compile(all.get(key));
    }

    @Test
    void everyPatternOfEveryModelCompiles() throws IOException {
        Map<String, String> all = allPatterns();
        assertThat(modelFiles()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(all).hasSizeGreaterThan(100);
        List<String> failures = new ArrayList<>();
        all.forEach((shape, source) -> {
            try {
                ModelPatterns.compile(source);
            } catch (RuntimeException e) {
                failures.add(shape + " " + source + ": " + e.getMessage());
            }
        });
        assertThat(failures).isEmpty();
    }

    @Test
    void everyModelLoadsWithEveryPatternEnforced() throws IOException {
        for (Path file : modelFiles()) {
            if (file.toString().endsWith(".additions.json")) {
                continue;
            }
            JsonNode root = MAPPER.readTree(file.toFile());
            root.path("shapes").properties().forEach(e -> {
                Shape s = Shape.parse(e.getKey(), e.getValue());
                assertThat(s.pattern() == null)
                        .as(file + " " + e.getKey())
                        .isEqualTo(!e.getValue().has("pattern"));
            });
        }
    }

    @Test
    void patternsMatchWholeValues() throws IOException {
        Pattern logGroup = pattern("logs", "LogGroupName");
        assertThat(logGroup.matcher("/aws/lambda/my-function").matches()).isTrue();
        assertThat(logGroup.matcher("my#log.group_1").matches()).isTrue();
        for (String bad : new String[] {"a b", "a\u0000b", "\u0000", "a\u001f", "a\u007f", "a\n", "a:b", ""}) {
            assertThat(logGroup.matcher(bad).matches()).as(bad).isFalse();
        }
    }

    @Test
    void awsDocumentedExamplesMatchAndControlCharactersDoNot() throws IOException {
        Map<Pattern, String[]> good = new LinkedHashMap<>();
        // CloudWatch Logs: log stream names exclude ':' and '*' only (control characters are the handler's)
        good.put(pattern("logs", "LogStreamName"), new String[] {"2024/01/01/[$LATEST]abc", "ecs/web/0123"});
        // ECR: repository names, image tags, registry ids
        good.put(pattern("ecr", "RepositoryName"), new String[] {"project-a/nginx-web-app", "web", "a.b_c-d/e"});
        good.put(pattern("ecr", "LayerDigest"), new String[] {"sha256:0123abcdef", "a-b_c+d.e:00"});
        good.put(pattern("ecr", "RegistryId"), new String[] {"012345678910"});
        // KMS: aliases and key ids (AWS's examples)
        good.put(pattern("kms", "AliasNameType"), new String[] {"alias/ExampleAlias", "alias/aws/s3"});
        // STS: role session names, the tag keys of every service
        good.put(pattern("sts", "roleSessionNameType"), new String[] {"John-session", "a+b=c,d.e@f-g"});
        good.put(pattern("ecs", "TagKey"), new String[] {"team", "aws:cloudformation:stack", "cost center"});
        good.put(pattern("elastic", "TagKey"), new String[] {"Name", "project/x"});
        // Secrets Manager: filter values
        good.put(pattern("secretsmanager", "FilterValueStringType"), new String[] {"prod", "!test", "a/b"});
        // SSM: KMS key ids of SecureString parameters, document names
        good.put(pattern("ssm", "ParameterKeyId"), new String[] {"alias/aws/ssm", "arn:aws:kms:us-east-1:1:key/x"});
        good.put(pattern("ssm", "DocumentName"), new String[] {"AWS-RunShellScript"});
        good.forEach((p, values) -> {
            for (String v : values) {
                assertThat(p.matcher(v).matches()).as(p + " " + v).isTrue();
            }
        });
        for (Map.Entry<Pattern, String[]> e : good.entrySet()) {
            if (e.getKey().pattern().equals("[^:*]*")) {
                continue; // the stream-name pattern allows controls; the handler refuses them
            }
            for (String v : e.getValue()) {
                for (char c : new char[] {0, 1, 9, 10, 13, 0x1f, 0x7f}) {
                    String bad = v + c;
                    assertThat(e.getKey().matcher(bad).matches())
                            .as(e.getKey() + " " + (int) c)
                            .isFalse();
                    assertThat(e.getKey().matcher(c + v).matches())
                            .as(e.getKey() + " " + (int) c)
                            .isFalse();
                }
            }
        }
        assertThat(pattern("ecr", "RepositoryName").matcher("Web").matches()).isFalse();
        assertThat(pattern("ecr", "RepositoryName").matcher("a//b").matches()).isFalse();
        assertThat(pattern("ecr", "LayerDigest").matcher("sha256:xyz").matches())
                .isFalse();
        // ECMAScript reads '-' after a range as a literal; so must Java
        assertThat(pattern("ecr", "LayerDigest").matcher("-:0").matches()).isTrue();
        assertThat(pattern("kms", "AliasNameType").matcher("alias/bad name").matches())
                .isFalse();
    }

    @Test
    void supplementaryCodePointsInClassesAreCodePointsNotDigits() throws IOException {
        Pattern arn = pattern("sts", "arnType");
        assertThat(arn.matcher("arn:aws:iam::123456789012:role/demo\n\t").matches())
                .isTrue();
        assertThat(arn.matcher("emoji \uD83D\uDE00").matches()).isTrue();
        assertThat(arn.matcher("nul \u0000").matches()).isFalse();
        assertThat(arn.matcher("bell \u0007").matches()).isFalse();
        assertThat(ModelPatterns.translate("[\\u0020-\\uFFFD\\u10000-\\u10FFFF]+"))
                .isEqualTo("[\\u0020-\\uFFFD\\x{10000}-\\x{10FFFF}]+");
        // outside a class, and a four-digit escape followed by a digit, are left alone
        assertThat(ModelPatterns.translate("\\u00410")).isEqualTo("\\u00410");
    }

    @Test
    void ecmaScriptClassSyntaxIsReadAsEcmaScriptReadsIt() {
        // '[' inside a class is a literal in ECMAScript, a nested class in Java
        Pattern p = ModelPatterns.compile("[a[b]+");
        assertThat(p.matcher("a[b").matches()).isTrue();
        assertThat(ModelPatterns.compile("[a&&b]+").matcher("a&b").matches()).isTrue();
        assertThat(ModelPatterns.compile("[]a]+").matcher("]a").matches()).isTrue();
        assertThat(ModelPatterns.compile("[^]a]+").matcher("bc").matches()).isTrue();
        assertThat(ModelPatterns.compile("^[\\w]+$").matcher("abc\n").matches()).isFalse();
    }
}
