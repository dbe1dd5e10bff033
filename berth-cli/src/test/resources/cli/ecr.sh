#!/usr/bin/env bash
# The registry's ECR API, run with the real AWS CLI against a running Berth server, with checks.
# Needs what lib.sh needs (ENDPOINT, AWS_SHARED_CREDENTIALS_FILE, AWS).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
registry="${ENDPOINT#http://}"

expect "create-repository" "$registry/web" \
  "$(aws ecr create-repository --repository-name web --image-tag-mutability IMMUTABLE --tags Key=team,Value=web \
       --query repository.repositoryUri)"
expect "describe-repositories" "IMMUTABLE	AES256" \
  "$(aws ecr describe-repositories --repository-names web \
       --query 'repositories[0].[imageTagMutability,encryptionConfiguration.encryptionType]')"
expect_error "create twice" RepositoryAlreadyExistsException aws ecr create-repository --repository-name web
expect_error "bad name" InvalidParameterException aws ecr create-repository --repository-name Web
expect_error "describe missing" RepositoryNotFoundException aws ecr describe-repositories --repository-names nope

for n in a b c; do aws ecr create-repository --repository-name "team/$n" >/dev/null; done
expect "pagination (page size 1, the CLI follows nextToken)" "4" \
  "$(aws ecr describe-repositories --page-size 1 --query 'repositories[].repositoryName' | wc -w | tr -d ' ')"

arn="arn:aws:ecr:us-east-1:000000000000:repository/web"
aws ecr tag-resource --resource-arn "$arn" --tags Key=env,Value=dev
expect "list-tags-for-resource" "env=dev team=web" \
  "$(aws ecr list-tags-for-resource --resource-arn "$arn" --query 'sort_by(tags,&Key)[].join(`=`,[Key,Value])' | tr '\t' ' ')"
aws ecr untag-resource --resource-arn "$arn" --tag-keys team
expect "untag-resource" "env" "$(aws ecr list-tags-for-resource --resource-arn "$arn" --query 'tags[].Key')"

expect "put-image-tag-mutability" "MUTABLE" \
  "$(aws ecr put-image-tag-mutability --repository-name web --image-tag-mutability MUTABLE --query imageTagMutability)"
expect "put-image-scanning-configuration" "True" \
  "$(aws ecr put-image-scanning-configuration --repository-name web --image-scanning-configuration scanOnPush=true \
       --query imageScanningConfiguration.scanOnPush)"

cat > "$work/repo-policy.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}
JSON
aws ecr set-repository-policy --repository-name web --policy-text "file://$work/repo-policy.json" >/dev/null
expect "get-repository-policy" "pull" \
  "$(aws ecr get-repository-policy --repository-name web --query policyText | python3 -c 'import json,sys; print(json.load(sys.stdin)["Statement"][0]["Sid"])')"
expect_error "invalid repository policy" InvalidParameterException \
  aws ecr set-repository-policy --repository-name web --policy-text '{"Statement":[]}'

cat > "$work/policy.json" <<'JSON'
{"rules": [
  {"rulePriority": 1, "description": "keep the last 10 release images",
   "selection": {"tagStatus": "tagged", "tagPatternList": ["release-*"], "countType": "imageCountMoreThan", "countNumber": 10},
   "action": {"type": "expire"}},
  {"rulePriority": 2, "description": "untagged images go after a day",
   "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1},
   "action": {"type": "expire"}}]}
JSON
expect "put-lifecycle-policy" "web" \
  "$(aws ecr put-lifecycle-policy --repository-name web --lifecycle-policy-text "file://$work/policy.json" --query repositoryName)"
expect "get-lifecycle-policy" "2" \
  "$(aws ecr get-lifecycle-policy --repository-name web --query lifecyclePolicyText | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rules"]))')"
aws ecr start-lifecycle-policy-preview --repository-name web >/dev/null
aws ecr wait lifecycle-policy-preview-complete --repository-name web
expect "get-lifecycle-policy-preview" "COMPLETE	0" \
  "$(aws ecr get-lifecycle-policy-preview --repository-name web --query '[status,summary.expiringImageTotalCount]')"
sed 's/"countUnit": "days", //' "$work/policy.json" > "$work/bad-policy.json"
if out="$(aws ecr put-lifecycle-policy --repository-name web --lifecycle-policy-text "file://$work/bad-policy.json" 2>&1)"; then
  fail "a policy without countUnit was accepted"; fi
case "$out" in *InvalidParameterException*"countUnit is required"*) echo "ok - invalid lifecycle policy";; *) fail "unexpected: $out";; esac
aws ecr delete-lifecycle-policy --repository-name web >/dev/null
expect_error "lifecycle policy deleted" LifecyclePolicyNotFoundException aws ecr get-lifecycle-policy --repository-name web

password="$(aws ecr get-login-password)"
[ -n "$password" ] || fail "empty login password"
case "$password" in *:*) fail "the password contains a colon";; *) echo "ok - get-login-password";; esac
# the password is what docker login needs (a private config directory: nothing of the user's changes)
command -v docker >/dev/null || fail "docker is needed for docker login (scripts/test installs docker.io)"
login="$(printf '%s' "$password" | docker --config "$work/docker" login --username AWS --password-stdin "$registry" 2>&1)" \
  || fail "docker login with get-login-password: $login"
echo "ok - docker login --username AWS --password-stdin $registry"
printf 'wrong' | docker --config "$work/docker" login --username AWS --password-stdin "$registry" >/dev/null 2>&1 \
  && fail "docker login accepted a wrong password"
echo "ok - docker login refuses a wrong password"
token="$(aws ecr get-authorization-token --query 'authorizationData[0].authorizationToken' | base64 -d)"
case "$token" in AWS:*:*) fail "a colon inside the password: $token";; AWS:?*) echo "ok - get-authorization-token";;
  *) fail "the token is not base64(AWS:<password>): $token";; esac
expect "proxy endpoint" "$ENDPOINT" "$(aws ecr get-authorization-token --query 'authorizationData[0].proxyEndpoint')"
expect "describe-registry" "000000000000" "$(aws ecr describe-registry --query registryId)"

expect "delete-repository --force" "web" "$(aws ecr delete-repository --repository-name web --force --query repository.repositoryName)"
expect_error "deleted" RepositoryNotFoundException aws ecr describe-repositories --repository-names web
echo "ecr tour complete"
