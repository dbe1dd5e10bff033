#!/usr/bin/env bash
# RunTask → RUNNING latency of Berth's local agent on Docker, for 1 task and for a burst of 50
# (5 concurrent RunTask calls of count 10), against the floor measured in the same run: `docker run -d`
# of the same image, the same command and the same memory limit on the same Docker Engine.
# Usage: bench/run-task-latency.sh [single-runs=20]
# Builds what it needs, imports a busybox image (docker import of the host's /bin/busybox, as the
# integration tests do; nothing is pulled), starts `bin/berth server` on a free port with a temporary
# data dir and BERTH_IMAGE_PULL_BEHAVIOR=prefer-cached, measures, stops it and removes every container
# it started. Set BERTH_BENCH_SEPARATE_AGENT=0 to skip the burst on a separate `berth agent` process.
# Prints markdown tables to paste into docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-20}"
. bench/lib.sh
image="berth-bench/busybox:1"
cmd=(httpd -f -p 80 -h /tmp)   # the task definition's command (RunTaskLatencyBenchmark) and the floor's
label="dev.berth.bench=run-task-latency-$$"

mvn -B -q -DskipTests install >/dev/null
mvn -B -q -pl berth-cli dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp >/dev/null
cp="berth-cli/target/test-classes:berth-cli/target/classes:$(cat berth-cli/target/bench.cp)"

data="$(mktemp -d)"; port="$(bench_free_port)"
pid=""; agent_pid=""
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  local ids="" dir id
  for dir in "$data/agent" "$data/solo-agent"; do
    id="$(instance_of "$dir")"
    [ -n "$id" ] && ids="$ids $(docker ps -aq --filter "label=dev.berth.instance=$id")"
  done
  ids="$ids $(docker ps -aq --filter "label=$label")"
  # shellcheck disable=SC2086
  [ -n "${ids// /}" ] && docker rm -f $ids >/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

bench_busybox_image "$image" "$data"

echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u '+%F %H:%M') UTC"
echo "docker: $(docker version --format '{{.Server.Version}}'), java: $("$java" -version 2>&1 | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

BERTH_IMAGE_PULL_BEHAVIOR=prefer-cached bin/berth server --port "$port" --data-dir "$data" >"$data/server.log" 2>&1 &
pid=$!   # bin/berth execs java: this is the server JVM, which also runs the local agent
until curl -sf "http://127.0.0.1:$port/_berth/health" >/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$data/server.log"; exit 1; }
  sleep 0.05
done
key=$(awk -F' = ' '/aws_access_key_id/ {print $2}' "$data/credentials")
secret=$(awk -F' = ' '/aws_secret_access_key/ {print $2}' "$data/credentials")

# The floor, same engine, same image, command and memory limit, while the server idles.
now() { date +%s%N; }
floor=()
for i in $(seq 0 "$runs"); do   # run 0 is warm-up
  t0=$(now); id=$(docker run -d -m 16m --label "$label" "$image" "${cmd[@]}"); t1=$(now)
  [ "$i" -gt 0 ] && floor+=($(( (t1 - t0) / 1000000 )))
  docker rm -f "$id" >/dev/null
done
t0=$(now)
seq 50 | xargs -P8 -I{} docker run -d -m 16m --label "$label" "$image" "${cmd[@]}" >/dev/null
t1=$(now); floor50=$(( (t1 - t0) / 1000000 ))
running=$(docker ps -q --filter "label=$label" | wc -l)
docker ps -aq --filter "label=$label" | xargs -r docker rm -f >/dev/null
printf '%s\n' "${floor[@]}" | sort -n | awk -v n="$runs" -v p50="$floor50" -v r="$running" '
  {v[NR]=$1} function q(p) { i=int(p/100*NR+0.999); if (i<1) i=1; return v[i] }
  END {
    print ""
    print "| docker run -d (floor) | p50 ms | p95 ms | p99 ms | max ms |"
    print "|---|---|---|---|---|"
    printf "| sequential, %d runs | %d | %d | %d | %d |\n", n, q(50), q(95), q(99), v[NR]
    printf "\ndocker run -d ×50, xargs -P8: %d ms (%d running)\n\n", p50, r
  }'

echo "load average before Berth: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -cp "$cp" dev.berth.bench.RunTaskLatencyBenchmark "http://127.0.0.1:$port" "$key" "$secret" "$image" "$runs" \
  default "server JVM (with local agent)=$pid"

if [ "${BERTH_BENCH_SEPARATE_AGENT:-1}" = 1 ]; then
  # The same burst on a separate `berth agent` process (cluster solo), to see the agent's own RSS.
  echo
  echo "separate agent process:"
  BERTH_IMAGE_PULL_BEHAVIOR=prefer-cached bin/berth agent --server "http://127.0.0.1:$port" --cluster solo \
    --token-file "$data/join-token" --data-dir "$data/solo-agent" >"$data/agent.log" 2>&1 &
  agent_pid=$!
  "$java" -cp "$cp" dev.berth.bench.RunTaskLatencyBenchmark "http://127.0.0.1:$port" "$key" "$secret" "$image" 0 \
    solo "server JVM=$pid,berth agent JVM=$agent_pid"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
