# Shared by the AWS CLI test scripts in this directory (sourced, not run): the `aws` function
# pointed at the Berth server under test, and the checks. Needs ENDPOINT (http://127.0.0.1:port)
# and AWS_SHARED_CREDENTIALS_FILE; AWS names the CLI (default /usr/bin/aws). Each script's output
# is a list of "ok - ..." lines; the first failed check prints "FAIL: ..." and exits non-zero.
set -euo pipefail
AWS="${AWS:-/usr/bin/aws}"
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_CONFIG_FILE=/dev/null
aws() { "$AWS" --endpoint-url "$ENDPOINT" --output text "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect <description> <expected> <actual>
  [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
  echo "ok - $1"
}
expect_error() { # expect_error <description> <AWS error code> <command...>: the CLI prints "(Code)"
  local desc="$1" code="$2" out
  shift 2
  if out="$("$@" 2>&1)"; then fail "$desc: expected $code, the command succeeded: $out"; fi
  case "$out" in *"($code)"*) echo "ok - $desc ($code)";; *) fail "$desc: expected $code, got: $out";; esac
}
