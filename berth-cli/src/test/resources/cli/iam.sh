# IAM and STS with the real AWS CLI: users, access keys, inline and managed policies (versions,
# IAM's MalformedPolicyDocument messages, size quotas), roles and assume-role (allowed and refused
# by the trust policy), temporary credentials, the simulator, instance profiles, the ECS
# service-linked role, OIDC providers. Run by IamIT.
source "$(dirname "$0")/lib.sh"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT

expect "root identity" "arn:aws:iam::000000000000:root" "$(aws sts get-caller-identity --query Arn)"

# users and their keys
expect "create-user" "ci" "$(aws iam create-user --user-name ci --tags Key=team,Value=web --query User.UserName)"
case "$(aws iam get-user --user-name ci --query User.UserId)" in AIDA*) echo "ok - user id AIDA...";; *) fail "user id";; esac
expect "user arn" "arn:aws:iam::000000000000:user/ci" "$(aws iam get-user --user-name ci --query User.Arn)"
expect_error "create-user twice" EntityAlreadyExists aws iam create-user --user-name CI
aws iam create-user --user-name deployer --path /ops/ >/dev/null
expect "path in arn" "arn:aws:iam::000000000000:user/ops/deployer" "$(aws iam get-user --user-name deployer --query User.Arn)"
expect "list-users --path-prefix" "deployer" "$(aws iam list-users --path-prefix /ops/ --query 'Users[].UserName')"
KEYS="$(aws iam create-access-key --user-name ci --query 'AccessKey.[AccessKeyId,SecretAccessKey]')"
CI_ID="$(echo "$KEYS" | cut -f1)"; CI_SECRET="$(echo "$KEYS" | cut -f2)"
case "$CI_ID" in AKIA*) echo "ok - access key AKIA...";; *) fail "access key id $CI_ID";; esac
aws iam create-access-key --user-name ci >/dev/null
expect_error "third access key" LimitExceeded aws iam create-access-key --user-name ci
ci() { AWS_ACCESS_KEY_ID="$CI_ID" AWS_SECRET_ACCESS_KEY="$CI_SECRET" AWS_SHARED_CREDENTIALS_FILE=/dev/null aws "$@"; }
expect "ci's identity" "arn:aws:iam::000000000000:user/ci" "$(ci sts get-caller-identity --query Arn)"
expect "ci's own user" "ci" "$(ci iam get-user --query User.UserName)"
sleep 1
case "$(aws iam get-access-key-last-used --access-key-id "$CI_ID" --query AccessKeyLastUsed.ServiceName)" in
  sts|iam) echo "ok - access key last used";; *) fail "last used";; esac
aws iam update-access-key --user-name ci --access-key-id "$CI_ID" --status Inactive
expect_error "an inactive key is refused" InvalidClientTokenId ci sts get-caller-identity
aws iam update-access-key --user-name ci --access-key-id "$CI_ID" --status Active
expect "active again" "ci" "$(ci iam get-user --query User.UserName)"

# inline policies
cat > "$W/deploy.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Deploy", "Effect": "Allow", "Action": "ecs:UpdateService",
   "Resource": "arn:aws:ecs:us-east-1:000000000000:service/prod/web"},
  {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:PutImage"],
   "Resource": "arn:aws:ecr:us-east-1:000000000000:repository/web"}]}
JSON
aws iam put-user-policy --user-name ci --policy-name deploy --policy-document "file://$W/deploy.json"
expect "get-user-policy (decoded by the CLI)" "Deploy" "$(aws iam get-user-policy --user-name ci --policy-name deploy --query 'PolicyDocument.Statement[0].Sid')"
expect "list-user-policies" "deploy" "$(aws iam list-user-policies --user-name ci --query 'PolicyNames')"
expect_error "principal in an identity policy" MalformedPolicyDocument aws iam put-user-policy --user-name ci --policy-name bad \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}'
out="$(aws iam put-user-policy --user-name ci --policy-name bad --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}' 2>&1 || true)"
case "$out" in *"Policy document should not specify a principal."*) echo "ok - IAM's message";; *) fail "message: $out";; esac
out="$(aws iam put-user-policy --user-name ci --policy-name bad --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs","Resource":"*"}]}' 2>&1 || true)"
case "$out" in *"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."*) echo "ok - vendor message";; *) fail "message: $out";; esac
out="$(aws iam put-user-policy --user-name ci --policy-name bad --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*"' 2>&1 || true)"
case "$out" in *"(MalformedPolicyDocument)"*"Syntax errors in policy."*) echo "ok - syntax errors";; *) fail "message: $out";; esac
expect "nothing half-created" "deploy" "$(aws iam list-user-policies --user-name ci --query 'PolicyNames')"
python3 - "$W/big.json" <<'PY'
import json, sys
acts = ["ecs:DescribeService%03d" % i for i in range(120)]
json.dump({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": acts, "Resource": "*"}]}, open(sys.argv[1], "w"), indent=4)
PY
out="$(aws iam put-user-policy --user-name ci --policy-name big --policy-document "file://$W/big.json" 2>&1 || true)"
case "$out" in *"(LimitExceeded)"*"Maximum policy size of 2048 bytes exceeded for user ci"*) echo "ok - user inline quota";; *) fail "quota: $out";; esac
aws iam create-group --group-name devs >/dev/null
aws iam put-group-policy --group-name devs --policy-name big --policy-document "file://$W/big.json"
echo "ok - the same document fits a group (5,120)"
aws iam add-user-to-group --group-name devs --user-name ci
expect "get-group users" "ci" "$(aws iam get-group --group-name devs --query 'Users[].UserName')"
expect "list-groups-for-user" "devs" "$(aws iam list-groups-for-user --user-name ci --query 'Groups[].GroupName')"
expect_error "delete a group with members" DeleteConflict aws iam delete-group --group-name devs

