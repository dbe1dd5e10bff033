package dev.berth.iam.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.iam.auth.AccessKeys;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.crypto.MasterKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IAM's validation, quotas and errors, against a real embedded store (no HTTP). */
class IamApiTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final CallContext ROOT = new CallContext("r", "AKIAROOT", "000000000000", "us-east-1");

    @TempDir
    Path dir;

    StateStore store;
    IamApi api;

    @BeforeEach
    void setUp() {
        store = StateStores.open(null, dir.resolve("state"), 2);
        Iam iam = new Iam(MAPPER, "000000000000", Clock.systemUTC());
        PolicyDocs docs = new PolicyDocs(MAPPER);
        AccessKeys keys = new AccessKeys(store, new Documents(MAPPER), MasterKey.of(new byte[32]));
        api = new IamApi(ServiceModel.load(MAPPER, IamApi.MODEL), store, iam, docs, keys, new Directory(iam, docs));
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
    }

    JsonNode call(String action, String... kv) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], List.of(kv[i + 1]));
        }
        return api.operation(action).orElseThrow().handle(ROOT, params);
    }

    AwsException error(String action, String... kv) {
        try {
            call(action, kv);
        } catch (AwsException e) {
            return e;
        }
        throw new AssertionError(action + " succeeded");
    }

    /** A valid identity policy of exactly {@code size} characters that are not white space, padded with white space. */
    static String policyOfSize(int size) {
        String head = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::";
        String tail = "\"}]}";
        String doc = head + "a".repeat(size - head.length() - tail.length()) + tail;
        assertThat(doc).hasSize(size);
        return doc.replace(",", ",\n    ").replace(":", ": ");
    }

    @Test
    void inlinePolicyQuotasCountEverythingButWhiteSpace() {
        call("CreateUser", "UserName", "u");
        call("PutUserPolicy", "UserName", "u", "PolicyName", "p", "PolicyDocument", policyOfSize(2048));
        AwsException e =
                error("PutUserPolicy", "UserName", "u", "PolicyName", "p", "PolicyDocument", policyOfSize(2049));
        assertThat(e.code()).isEqualTo("LimitExceeded");
        assertThat(e.getMessage()).isEqualTo("Maximum policy size of 2048 bytes exceeded for user u");
        // the quota is for all of a user's inline policies together
        call("PutUserPolicy", "UserName", "u", "PolicyName", "p", "PolicyDocument", policyOfSize(1500));
        assertThat(error("PutUserPolicy", "UserName", "u", "PolicyName", "q", "PolicyDocument", policyOfSize(600))
                        .getMessage())
                .isEqualTo("Maximum policy size of 2048 bytes exceeded for user u");

        call("CreateGroup", "GroupName", "g");
        call("PutGroupPolicy", "GroupName", "g", "PolicyName", "p", "PolicyDocument", policyOfSize(5120));
        assertThat(error("PutGroupPolicy", "GroupName", "g", "PolicyName", "p", "PolicyDocument", policyOfSize(5121))
                        .getMessage())
                .isEqualTo("Maximum policy size of 5120 bytes exceeded for group g");

        call("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", trust("ecs-tasks.amazonaws.com"));
        call("PutRolePolicy", "RoleName", "r", "PolicyName", "p", "PolicyDocument", policyOfSize(10240));
        assertThat(error("PutRolePolicy", "RoleName", "r", "PolicyName", "p", "PolicyDocument", policyOfSize(10241))
                        .getMessage())
                .isEqualTo("Maximum policy size of 10240 bytes exceeded for role r");
    }

    @Test
    void managedPolicyQuotaAndVersions() {
        call("CreatePolicy", "PolicyName", "ok", "PolicyDocument", policyOfSize(6144));
        AwsException e = error("CreatePolicy", "PolicyName", "big", "PolicyDocument", policyOfSize(6145));
        assertThat(e.code()).isEqualTo("LimitExceeded");
        assertThat(e.getMessage()).isEqualTo("Cannot exceed quota for PolicySize: 6144");
        assertThat(error("GetPolicy", "PolicyArn", "arn:aws:iam::000000000000:policy/big")
                        .code())
                .isEqualTo("NoSuchEntity");

        String arn = "arn:aws:iam::000000000000:policy/ok";
        for (int i = 2; i <= 5; i++) {
            call("CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument", policyOfSize(300), "SetAsDefault", "true");
        }
        assertThat(error("CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument", policyOfSize(300))
                        .code())
                .isEqualTo("LimitExceeded");
        assertThat(error("DeletePolicyVersion", "PolicyArn", arn, "VersionId", "v5")
                        .getMessage())
                .isEqualTo("Cannot delete the default version of a policy.");
        assertThat(error("DeletePolicy", "PolicyArn", arn).code()).isEqualTo("DeleteConflict");
        call("DeletePolicyVersion", "PolicyArn", arn, "VersionId", "v1");
        call("CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument", policyOfSize(300));
        assertThat(call("GetPolicyVersion", "PolicyArn", arn, "VersionId", "v6")
                        .path("PolicyVersion")
                        .path("IsDefaultVersion")
                        .asBoolean())
                .isFalse();
        assertThat(error("CreatePolicy", "PolicyName", "OK", "PolicyDocument", policyOfSize(300))
                        .getMessage())
                .isEqualTo("A policy called OK already exists. Duplicate names are not allowed.");
    }

    static String trust(String service) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\""
                + service + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    @Test
    void malformedDocumentsLeaveNothingBehind() {
        AwsException e = error(
                "CreateRole",
                "RoleName",
                "r",
                "AssumeRolePolicyDocument",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                        + "\"ecs-tasks.amazonaws.com\"},\"Action\":\"s3:GetObject\"}]}");
        assertThat(e.code()).isEqualTo("MalformedPolicyDocument");
        assertThat(e.getMessage()).isEqualTo("AssumeRole policy may only specify STS AssumeRole actions.");
        assertThat(error("GetRole", "RoleName", "r").getMessage()).isEqualTo("The role with name r cannot be found.");
        assertThat(error("CreatePolicy", "PolicyName", "p", "PolicyDocument", "{\"Version\":\"2012-10-17\"}")
                        .getMessage())
                .isEqualTo("Syntax errors in policy.");
        assertThat(error(
                                "CreatePolicy",
                                "PolicyName",
                                "p",
                                "PolicyDocument",
                                "{\"Version\":\"2012-10-18\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}")
                        .getMessage())
                .isEqualTo("The policy failed legacy parsing");
        assertThat(call("ListPolicies", "Scope", "Local").path("Policies")).isEmpty();
        assertThat(error("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", trust("x".repeat(2100)))
                        .getMessage())
                .isEqualTo("Cannot exceed quota for ACLSizePerRole: 2048");
    }

    @Test
    void trustPoliciesNameOnlyPrincipalsThatExist() {
        String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "[\"arn:aws:iam::000000000000:user/ci\",\"arn:aws:iam::000000000000:root\"]},\"Action\":\"sts:AssumeRole\"}]}";
        AwsException e = error("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", doc);
        assertThat(e.code()).isEqualTo("MalformedPolicyDocument");
        assertThat(e.getMessage())
                .isEqualTo("Invalid principal in policy: \"AWS\":\"arn:aws:iam::000000000000:user/ci\"");
        call("CreateUser", "UserName", "ci");
        call("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", doc);
    }

    @Test
    void namesAreUniqueRegardlessOfCaseAndDeletesConflict() {
        call("CreateUser", "UserName", "Alice");
        assertThat(error("CreateUser", "UserName", "alice").getMessage())
                .isEqualTo("User with name alice already exists.");
        call("CreateAccessKey", "UserName", "alice");
        call("CreateAccessKey", "UserName", "ALICE");
        assertThat(error("CreateAccessKey", "UserName", "alice").getMessage())
                .isEqualTo("Cannot exceed quota for AccessKeysPerUser: 2");
        assertThat(error("DeleteUser", "UserName", "alice").getMessage())
                .isEqualTo("Cannot delete entity, must delete access keys first.");
        for (JsonNode k : call("ListAccessKeys", "UserName", "alice").path("AccessKeyMetadata")) {
            assertThat(k.path("AccessKeyId").asText()).startsWith("AKIA").hasSize(20);
            call(
                    "DeleteAccessKey",
                    "UserName",
                    "alice",
                    "AccessKeyId",
                    k.path("AccessKeyId").asText());
        }
        call("AttachUserPolicy", "UserName", "alice", "PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
        assertThat(error("DeleteUser", "UserName", "alice").getMessage())
                .isEqualTo("Cannot delete entity, must detach all policies first.");
        call("DetachUserPolicy", "UserName", "alice", "PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
        call("DeleteUser", "UserName", "alice");
        assertThat(error("GetUser", "UserName", "Alice").code()).isEqualTo("NoSuchEntity");
    }

    @Test
    void validationErrorsComeFromTheModel() {
        AwsException e = error("CreateUser", "UserName", "bad name");
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.getMessage())
                .isEqualTo("1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint:"
                        + " Member must satisfy regular expression pattern: [\\w+=,.@-]+");
        assertThat(error(
                                "CreateRole",
                                "RoleName",
                                "r",
                                "AssumeRolePolicyDocument",
                                trust("a.b"),
                                "MaxSessionDuration",
                                "100")
                        .code())
                .isEqualTo("ValidationError");
    }

    @Test
    void listsPageWithMarkers() {
        for (int i = 0; i < 5; i++) {
            call("CreateUser", "UserName", "user" + i);
        }
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            JsonNode page = marker == null
                    ? call("ListUsers", "MaxItems", "2")
                    : call("ListUsers", "MaxItems", "2", "Marker", marker);
            page.path("Users").forEach(u -> seen.add(u.path("UserName").asText()));
            marker = page.path("IsTruncated").asBoolean() ? page.path("Marker").asText() : null;
            pages++;
        } while (marker != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("user0", "user1", "user2", "user3", "user4");

        // several lists paged as one: GetAccountAuthorizationDetails
        call("CreateGroup", "GroupName", "g");
        JsonNode first = call("GetAccountAuthorizationDetails", "MaxItems", "4");
        assertThat(first.path("UserDetailList")).hasSize(4);
        assertThat(first.path("IsTruncated").asBoolean()).isTrue();
        JsonNode second = call(
                "GetAccountAuthorizationDetails",
                "MaxItems",
                "4",
                "Marker",
                first.path("Marker").asText());
        assertThat(second.path("UserDetailList")).hasSize(1);
        assertThat(second.path("GroupDetailList")).hasSize(1);
        assertThat(second.path("IsTruncated").asBoolean()).isFalse();
    }

    @Test
    void groupsRolesInstanceProfilesAndTheServiceLinkedRole() {
        call("CreateUser", "UserName", "u");
        call("CreateGroup", "GroupName", "g");
        call("AddUserToGroup", "GroupName", "g", "UserName", "u");
        assertThat(error("DeleteGroup", "GroupName", "g").getMessage())
                .isEqualTo("Cannot delete entity, must remove users from group first.");
        call("RemoveUserFromGroup", "GroupName", "g", "UserName", "u");
        call("DeleteGroup", "GroupName", "g");

        JsonNode role = call("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", trust("ec2.amazonaws.com"));
        assertThat(role.path("Role").path("RoleId").asText()).startsWith("AROA");
        assertThat(role.path("Role").path("MaxSessionDuration").asInt()).isEqualTo(3600);
        JsonNode ip = call("CreateInstanceProfile", "InstanceProfileName", "ip");
        assertThat(ip.path("InstanceProfile").path("InstanceProfileId").asText())
                .startsWith("AIPA");
        call("AddRoleToInstanceProfile", "InstanceProfileName", "ip", "RoleName", "r");
        call("CreateRole", "RoleName", "r2", "AssumeRolePolicyDocument", trust("ec2.amazonaws.com"));
        assertThat(error("AddRoleToInstanceProfile", "InstanceProfileName", "ip", "RoleName", "r2")
                        .getMessage())
                .isEqualTo("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1");

        JsonNode slr = call("CreateServiceLinkedRole", "AWSServiceName", "ecs.amazonaws.com");
        assertThat(slr.path("Role").path("Arn").asText())
                .isEqualTo("arn:aws:iam::000000000000:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
        assertThat(call("ListAttachedRolePolicies", "RoleName", "AWSServiceRoleForECS")
                        .path("AttachedPolicies")
                        .get(0)
                        .path("PolicyName")
                        .asText())
                .isEqualTo("AmazonECSServiceRolePolicy");
        assertThat(error("CreateServiceLinkedRole", "AWSServiceName", "ecs.amazonaws.com")
                        .code())
                .isEqualTo("InvalidInput");
        assertThat(error(
                                "PutRolePolicy",
                                "RoleName",
                                "AWSServiceRoleForECS",
                                "PolicyName",
                                "x",
                                "PolicyDocument",
                                policyOfSize(300))
                        .code())
                .isEqualTo("UnmodifiableEntity");
    }

    @Test
    void theAwsManagedPoliciesParse() {
        PolicyDocs docs = new PolicyDocs(MAPPER);
        assertThat(docs.awsManaged())
                .extracting(PolicyDocs.AwsManaged::arn)
                .contains(
                        "arn:aws:iam::aws:policy/AdministratorAccess",
                        "arn:aws:iam::aws:policy/ReadOnlyAccess",
                        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
                        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser",
                        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess",
                        "arn:aws:iam::aws:policy/AmazonECS_FullAccess",
                        "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
                        "arn:aws:iam::aws:policy/SecretsManagerReadWrite");
    }
}
