#!/usr/bin/env bash
# KMS, SSM Parameter Store and Secrets Manager with the real AWS CLI against a running Berth server.
# Needs what lib.sh needs (ENDPOINT, AWS_SHARED_CREDENTIALS_FILE, AWS).
# Prints hashes of secret values, never the values.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hash() { printf '%s' "$1" | sha256sum | cut -c1-16; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

# --- KMS -------------------------------------------------------------------------------------
key="$(aws kms create-key --description "cli test" --query KeyMetadata.KeyId)"
aws kms create-alias --alias-name alias/cli-test --target-key-id "$key"
expect "describe-key by alias" "$key" "$(aws kms describe-key --key-id alias/cli-test --query KeyMetadata.KeyId)"
expect "key is enabled" "Enabled" "$(aws kms describe-key --key-id "$key" --query KeyMetadata.KeyState)"
printf 'kms plaintext' > "$work/plain"
aws kms encrypt --key-id alias/cli-test --plaintext "fileb://$work/plain" --encryption-context app=cli \
  --query CiphertextBlob | base64 -d > "$work/blob"
expect "decrypt round-trip" "$(hash 'kms plaintext')" \
  "$(hash "$(aws kms decrypt --ciphertext-blob "fileb://$work/blob" --encryption-context app=cli --query Plaintext | base64 -d)")"
expect_error "decrypt with another encryption context" InvalidCiphertextException \
  aws kms decrypt --ciphertext-blob "fileb://$work/blob" --encryption-context app=other
expect "data key is 32 bytes" "32" \
  "$(aws kms generate-data-key --key-id "$key" --key-spec AES_256 --query Plaintext | base64 -d | wc -c | tr -d ' ')"
aws kms enable-key-rotation --key-id "$key"
expect "rotation enabled" "True" "$(aws kms get-key-rotation-status --key-id "$key" --query KeyRotationEnabled)"
aws kms disable-key --key-id "$key"
expect_error "encrypt with a disabled key" DisabledException aws kms encrypt --key-id "$key" --plaintext "fileb://$work/plain"
aws kms enable-key --key-id "$key"
expect_error "describe a missing key" NotFoundException aws kms describe-key --key-id alias/none
expect_error "reserved alias" InvalidAliasNameException aws kms create-alias --alias-name alias/aws/mine --target-key-id "$key"

# --- SSM Parameter Store --------------------------------------------------------------------
expect "put String" "1" "$(aws ssm put-parameter --name /cli/app/url --value https://example --type String --query Version)"
expect "put SecureString (default key)" "1" \
  "$(aws ssm put-parameter --name /cli/app/password --value 'pa55-word' --type SecureString --query Version)"
expect "put SecureString (own key)" "1" \
  "$(aws ssm put-parameter --name /cli/app/token --value 'tok-123' --type SecureString --key-id alias/cli-test --query Version)"
aws ssm put-parameter --name /cli/app/list --value a,b,c --type StringList >/dev/null
expect_error "put an existing name without --overwrite" ParameterAlreadyExists \
  aws ssm put-parameter --name /cli/app/url --value x --type String
expect "overwrite makes version 2" "2" "$(aws ssm put-parameter --name /cli/app/url --value https://two --overwrite --query Version)"
expect "get-parameter" "https://two" "$(aws ssm get-parameter --name /cli/app/url --query Parameter.Value)"
expect "name:version selector" "https://example" "$(aws ssm get-parameter --name /cli/app/url:1 --query Parameter.Value)"
aws ssm label-parameter-version --name /cli/app/url --parameter-version 1 --labels stable >/dev/null
expect "name:label selector" "https://example" "$(aws ssm get-parameter --name /cli/app/url:stable --query Parameter.Value)"
expect "SecureString decrypted" "$(hash pa55-word)" \
  "$(hash "$(aws ssm get-parameter --name /cli/app/password --with-decryption --query Parameter.Value)")"
[ "$(aws ssm get-parameter --name /cli/app/password --query Parameter.Value)" != "pa55-word" ] || fail "SecureString returned in clear without --with-decryption"
echo "ok - SecureString not in clear without decryption"
expect "own key SecureString decrypted" "$(hash tok-123)" \
  "$(hash "$(aws ssm get-parameter --name /cli/app/token --with-decryption --query Parameter.Value)")"
expect "get-parameters reports invalid names" "/cli/nope" \
  "$(aws ssm get-parameters --names /cli/app/url /cli/nope --query 'InvalidParameters[0]')"
expect "by path, recursive" "4" "$(aws ssm get-parameters-by-path --path /cli --recursive --query 'length(Parameters)')"
expect "by path, one level" "0" "$(aws ssm get-parameters-by-path --path /cli --query 'length(Parameters)')"
expect "by path with a Type filter" "/cli/app/password	/cli/app/token" \
  "$(aws ssm get-parameters-by-path --path /cli/app --parameter-filters Key=Type,Values=SecureString --query 'Parameters[].Name')"