# managed policies and versions
ARN="$(aws iam create-policy --policy-name ecs-read --path /team/ --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}' --query Policy.Arn)"
expect "policy arn" "arn:aws:iam::000000000000:policy/team/ecs-read" "$ARN"
for i in 2 3 4 5; do
  aws iam create-policy-version --policy-arn "$ARN" --set-as-default --policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:List*\",\"Resource\":\"*\",\"Sid\":\"V$i\"}]}" >/dev/null
done
expect "default version" "v5" "$(aws iam get-policy --policy-arn "$ARN" --query Policy.DefaultVersionId)"
expect_error "a sixth version" LimitExceeded aws iam create-policy-version --policy-arn "$ARN" --policy-document "file://$W/deploy.json"
expect_error "delete the default version" DeleteConflict aws iam delete-policy-version --policy-arn "$ARN" --version-id v5
aws iam delete-policy-version --policy-arn "$ARN" --version-id v1
expect "versions" "v2 v3 v4 v5" "$(aws iam list-policy-versions --policy-arn "$ARN" --query 'Versions[].VersionId' | tr '\t' ' ')"
expect "get-policy-version" "V3" "$(aws iam get-policy-version --policy-arn "$ARN" --version-id v3 --query 'PolicyVersion.Document.Statement[0].Sid')"
aws iam attach-user-policy --user-name ci --policy-arn "$ARN"
aws iam attach-user-policy --user-name ci --policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly
expect "attachment count" "1" "$(aws iam get-policy --policy-arn "$ARN" --query Policy.AttachmentCount)"
expect_error "delete an attached policy" DeleteConflict aws iam delete-policy --policy-arn "$ARN"
expect_error "attach a policy that does not exist" NoSuchEntity aws iam attach-user-policy --user-name ci --policy-arn arn:aws:iam::aws:policy/Nope
expect "AWS managed policy" "AmazonECSTaskExecutionRolePolicy" "$(aws iam get-policy --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy --query Policy.PolicyName)"
expect "list-attached-user-policies" "2" "$(aws iam list-attached-user-policies --user-name ci --query 'length(AttachedPolicies)')"
expect "paging (Marker) through the CLI's paginator" "12" "$(aws iam list-policies --scope AWS --page-size 2 --query 'Policies[].PolicyName' | wc -w)"

# the simulator
expect "simulate allowed" "allowed" "$(aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::000000000000:user/ci --action-names ecs:UpdateService --resource-arns arn:aws:ecs:us-east-1:000000000000:service/prod/web --query 'EvaluationResults[0].EvalDecision')"
expect "simulate implicit deny" "implicitDeny" "$(aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::000000000000:user/ci --action-names ecs:DeleteCluster --query 'EvaluationResults[0].EvalDecision')"
expect "simulate custom explicit deny" "explicitDeny" "$(aws iam simulate-custom-policy --policy-input-list '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ecs:Delete*","Resource":"*"}]}' --action-names ecs:DeleteCluster --query 'EvaluationResults[0].EvalDecision')"

# roles and STS
cat > "$W/trust.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::000000000000:user/ci"}, "Action": "sts:AssumeRole",
  "Condition": {"StringEquals": {"sts:ExternalId": "xyz"}}}]}
