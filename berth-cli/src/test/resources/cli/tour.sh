#!/usr/bin/env bash
# The README's tour, run with the real AWS CLI against a running Berth server, with checks.
# Needs what lib.sh needs (ENDPOINT, AWS_SHARED_CREDENTIALS_FILE, AWS).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

expect "caller identity" "000000000000" "$(aws sts get-caller-identity --query Account)"

aws ecs create-cluster --cluster-name demo --tags key=team,value=web >/dev/null
expect "list-clusters" "arn:aws:ecs:us-east-1:000000000000:cluster/demo" \
  "$(aws ecs list-clusters --query 'clusterArns[?contains(@, `demo`)] | [0]')"
expect "describe-clusters with tags" "web" \
  "$(aws ecs describe-clusters --clusters demo --include TAGS --query 'clusters[0].tags[0].value')"

cat > "$work/web.json" <<'JSON'
{
  "family": "web",
  "containerDefinitions": [{
    "name": "web", "image": "127.0.0.1:4566/web:1", "memory": 128, "essential": true,
    "portMappings": [{"containerPort": 80}],
    "environment": [{"name": "MODE", "value": "tour"}]
  }]
}
JSON
expect "register revision 1" "1" "$(aws ecs register-task-definition --cli-input-json "file://$work/web.json" --query taskDefinition.revision)"
expect "register revision 2" "2" "$(aws ecs register-task-definition --cli-input-json "file://$work/web.json" --query taskDefinition.revision)"
expect "describe latest" "2" "$(aws ecs describe-task-definition --task-definition web --query taskDefinition.revision)"
expect "environment round-trips" "tour" \
  "$(aws ecs describe-task-definition --task-definition web:1 --query 'taskDefinition.containerDefinitions[0].environment[0].value')"
expect "list DESC" "arn:aws:ecs:us-east-1:000000000000:task-definition/web:2" \
  "$(aws ecs list-task-definitions --family-prefix web --sort DESC --query 'taskDefinitionArns[0]')"
expect "deregister" "INACTIVE" "$(aws ecs deregister-task-definition --task-definition web:1 --query taskDefinition.status)"
expect "families" "web" "$(aws ecs list-task-definition-families --family-prefix we --query 'families[0]')"

aws ecs tag-resource --resource-arn arn:aws:ecs:us-east-1:000000000000:cluster/demo --tags key=env,value=dev
expect "tags after tag-resource" "2" \
  "$(aws ecs list-tags-for-resource --resource-arn arn:aws:ecs:us-east-1:000000000000:cluster/demo --query 'length(tags)')"

# Errors come back with ECS's codes, and the CLI exits non-zero.
if out="$(aws ecs describe-task-definition --task-definition nope 2>&1)"; then fail "describe of a missing task definition succeeded"; fi
case "$out" in *ClientException*"Unable to describe task definition."*) echo "ok - missing task definition error";; *) fail "unexpected error: $out";; esac
if out="$(aws ecs delete-cluster --cluster nope 2>&1)"; then fail "delete of a missing cluster succeeded"; fi
case "$out" in *ClusterNotFoundException*) echo "ok - missing cluster error";; *) fail "unexpected error: $out";; esac

expect "delete-cluster" "INACTIVE" "$(aws ecs delete-cluster --cluster demo --query cluster.status)"

# Files for tasks live in Berth's S3-compatible endpoint (environmentFiles), managed with aws s3.
printf 'MODE=tour\n' > "$work/app.env"
expect "s3 mb" "make_bucket: tour-config" "$(aws s3 mb s3://tour-config)"
aws s3 cp "$work/app.env" s3://tour-config/app.env >/dev/null
expect "s3 ls" "app.env" "$(aws s3 ls s3://tour-config/ | awk '{print $4}')"
expect "s3 cp back" "MODE=tour" "$(aws s3 cp s3://tour-config/app.env -)"
echo "tour complete"