expect "describe with a Name filter" "/cli/app/list" \
  "$(aws ssm describe-parameters --parameter-filters Key=Name,Option=BeginsWith,Values=/cli/app/l --query 'Parameters[].Name')"
expect "history" "1	2" "$(aws ssm get-parameter-history --name /cli/app/url --query 'Parameters[].Version')"
expect_error "reserved prefix" ValidationException aws ssm put-parameter --name /aws/mine --value x --type String
expect_error "16 levels" HierarchyLevelLimitExceededException \
  aws ssm put-parameter --name /a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p --value x --type String
expect_error "standard tier value limit" ValidationException \
  aws ssm put-parameter --name /cli/big --value "$(head -c 4097 /dev/zero | tr '\0' x)" --type String
expect "advanced tier takes 8 KB" "Advanced" \
  "$(aws ssm put-parameter --name /cli/big --value "$(head -c 8000 /dev/zero | tr '\0' x)" --type String --tier Advanced --query Tier)"
expect_error "missing parameter" ParameterNotFound aws ssm get-parameter --name /cli/nope
expect_error "missing version" ParameterVersionNotFound aws ssm get-parameter --name /cli/app/url:9
expect "delete-parameters" "/cli/big" "$(aws ssm delete-parameters --names /cli/big --query 'DeletedParameters[0]')"

# --- Secrets Manager ------------------------------------------------------------------------
arn="$(aws secretsmanager create-secret --name cli/db --secret-string '{"username":"app","password":"s3cret"}' \
  --tags Key=team,Value=cli --query ARN)"
case "$arn" in arn:aws:secretsmanager:us-east-1:000000000000:secret:cli/db-??????) echo "ok - ARN has the random suffix";;
  *) fail "unexpected ARN $arn";; esac
expect "get by name" "$(hash '{"username":"app","password":"s3cret"}')" \
  "$(hash "$(aws secretsmanager get-secret-value --secret-id cli/db --query SecretString)")"
expect "get by partial ARN" "$arn" "$(aws secretsmanager get-secret-value --secret-id "${arn%-*}" --query ARN)"
v2="$(aws secretsmanager put-secret-value --secret-id "$arn" --secret-string '{"username":"app","password":"n3w"}' --query VersionId)"
expect "new version is AWSCURRENT" "$v2" "$(aws secretsmanager get-secret-value --secret-id cli/db --query VersionId)"
expect "old version is AWSPREVIOUS" "$(hash '{"username":"app","password":"s3cret"}')" \
  "$(hash "$(aws secretsmanager get-secret-value --secret-id cli/db --version-stage AWSPREVIOUS --query SecretString)")"
expect "describe shows two staged versions" "2" \
  "$(aws secretsmanager describe-secret --secret-id cli/db --query 'length(keys(VersionIdsToStages))')"
token="0123456789abcdef0123456789abcdef"
aws secretsmanager put-secret-value --secret-id cli/db --secret-string again --client-request-token "$token" >/dev/null
aws secretsmanager put-secret-value --secret-id cli/db --secret-string again --client-request-token "$token" >/dev/null
echo "ok - repeating a request with the same token is accepted"
expect_error "same token, another value" ResourceExistsException \
  aws secretsmanager put-secret-value --secret-id cli/db --secret-string other --client-request-token "$token"
expect "list-secrets with a name filter" "cli/db" "$(aws secretsmanager list-secrets --filters Key=name,Values=cli/ --query 'SecretList[].Name')"
expect "random password length" "24" \
  "$(aws secretsmanager get-random-password --password-length 24 --exclude-punctuation --query RandomPassword | tr -d '\n' | wc -c | tr -d ' ')"
expect_error "create an existing secret" ResourceExistsException aws secretsmanager create-secret --name cli/db --secret-string x
expect_error "recovery window below 7 days" InvalidParameterException \
  aws secretsmanager delete-secret --secret-id cli/db --recovery-window-in-days 6
aws secretsmanager delete-secret --secret-id cli/db --recovery-window-in-days 7 >/dev/null
expect_error "get a secret marked for deletion" InvalidRequestException aws secretsmanager get-secret-value --secret-id cli/db
aws secretsmanager restore-secret --secret-id cli/db >/dev/null
expect "restored" "$v2" "$(aws secretsmanager get-secret-value --secret-id cli/db --version-stage AWSPREVIOUS --query VersionId)"
aws secretsmanager delete-secret --secret-id cli/db --force-delete-without-recovery >/dev/null
expect_error "force-deleted secret is gone" ResourceNotFoundException aws secretsmanager describe-secret --secret-id cli/db
echo "secrets complete"
