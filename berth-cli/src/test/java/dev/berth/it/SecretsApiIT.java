package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cli.server.BerthServer;
import dev.berth.cli.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterStringFilter;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * KMS, SSM Parameter Store and Secrets Manager through the AWS SDK for Java v2 against a real
 * server: AWS's error codes and messages for bad input, limits, pagination, the recovery window
 * with a clock the test moves (then the server's own housekeeping job), key rotation keeping old
 * ciphertexts readable, and the master key across restarts (access keys sealed with it at rest).
 */
class SecretsApiIT extends WithServer {

    static void fails(Runnable call, String code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains(messagePart);
        });
    }

    @Test
    void parameterNamesValuesAndTiersFollowAwsRules() {
        try (SsmClient ssm = server.ssm()) {
            fails(
                    () -> ssm.putParameter(r -> r.name("SSM-thing").value("x").type(ParameterType.STRING)),
                    "ValidationException",
                    "can't be prefixed with \"aws\" or \"ssm\"");
            fails(
                    () -> ssm.putParameter(r -> r.name("a/b").value("x").type(ParameterType.STRING)),
                    "ValidationException",
                    "fully qualified");
            fails(
                    () -> ssm.putParameter(r -> r.name("/bad name").value("x").type(ParameterType.STRING)),
                    "ValidationException",
                    "");
            fails(
                    () -> ssm.putParameter(r ->
                            r.name("/x/" + "a/".repeat(14) + "z").value("x").type(ParameterType.STRING)),
                    "HierarchyLevelLimitExceededException",
                    "15");
            ssm.putParameter(
                    r -> r.name("/x/" + "a/".repeat(13) + "z").value("x").type(ParameterType.STRING));
            fails(
                    () -> ssm.putParameter(r -> r.name("/api/new").value("x")),
                    "ValidationException",
                    "type is required");
            fails(
                    () -> ssm.putParameter(r -> r.name("/api/p")
                            .value("abc")
                            .type(ParameterType.STRING)
                            .allowedPattern("^[0-9]+$")),
                    "ParameterPatternMismatchException",
                    "allowedPattern");
            fails(
                    () -> ssm.putParameter(r -> r.name("/api/p")
                            .value("abc")
                            .type(ParameterType.STRING)
                            .allowedPattern("([")),
                    "InvalidAllowedPatternException",
                    "");
            fails(
                    () -> ssm.putParameter(r -> r.name("/api/p")
                            .value("abc")
                            .type(ParameterType.STRING)
                            .keyId("alias/aws/ssm")),
                    "ValidationException",
                    "SecureString");
            fails(
                    () -> ssm.putParameter(r -> r.name("/api/p")
                            .value("abc")
                            .type(ParameterType.SECURE_STRING)
                            .keyId("alias/none")),
                    "InvalidKeyId",
                    "");
            fails(
                    () -> ssm.putParameter(
                            r -> r.name("/api/big").value("x".repeat(4097)).type(ParameterType.STRING)),
                    "ValidationException",
                    "4096");
            assertThat(ssm.putParameter(r -> r.name("/api/big")
                                    .value("x".repeat(4097))
                                    .type(ParameterType.STRING)
                                    .tier(ParameterTier.INTELLIGENT_TIERING))
                            .tier())
                    .isEqualTo(ParameterTier.ADVANCED);
            fails(
                    () -> ssm.putParameter(
                            r -> r.name("/api/big").value("x".repeat(8193)).overwrite(true)),
                    "ValidationException",
                    "8192");
            fails(
                    () -> ssm.putParameter(r ->
                            r.name("/api/big").value("small").overwrite(true).tier(ParameterTier.STANDARD)),
                    "ValidationException",
                    "downgrade");
            fails(
                    () -> ssm.putParameter(
                            r -> r.name("/api/big").value("y").overwrite(true).tags(t -> t.key("a")
                                    .value("b"))),
                    "ValidationException",
                    "tags and overwrite");
            fails(() -> ssm.getParameter(r -> r.name("/api/none")), "ParameterNotFound", "");
            fails(() -> ssm.getParameter(r -> r.name("/api/big:7")), "ParameterVersionNotFound", "version 7");
            fails(
                    () -> ssm.describeParameters(r -> r.parameterFilters(ParameterStringFilter.builder()
                            .key("Name")
                            .option("Sideways")
                            .values("/a")
                            .build())),
                    "InvalidFilterOption",
                    "Sideways");
            fails(
                    () -> ssm.getParametersByPath(r -> r.path("/api")
                            .parameterFilters(ParameterStringFilter.builder()
                                    .key("Name")
                                    .values("/a")
                                    .build())),
                    "InvalidFilterKey",
                    "Name");
            fails(() -> ssm.getParametersByPath(r -> r.path("/api").nextToken("forged")), "InvalidNextToken", "");
            fails(
                    () -> ssm.getParametersByPath(r -> r.path("/api").maxResults(11)),
                    "ValidationException",
                    "less than or equal to 10");
        }
    }

    @Test
    void parametersPaginateByPathAndLabelsMoveBetweenVersions() {
        try (SsmClient ssm = server.ssm()) {
            for (int i = 0; i < 23; i++) {
                int n = i;
                ssm.putParameter(r -> r.name("/page/p" + String.format("%02d", n))
                        .value("v" + n)
                        .type(ParameterType.STRING));
            }
            ssm.putParameter(r -> r.name("/page/deeper/q").value("q").type(ParameterType.STRING));
            List<String> names = ssm
                    .getParametersByPathPaginator(r -> r.path("/page").maxResults(5))
                    .stream()
                    .flatMap(page -> page.parameters().stream())
                    .map(p -> p.name())
                    .toList();
            assertThat(names).hasSize(23).doesNotContain("/page/deeper/q");
            assertThat(ssm.describeParameters(r -> r.shared(true)).parameters())
                    .as("Shared=true lists parameters other accounts share, and Berth has none")
                    .isEmpty();
            assertThat(ssm.getParametersByPathPaginator(r -> r.path("/page").recursive(true)).stream()
                            .mapToLong(page -> page.parameters().size())
                            .sum())
                    .isEqualTo(24);
            assertThat(ssm
                            .describeParametersPaginator(r -> r.maxResults(7)
                                    .parameterFilters(ParameterStringFilter.builder()
                                            .key("Path")
                                            .option("Recursive")
                                            .values("/page")
                                            .build()))
                            .stream()
                            .mapToLong(page -> page.parameters().size())
                            .sum())
                    .isEqualTo(24);

            ssm.putParameter(r -> r.name("/page/p00").value("second").overwrite(true));
            var labelled = ssm.labelParameterVersion(
                    r -> r.name("/page/p00").parameterVersion(1L).labels("prod", "aws-no", "9x"));
            assertThat(labelled.invalidLabels()).containsExactly("aws-no", "9x");
            assertThat(ssm.getParameter(r -> r.name("/page/p00:prod"))
                            .parameter()
                            .value())
                    .isEqualTo("v0");
            ssm.labelParameterVersion(
                    r -> r.name("/page/p00").parameterVersion(2L).labels("prod"));
            assertThat(ssm.getParameter(r -> r.name("/page/p00:prod"))
                            .parameter()
                            .value())
                    .isEqualTo("second");
            var history = ssm.getParameterHistory(r -> r.name("/page/p00")).parameters();
            assertThat(history).extracting(h -> h.labels()).containsExactly(List.of(), List.of("prod"));
            var many = ssm.getParameters(r -> r.names("/page/p01", "/page/none", "/page/p00:9", "/page/p00:prod"));
            assertThat(many.parameters()).extracting(p -> p.value()).containsExactly("v1", "second");
            assertThat(many.invalidParameters()).containsExactly("/page/none", "/page/p00:9");
        }
    }

    @Test
    void secureStringsDecryptOnlyWhenAskedAndWithTheirKey() {
        try (SsmClient ssm = server.ssm();
                KmsClient kms = server.kms()) {
            String key = kms.createKey(r -> r.description("ssm")).keyMetadata().keyId();
            ssm.putParameter(r -> r.name("/sec/a")
                    .value("alpha-value")
                    .type(ParameterType.SECURE_STRING)
                    .keyId(key));
            assertThat(ssm.getParameter(r -> r.name("/sec/a")).parameter().value())
                    .isNotEqualTo("alpha-value");
            assertThat(ssm.getParameter(r -> r.name("/sec/a").withDecryption(true))
                            .parameter()
                            .value())
                    .isEqualTo("alpha-value");
            assertThat(ssm.describeParameters(r -> r.parameterFilters(ParameterStringFilter.builder()
                                    .key("Name")
                                    .values("/sec/a")
                                    .build()))
                            .parameters()
                            .getFirst()
                            .keyId())
                    .isEqualTo(key);
            kms.disableKey(r -> r.keyId(key));
            fails(
                    () -> ssm.getParameter(r -> r.name("/sec/a").withDecryption(true)),
                    "InvalidKeyId",
                    "DisabledException");
            kms.enableKey(r -> r.keyId(key));
            assertThat(ssm.getParameter(r -> r.name("/sec/a").withDecryption(true))
                            .parameter()
                            .value())
                    .isEqualTo("alpha-value");
        }
    }

    @Test
    void kmsErrorsAndLimits() {
        try (KmsClient kms = server.kms()) {
            String key =
                    kms.createKey(r -> r.description("limits")).keyMetadata().keyId();
            fails(
                    () -> kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromByteArray(new byte[4097]))),
                    "ValidationException",
                    "4096");
            fails(() -> kms.generateDataKey(r -> r.keyId(key)), "ValidationException", "number of bytes or key spec");
            fails(() -> kms.generateDataKey(r -> r.keyId(key).numberOfBytes(1025)), "ValidationException", "1024");
            fails(
                    () -> kms.decrypt(
                            r -> r.ciphertextBlob(SdkBytes.fromUtf8String("not a ciphertext blob at all, really"))),
                    "InvalidCiphertextException",
                    "");
            fails(() -> kms.createKey(r -> r.keySpec("RSA_2048")), "UnsupportedOperationException", "symmetric");
            fails(
                    () -> kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(6)),
                    "ValidationException",
                    "between 7 and 30");
            kms.createAlias(r -> r.aliasName("alias/limits").targetKeyId(key));
            fails(
                    () -> kms.createAlias(r -> r.aliasName("alias/limits").targetKeyId(key)),
                    "AlreadyExistsException",
                    "");
            String other =
                    kms.createKey(r -> r.description("other")).keyMetadata().keyId();
            SdkBytes blob = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("x")))
                    .ciphertextBlob();
            fails(() -> kms.decrypt(r -> r.ciphertextBlob(blob).keyId(other)), "IncorrectKeyException", "");
            var wrapped = kms.generateDataKeyWithoutPlaintext(
                    r -> r.keyId("alias/limits").keySpec(DataKeySpec.AES_128));
            assertThat(kms.decrypt(r -> r.ciphertextBlob(wrapped.ciphertextBlob()))
                            .plaintext()
                            .asByteArray())
                    .hasSize(16);
            kms.scheduleKeyDeletion(r -> r.keyId(other).pendingWindowInDays(7));
            fails(
                    () -> kms.encrypt(r -> r.keyId(other).plaintext(SdkBytes.fromUtf8String("x"))),
                    "KMSInvalidStateException",
                    "pending deletion");
            assertThat(kms.listKeysPaginator(r -> r.limit(1)).keys().stream().count())
                    .isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void secretsResolveByNameFullArnAndPartialArnAndKeepStagesRight() {
        try (SecretsManagerClient sm = server.secretsManager()) {
            var created = sm.createSecret(
                    r -> r.name("app/db-abcdef").secretString("one").clientRequestToken("t".repeat(32)));
            assertThat(created.arn())
                    .matches("arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-abcdef-[A-Za-z0-9]{6}");
            assertThat(sm.createSecret(r ->
                                    r.name("app/db-abcdef").secretString("one").clientRequestToken("t".repeat(32)))
                            .versionId())
                    .isEqualTo("t".repeat(32));
            fails(
                    () -> sm.createSecret(
                            r -> r.name("app/db-abcdef").secretString("two").clientRequestToken("t".repeat(32))),
                    "ResourceExistsException",
                    "existing version");
            String partial = created.arn().substring(0, created.arn().length() - 7);
            for (String id : List.of("app/db-abcdef", created.arn(), partial)) {
                assertThat(sm.describeSecret(r -> r.secretId(id)).arn()).isEqualTo(created.arn());
            }
            fails(
                    () -> sm.describeSecret(r -> r.secretId(partial + "-XXXXXX")),
                    "ResourceNotFoundException",
                    "can't find");
            String v2 = sm.putSecretValue(r -> r.secretId("app/db-abcdef").secretString("two"))
                    .versionId();
            String v3 = sm.putSecretValue(r ->
                            r.secretId("app/db-abcdef").secretString("three").versionStages("AWSPENDING"))
                    .versionId();
            assertThat(sm.getSecretValue(r -> r.secretId(partial)).secretString())
                    .isEqualTo("two");
            assertThat(sm.getSecretValue(r -> r.secretId(partial).versionStage("AWSPENDING"))
                            .secretString())
                    .isEqualTo("three");
            fails(
                    () -> sm.updateSecretVersionStage(
                            r -> r.secretId(partial).versionStage("AWSCURRENT").moveToVersionId(v3)),
                    "InvalidParameterException",
                    "RemoveFromVersionId");
            sm.updateSecretVersionStage(r -> r.secretId(partial)
                    .versionStage("AWSCURRENT")
                    .moveToVersionId(v3)
                    .removeFromVersionId(v2));
            var stages = sm.describeSecret(r -> r.secretId(partial)).versionIdsToStages();
            assertThat(stages.get(v3)).contains("AWSCURRENT", "AWSPENDING");
            assertThat(stages.get(v2)).containsExactly("AWSPREVIOUS");
            assertThat(stages).doesNotContainKey("t".repeat(32));
            assertThat(sm.listSecretVersionIds(r -> r.secretId(partial).includeDeprecated(true))
                            .versions())
                    .hasSize(3);
            assertThat(sm.listSecretVersionIds(r -> r.secretId(partial)).versions())
                    .hasSize(2);
            sm.putSecretValue(r -> r.secretId(partial).secretBinary(SdkBytes.fromByteArray(new byte[] {0, 1, 2})));
            assertThat(sm.getSecretValue(r -> r.secretId(partial))
                            .secretBinary()
                            .asByteArray())
                    .containsExactly(0, 1, 2);
            fails(
                    () -> sm.getSecretValue(r -> r.secretId(partial).versionStage("NOPE")),
                    "ResourceNotFoundException",
                    "staging label: NOPE");
            fails(() -> sm.createSecret(r -> r.name("bad name!")), "InvalidParameterException", "Invalid name");
            fails(
                    () -> sm.createSecret(
                            r -> r.name("both").secretString("a").secretBinary(SdkBytes.fromUtf8String("b"))),
                    "InvalidParameterException",
                    "both");
            fails(
                    () -> sm.createSecret(
                            r -> r.name("k").kmsKeyId("alias/none").secretString("a")),
                    "EncryptionFailure",
                    "");
            fails(
                    () -> sm.deleteSecret(
                            r -> r.secretId(partial).recoveryWindowInDays(7L).forceDeleteWithoutRecovery(true)),
                    "InvalidParameterException",
                    "ForceDeleteWithoutRecovery");
            fails(
                    () -> sm.getRandomPassword(r -> r.excludeLowercase(true)
                            .excludeUppercase(true)
                            .excludeNumbers(true)
                            .excludePunctuation(true)),
                    "InvalidParameterException",
                    "");
            String pw = sm.getRandomPassword(r -> r.passwordLength(40L).excludeCharacters("abc"))
                    .randomPassword();
            assertThat(pw)
                    .hasSize(40)
                    .doesNotContain("a", "b", "c")
                    .matches(".*[A-Z].*")
                    .matches(".*[0-9].*");
        }
    }

    @Test
    void listSecretsFiltersAndPaginates() {
        try (SecretsManagerClient sm = server.secretsManager()) {
            for (int i = 0; i < 7; i++) {
                int n = i;
                sm.createSecret(r -> r.name("list/s" + n)
                        .description(n % 2 == 0 ? "Even one" : "odd one")
                        .tags(t -> t.key("parity").value(n % 2 == 0 ? "even" : "odd")));
            }
            var all = sm
                    .listSecretsPaginator(r -> r.maxResults(2)
                            .filters(Filter.builder()
                                    .key(FilterNameStringType.NAME)
                                    .values("list/")
                                    .build()))
                    .stream()
                    .mapToLong(page -> page.secretList().size())
                    .sum();
            assertThat(all).isEqualTo(7L);
            assertThat(sm.listSecrets(r -> r.filters(
                                    Filter.builder()
                                            .key(FilterNameStringType.DESCRIPTION)
                                            .values("even")
                                            .build(),
                                    Filter.builder()
                                            .key(FilterNameStringType.NAME)
                                            .values("list/")
                                            .build()))
                            .secretList())
                    .hasSize(4);
            assertThat(sm.listSecrets(r -> r.filters(
                                    Filter.builder()
                                            .key(FilterNameStringType.TAG_VALUE)
                                            .values("!even")
                                            .build(),
                                    Filter.builder()
                                            .key(FilterNameStringType.NAME)
                                            .values("list/")
                                            .build()))
                            .secretList())
                    .hasSize(3);
            fails(() -> sm.listSecrets(r -> r.nextToken("forged")), "InvalidNextTokenException", "");
        }
    }

    @Test
    void batchGetSecretValueByIdsAndByFilters() {
        try (SecretsManagerClient sm = server.secretsManager()) {
            for (int i = 0; i < 5; i++) {
                int n = i;
                sm.createSecret(
                        r -> r.name("batch/s" + n).secretString("value-" + n).tags(t -> t.key("batch")
                                .value(n < 3 ? "low" : "high")));
            }
            sm.createSecret(r -> r.name("batch/doomed").secretString("x"));
            sm.deleteSecret(r -> r.secretId("batch/doomed"));

            var byIds =
                    sm.batchGetSecretValue(r -> r.secretIdList("batch/s0", "batch/s4", "batch/none", "batch/doomed"));
            assertThat(byIds.secretValues())
                    .extracting(v -> v.name() + "=" + v.secretString())
                    .containsExactly("batch/s0=value-0", "batch/s4=value-4");
            assertThat(byIds.secretValues().getFirst().versionStages()).containsExactly("AWSCURRENT");
            assertThat(byIds.secretValues().getFirst().createdDate()).isNotNull();
            assertThat(byIds.errors())
                    .extracting(e -> e.secretId() + " " + e.errorCode())
                    .containsExactly("batch/none ResourceNotFoundException", "batch/doomed InvalidRequestException");

            var pages = sm
                    .batchGetSecretValuePaginator(r -> r.maxResults(2)
                            .filters(Filter.builder()
                                    .key(FilterNameStringType.NAME)
                                    .values("batch/s")
                                    .build()))
                    .stream()
                    .toList();
            assertThat(pages).hasSize(3);
            assertThat(pages.stream().flatMap(p -> p.secretValues().stream()))
                    .extracting(v -> v.secretString())
                    .containsExactlyInAnyOrder("value-0", "value-1", "value-2", "value-3", "value-4");
            assertThat(sm.batchGetSecretValue(r -> r.filters(Filter.builder()
                                    .key(FilterNameStringType.TAG_VALUE)
                                    .values("high")
                                    .build()))
                            .secretValues())
                    .hasSize(2);

            fails(
                    () -> sm.batchGetSecretValue(r -> r.secretIdList("batch/s0")
                            .filters(Filter.builder()
                                    .key(FilterNameStringType.NAME)
                                    .values("batch/")
                                    .build())),
                    "InvalidParameterException",
                    "not both");
            fails(
                    () -> sm.batchGetSecretValue(r -> r.secretIdList(java.util.stream.IntStream.range(0, 21)
                            .mapToObj(i -> "s" + i)
                            .toList())),
                    "ValidationException", // the model's limit, checked by the front end
                    "1 validation error detected");
            fails(
                    () -> sm.batchGetSecretValue(r -> r.filters(Filter.builder()
                                    .key(FilterNameStringType.NAME)
                                    .values("batch/")
                                    .build())
                            .maxResults(21)),
                    "ValidationException",
                    "1 validation error detected");
        }
    }

    @Test
    void scheduledDeletionHappensWhenTheRecoveryWindowEnds() {
        BerthServer berth = server.server();
        try (SecretsManagerClient sm = server.secretsManager()) {
            sm.createSecret(r -> r.name("doomed").secretString("bye"));
            sm.createSecret(r -> r.name("saved").secretString("stay"));
            var deleted = sm.deleteSecret(r -> r.secretId("doomed").recoveryWindowInDays(7L));
            sm.deleteSecret(r -> r.secretId("saved").recoveryWindowInDays(7L));
            assertThat(Duration.between(berth.secretsClock().instant(), deleted.deletionDate())
                            .toDays())
                    .isBetween(6L, 7L);
            fails(
                    () -> sm.putSecretValue(r -> r.secretId("doomed").secretString("x")),
                    "InvalidRequestException",
                    "marked for deletion");
            assertThat(sm.listSecrets(r -> r.filters(Filter.builder()
                                    .key(FilterNameStringType.NAME)
                                    .values("doomed")
                                    .build()))
                            .secretList())
                    .isEmpty();
            assertThat(sm.listSecrets(r -> r.includePlannedDeletion(true)
                                    .filters(Filter.builder()
                                            .key(FilterNameStringType.NAME)
                                            .values("doomed")
                                            .build()))
                            .secretList())
                    .hasSize(1);
            berth.secretsClock().advance(Duration.ofDays(6));
            berth.secretsHousekeeping();
            assertThat(sm.describeSecret(r -> r.secretId("doomed")).deletedDate())
                    .isNotNull();
            sm.restoreSecret(r -> r.secretId("saved"));
            berth.secretsClock().advance(Duration.ofDays(1).plusMinutes(1));
            berth.secretsHousekeeping();
            fails(() -> sm.describeSecret(r -> r.secretId("doomed")), "ResourceNotFoundException", "");
            assertThat(sm.getSecretValue(r -> r.secretId("saved")).secretString())
                    .isEqualTo("stay");
            sm.createSecret(r -> r.name("doomed").secretString("again"));
        }
    }

    @Test
    void rotationAddsKeyMaterialAndOldCiphertextsStillDecrypt() {
        BerthServer berth = server.server();
        try (KmsClient kms = server.kms();
                SsmClient ssm = server.ssm()) {
            String key =
                    kms.createKey(r -> r.description("rotating")).keyMetadata().keyId();
            SdkBytes before = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("before")))
                    .ciphertextBlob();
            ssm.putParameter(r -> r.name("/rot/p")
                    .value("rot-before")
                    .type(ParameterType.SECURE_STRING)
                    .keyId(key));
            kms.enableKeyRotation(r -> r.keyId(key));
            berth.secretsClock().advance(Duration.ofDays(366));
            berth.secretsHousekeeping();
            SdkBytes after = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("after")))
                    .ciphertextBlob();
            assertThat(version(after)).isEqualTo(version(before) + 1);
            assertThat(kms.decrypt(r -> r.ciphertextBlob(before)).plaintext().asUtf8String())
                    .isEqualTo("before");
            assertThat(kms.decrypt(r -> r.ciphertextBlob(after)).plaintext().asUtf8String())
                    .isEqualTo("after");
            assertThat(ssm.getParameter(r -> r.name("/rot/p").withDecryption(true))
                            .parameter()
                            .value())
                    .isEqualTo("rot-before");
        }
    }

    @Test
    void onDemandRotationsAreListedAndLimited() {
        try (KmsClient kms = server.kms()) {
            String key =
                    kms.createKey(r -> r.description("on demand")).keyMetadata().keyId();
            SdkBytes before = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("before")))
                    .ciphertextBlob();
            assertThat(kms.rotateKeyOnDemand(r -> r.keyId(key)).keyId()).isEqualTo(key);
            SdkBytes after = kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("after")))
                    .ciphertextBlob();
            assertThat(version(after)).isEqualTo(version(before) + 1);
            assertThat(kms.decrypt(r -> r.ciphertextBlob(before)).plaintext().asUtf8String())
                    .isEqualTo("before");
            for (int i = 1; i < 10; i++) {
                kms.rotateKeyOnDemand(r -> r.keyId(key));
            }
            fails(() -> kms.rotateKeyOnDemand(r -> r.keyId(key)), "LimitExceededException", "on-demand");
            var rotations = kms.listKeyRotationsPaginator(r -> r.keyId(key).limit(4)).stream()
                    .flatMap(p -> p.rotations().stream())
                    .toList();
            assertThat(rotations).hasSize(10);
            assertThat(rotations)
                    .allSatisfy(r -> assertThat(r.rotationTypeAsString()).isEqualTo("ON_DEMAND"));
            assertThat(rotations.getFirst().keyId()).endsWith(":key/" + key);
            var status = kms.getKeyRotationStatus(r -> r.keyId(key));
            assertThat(status.keyRotationEnabled()).isFalse();
            assertThat(status.keyId()).endsWith(":key/" + key);
            fails(
                    () -> kms.encrypt(r -> r.keyId(key)
                            .plaintext(SdkBytes.fromUtf8String("dry"))
                            .dryRun(true)),
                    "DryRunOperationException",
                    "DryRun option is set");
            kms.enableKeyRotation(r -> r.keyId(key).rotationPeriodInDays(90));
            assertThat(kms.getKeyRotationStatus(r -> r.keyId(key)).rotationPeriodInDays())
                    .isEqualTo(90);
            fails(
                    () -> kms.enableKeyRotation(r -> r.keyId(key).rotationPeriodInDays(89)),
                    "ValidationException",
                    "RotationPeriodInDays");
            kms.disableKey(r -> r.keyId(key));
            fails(() -> kms.rotateKeyOnDemand(r -> r.keyId(key)), "DisabledException", "");
            fails(() -> kms.listKeyRotations(r -> r.keyId(key).limit(1001)), "ValidationException", "");
        }
    }

    /** The key-material version in a Berth ciphertext blob (byte 0 format, 36 bytes key id, then the version). */
    static int version(SdkBytes blob) {
        return java.nio.ByteBuffer.wrap(blob.asByteArray(), 37, 4).getInt();
    }

    @Test
    void theMasterKeyIsPrivateSurvivesRestartsAndAWrongOneIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("berth-master");
        ServerConfig config =
                new ServerConfig("127.0.0.1", 0, dir, null, false, "000000000000", "us-east-1", null, null);
        String rootSecret;
        try (TestServerHandle first = new TestServerHandle(BerthServer.start(config))) {
            rootSecret = first.server().secretAccessKey();
            try (SsmClient ssm = first.ssm()) {
                ssm.putParameter(r -> r.name("/m/p").value("kept").type(ParameterType.SECURE_STRING));
            }
        }
        boolean keyIdFound = false;
        try (var files = Files.walk(dir.resolve("state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content.contains(rootSecret))
                        .as("%s holds the root secret access key in clear", f)
                        .isFalse();
                keyIdFound |= content.contains("AKIA");
            }
        }
        assertThat(keyIdFound)
                .as("the access key id is found in the store files, so the search works")
                .isTrue();
        Path keyFile = dir.resolve("master.key");
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Base64.getDecoder().decode(Files.readString(keyFile).strip()))
                .hasSize(32);
        try (TestServerHandle second = new TestServerHandle(BerthServer.start(config))) {
            try (SsmClient ssm = second.ssm()) {
                assertThat(ssm.getParameter(r -> r.name("/m/p").withDecryption(true))
                                .parameter()
                                .value())
                        .isEqualTo("kept");
            }
        }
        Path other = Files.createTempFile("other", ".key");
        Files.writeString(other, Base64.getEncoder().encodeToString(new byte[32]), StandardCharsets.US_ASCII);
        ServerConfig wrong = new ServerConfig(
                "127.0.0.1",
                0,
                dir,
                null,
                false,
                "000000000000",
                "us-east-1",
                null,
                null,
                ServerConfig.DEFAULT_HEARTBEAT_TIMEOUT,
                null,
                null,
                null,
                other);
        assertThatThrownBy(() -> BerthServer.start(wrong))
                .hasMessageContaining("is not the one this store was sealed with");
        ServerConfig operatorKey = new ServerConfig(
                "127.0.0.1",
                0,
                dir,
                null,
                false,
                "000000000000",
                "us-east-1",
                null,
                null,
                ServerConfig.DEFAULT_HEARTBEAT_TIMEOUT,
                null,
                null,
                null,
                keyFile);
        try (TestServerHandle third = new TestServerHandle(BerthServer.start(operatorKey))) {
            try (SsmClient ssm = third.ssm()) {
                assertThat(ssm.getParameter(r -> r.name("/m/p").withDecryption(true))
                                .parameter()
                                .value())
                        .isEqualTo("kept");
            }
        }
    }

    /** A server started here (not through TestServer) with an SSM client. */
    record TestServerHandle(BerthServer server) implements AutoCloseable {
        SsmClient ssm() {
            return SsmClient.builder()
                    .endpointOverride(server.endpoint())
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                    server.accessKeyId(), server.secretAccessKey())))
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                    .build();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
