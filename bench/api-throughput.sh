#!/usr/bin/env bash
# Signed API throughput/latency and start-up time of `berth server` (issue: foundation).
# Usage: bench/api-throughput.sh [callers=16] [seconds=30]
# Builds what it needs, starts a fresh server on a free port with a temporary data dir, measures,
# stops it. Prints a markdown table to paste into docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
callers="${1:-16}"; seconds="${2:-30}"
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -DskipTests install >/dev/null
mvn -B -q -pl berth-cli dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp >/dev/null
cp="berth-cli/target/test-classes:berth-cli/target/classes:$(cat berth-cli/target/bench.cp)"
data="$(mktemp -d)"; port=$(( 20000 + RANDOM % 20000 ))
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$data"' EXIT

# Start-up: first start (creates the store and key), then 5 restarts on the existing data dir.
# `startup` sets $pid and $ms (milliseconds from launch to a 200 from /_berth/health).
startup() {
  local t0 t1
  t0=$(date +%s%N)
  bin/berth server --port "$port" --data-dir "$data" >"$data/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/_berth/health" >/dev/null; do sleep 0.01; done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
startup; first=$ms; stop
restarts=()
for i in 1 2 3 4 5; do startup; restarts+=("$ms"); stop; done
echo "start-up to healthy: first start ${first} ms; restarts ${restarts[*]} ms"

startup
key=$(awk -F' = ' '/aws_access_key_id/ {print $2}' "$data/credentials")
secret=$(awk -F' = ' '/aws_secret_access_key/ {print $2}' "$data/credentials")
echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(date -u +%F)"
"$java" -cp "$cp" dev.berth.bench.ApiBenchmark "http://127.0.0.1:$port" "$key" "$secret" "$callers" "$seconds"
