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
# bin/berth execs java, so $pid is the server JVM itself: the harness reads its CPU time.
"$java" -cp "$cp" dev.berth.bench.ApiBenchmark "http://127.0.0.1:$port" "$key" "$secret" "$callers" "$seconds" "$pid"

# The same operations replayed by wrk (one signed request, valid 15 minutes): the server's own
# capacity per signed call, without the SDK client's CPU on the same two cores.
if command -v wrk >/dev/null 2>&1; then
  echo
  echo "| wrk -t2 -c$callers -d${seconds}s | requests/s | p50 ms | p99 ms | server CPU µs/call |"
  echo "|---|---|---|---|---|"
  wrk_run() { # name, lua script or empty, path
    local name="$1" script="$2" out cpu0 cpu1 n
    cpu0=$(awk '{print $14+$15}' /proc/$pid/stat)
    if [ -n "$script" ]; then out=$(wrk -t2 -c"$callers" -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$port/")
    else out=$(wrk -t2 -c"$callers" -d"${seconds}s" --latency "http://127.0.0.1:$port/_berth/health"); fi
    cpu1=$(awk '{print $14+$15}' /proc/$pid/stat)
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    if echo "$out" | grep -q "Non-2xx"; then echo "wrk saw errors for $name:"; echo "$out"; exit 1; fi
    echo "$out" | awk -v name="$name" -v cpu=$(( (cpu1 - cpu0) * 10000 )) -v n="$n" '
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} /Requests\/sec/ {rps=$2}
      END {printf "| %s | %s | %.2f | %.2f | %.0f |\n", name, rps, p50, p99, cpu/n}'
  }
  lua_describe="$data/describe.lua"; lua_list="$data/list.lua"
  "$java" -cp "$cp" dev.berth.bench.SignedRequestScript "http://127.0.0.1:$port" "$key" "$secret" \
    AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition '{"taskDefinition":"bench"}' > "$lua_describe"
  "$java" -cp "$cp" dev.berth.bench.SignedRequestScript "http://127.0.0.1:$port" "$key" "$secret" \
    AmazonEC2ContainerServiceV20141113.ListClusters '{"maxResults":10}' > "$lua_list"
  wrk_run "GET /_berth/health (unsigned)" "" 
  wrk_run "DescribeTaskDefinition (signed)" "$lua_describe"
  wrk_run "ListClusters (signed)" "$lua_list"
fi