JSON
ROLE="$(aws iam create-role --role-name app --assume-role-policy-document "file://$W/trust.json" --max-session-duration 7200 --query Role.Arn)"
expect "role arn" "arn:aws:iam::000000000000:role/app" "$ROLE"
case "$(aws iam get-role --role-name app --query Role.RoleId)" in AROA*) echo "ok - role id AROA...";; *) fail "role id";; esac
expect "trust policy decoded" "xyz" "$(aws iam get-role --role-name app --query 'Role.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals."sts:ExternalId"')"
expect_error "a trust policy with Resource" MalformedPolicyDocument aws iam create-role --role-name bad --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}'
expect_error "nothing half-created (role)" NoSuchEntity aws iam get-role --role-name bad
expect_error "assume-role without the external id" AccessDenied ci sts assume-role --role-arn "$ROLE" --role-session-name s1
expect_error "assume-role by another user" AccessDenied aws sts assume-role --role-arn "$ROLE" --role-session-name s1
expect_error "assume-role longer than MaxSessionDuration" ValidationError ci sts assume-role --role-arn "$ROLE" --role-session-name s1 --external-id xyz --duration-seconds 7201
CREDS="$(ci sts assume-role --role-arn "$ROLE" --role-session-name s1 --external-id xyz --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')"
S_ID="$(echo "$CREDS" | cut -f1)"; S_SECRET="$(echo "$CREDS" | cut -f2)"; S_TOKEN="$(echo "$CREDS" | cut -f3)"
case "$S_ID" in ASIA*) echo "ok - temporary key ASIA...";; *) fail "session key $S_ID";; esac
app() { AWS_ACCESS_KEY_ID="$S_ID" AWS_SECRET_ACCESS_KEY="$S_SECRET" AWS_SESSION_TOKEN="$S_TOKEN" AWS_SHARED_CREDENTIALS_FILE=/dev/null aws "$@"; }
expect "assumed-role identity" "arn:aws:sts::000000000000:assumed-role/app/s1" "$(app sts get-caller-identity --query Arn)"
case "$(app sts get-caller-identity --query UserId)" in AROA*:s1) echo "ok - UserId AROA...:s1";; *) fail "session user id";; esac
expect_error "a wrong session token" InvalidClientTokenId env AWS_ACCESS_KEY_ID="$S_ID" AWS_SECRET_ACCESS_KEY="$S_SECRET" AWS_SESSION_TOKEN="nope" AWS_SHARED_CREDENTIALS_FILE=/dev/null "$AWS" --endpoint-url "$ENDPOINT" sts get-caller-identity
expect_error "a session key without its token" InvalidClientTokenId env AWS_ACCESS_KEY_ID="$S_ID" AWS_SECRET_ACCESS_KEY="$S_SECRET" AWS_SHARED_CREDENTIALS_FILE=/dev/null "$AWS" --endpoint-url "$ENDPOINT" sts get-caller-identity
expect "the role was used" "us-east-1" "$(aws iam get-role --role-name app --query Role.RoleLastUsed.Region)"
expect_error "GetSessionToken with session credentials" AccessDenied app sts get-session-token
expect_error "root may not assume roles" AccessDenied aws sts assume-role --role-arn "$ROLE" --role-session-name s2
T="$(ci sts get-session-token --duration-seconds 900 --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')"
expect "get-session-token keeps the user" "arn:aws:iam::000000000000:user/ci" "$(AWS_ACCESS_KEY_ID="$(echo "$T" | cut -f1)" AWS_SECRET_ACCESS_KEY="$(echo "$T" | cut -f2)" AWS_SESSION_TOKEN="$(echo "$T" | cut -f3)" AWS_SHARED_CREDENTIALS_FILE=/dev/null aws sts get-caller-identity --query Arn)"
expect "get-access-key-info" "000000000000" "$(aws sts get-access-key-info --access-key-id "$CI_ID" --query Account)"

# instance profiles, the ECS service-linked role, boundaries
aws iam create-instance-profile --instance-profile-name agents >/dev/null
aws iam add-role-to-instance-profile --instance-profile-name agents --role-name app
expect "instance profile role" "app" "$(aws iam get-instance-profile --instance-profile-name agents --query 'InstanceProfile.Roles[0].RoleName')"
expect_error "delete a role in an instance profile" DeleteConflict aws iam delete-role --role-name app
expect "service-linked role" "/aws-service-role/ecs.amazonaws.com/" "$(aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com --query Role.Path)"
expect_error "service-linked role is protected" UnmodifiableEntity aws iam delete-role --role-name AWSServiceRoleForECS
aws iam put-user-permissions-boundary --user-name ci --permissions-boundary arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser
expect "boundary" "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser" "$(aws iam get-user --user-name ci --query User.PermissionsBoundary.PermissionsBoundaryArn)"
expect "boundary limits the simulation" "implicitDeny" "$(aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::000000000000:user/ci --action-names ecs:UpdateService --resource-arns arn:aws:ecs:us-east-1:000000000000:service/prod/web --query 'EvaluationResults[0].EvalDecision')"
expect "authorization details" "ci" "$(aws iam get-account-authorization-details --filter User --query 'UserDetailList[?UserName==`ci`].UserName')"

# OIDC providers
OIDC="$(aws iam create-open-id-connect-provider --url https://token.actions.example.com --client-id-list sts.amazonaws.com --thumbprint-list 0123456789abcdef0123456789abcdef01234567 --query OpenIDConnectProviderArn)"
expect "oidc arn" "arn:aws:iam::000000000000:oidc-provider/token.actions.example.com" "$OIDC"
expect "oidc client ids" "sts.amazonaws.com" "$(aws iam get-open-id-connect-provider --open-id-connect-provider-arn "$OIDC" --query 'ClientIDList')"
aws iam delete-open-id-connect-provider --open-id-connect-provider-arn "$OIDC"
expect_error "oidc deleted" NoSuchEntity aws iam get-open-id-connect-provider --open-id-connect-provider-arn "$OIDC"

# clean up in IAM's order
aws iam delete-user-policy --user-name ci --policy-name deploy
expect_error "delete a user with keys" DeleteConflict aws iam delete-user --user-name ci
aws iam delete-user --user-name deployer
echo "ok - iam done"
