#!/usr/bin/env bash
# GetSecretValue and GetParameter latency (p50/p99) under N concurrent signed callers (issue 8).
# Usage: bench/secrets.sh [callers=16] [seconds=20]
# Builds what it needs, starts a fresh server (no local agent) on a free port with a temporary data
# dir, measures with the AWS SDK v2 (SecretsBenchmark) and, when wrk is installed, with one signed
# request replayed by wrk, then stops it. Peers in the same run: unsigned /_berth/health and ECS
# DescribeTaskDefinition (signed, no decryption). Prints markdown tables for docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
callers="${1:-16}"; seconds="${2:-20}"
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -DskipTests install >/dev/null
mvn -B -q -o -pl berth-cli dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp >/dev/null
mvn -B -q -o -pl berth-cli test-compile >/dev/null
cp="berth-cli/target/test-classes:berth-cli/target/classes:$(cat berth-cli/target/bench.cp)"
data="$(mktemp -d)"; port=$(( 20000 + RANDOM % 20000 ))
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$data"' EXIT
bin/berth server --port "$port" --data-dir "$data" --no-agent >"$data/server.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/_berth/health" >/dev/null; do sleep 0.05; done
key=$(awk -F' = ' '/aws_access_key_id/ {print $2}' "$data/credentials")
secret=$(awk -F' = ' '/aws_secret_access_key/ {print $2}' "$data/credentials")
echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(date -u +%F)"
echo "load before: $(uptime)"
"$java" -cp "$cp" dev.berth.bench.SecretsBenchmark "http://127.0.0.1:$port" "$key" "$secret" "$callers" "$seconds" "$pid"
echo "load after: $(uptime)"

if command -v wrk >/dev/null 2>&1; then
  echo
  echo "| wrk -t2 -c$callers -d${seconds}s, one signed request replayed | requests/s | p50 ms | p99 ms |"
  echo "|---|---|---|---|"
  wrk_run() { # name, lua script or empty
    local name="$1" script="$2" out
    if [ -n "$script" ]; then out=$(wrk -t2 -c"$callers" -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$port/")
    else out=$(wrk -t2 -c"$callers" -d"${seconds}s" --latency "http://127.0.0.1:$port/_berth/health"); fi
    if echo "$out" | grep -q "Non-2xx"; then echo "wrk saw errors for $name:"; echo "$out"; exit 1; fi
    echo "$out" | awk -v name="$name" '
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} /Requests\/sec/ {rps=$2}
      END {printf "| %s | %s | %.2f | %.2f |\n", name, rps, p50, p99}'
  }
  script() { "$java" -cp "$cp" dev.berth.bench.SignedRequestScript "http://127.0.0.1:$port" "$key" "$secret" "$@"; }
  script AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition '{"taskDefinition":"bench"}' ecs > "$data/describe.lua"
  script AmazonSSM.GetParameter '{"Name":"/bench/secure","WithDecryption":true}' ssm > "$data/param.lua"
  script secretsmanager.GetSecretValue '{"SecretId":"bench/secret"}' secretsmanager > "$data/secret.lua"
  wrk_run "GET /_berth/health (unsigned, peer)" ""
  wrk_run "ECS DescribeTaskDefinition (signed, peer)" "$data/describe.lua"
  wrk_run "SSM GetParameter SecureString WithDecryption" "$data/param.lua"
  wrk_run "Secrets Manager GetSecretValue" "$data/secret.lua"
fi
