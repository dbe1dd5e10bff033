#!/usr/bin/env bash
# A 50-replica service on Berth against Docker Swarm on the same Docker Engine, same image and command:
#   (a) create → all 50 RUNNING;  (b) roll all 50 to a new revision → steady.
# Berth: `berth server --no-agent` plus one `berth agent` (host IP 127.0.1.50), CreateService /
# UpdateService with ECS's defaults (min 100 %, max 200 %: all new tasks at once, old ones stop as new
# ones run). Swarm: `docker swarm init --advertise-addr 127.0.0.1`, `docker service create --replicas 50`
# and `docker service update --update-parallelism 50 --update-order start-first --update-delay 0s`
# (the same shape), images by ID with --no-resolve-image; both with a 2 s stop grace period. The swarm
# is left afterwards (`docker swarm leave --force`) and every container started is removed.
# Usage: bench/services.sh [rounds=1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-1}"
. bench/lib.sh
image="berth-bench/busybox:1"
name="berth-bench-svc-$$"

# Build in one reactor (no install: the shared ~/.m2 keeps whatever it holds) and take the test classpath.
rm -f berth-cli/target/berth.jar
mvn -B -q -o -DskipTests -pl berth-cli -am package dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$root/berth-cli/target/bench.cp" >/dev/null
cp="berth-cli/target/test-classes:berth-cli/target/classes:$(cat berth-cli/target/bench.cp)"

data="$(mktemp -d)"; port="$(bench_free_port)"
pid=""; agent_pid=""; swarm=0
cleanup() {
  [ "$swarm" = 1 ] && { docker service rm "$name" >/dev/null 2>&1 || true; docker swarm leave --force >/dev/null 2>&1 || true; }
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  local id; id="$(instance_of "$data/agent")"
  [ -n "$id" ] && docker ps -aq --filter "label=dev.berth.instance=$id" | xargs -r docker rm -f >/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

bench_busybox_image "$image" "$data"
image_id="$(docker image inspect -f '{{.Id}}' "$image")"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u '+%F %H:%M') UTC"
echo "docker: $(docker version --format '{{.Server.Version}}'), java: $("$java" -version 2>&1 | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
now() { date +%s%N; }

swarm_round() {
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null; swarm=1
  local t0 t1 t2 state
  t0=$(now)
  docker service create --detach --quiet --name "$name" --replicas 50 --no-resolve-image --stop-grace-period 2s \
    --env V=1 "$image_id" httpd -f -p 80 -h /tmp >/dev/null
  until [ "$(docker service ls --filter "name=$name" --format '{{.Replicas}}')" = "50/50" ]; do sleep 0.1; done
  t1=$(now)
  docker service update --detach --quiet --env-add V=2 --update-parallelism 50 --update-order start-first \
    --update-delay 0s --update-monitor 1ms "$name" >/dev/null
  t2=$(now)
  while :; do
    state="$(docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$name")"
    [ "$state" = completed ] && [ "$(docker service ls --filter "name=$name" --format '{{.Replicas}}')" = "50/50" ] && break
    sleep 0.1
  done
  echo "swarm create_ms=$(( (t1 - t0) / 1000000 )) update_ms=$(( ($(now) - t2) / 1000000 ))"
  docker service rm "$name" >/dev/null
  while [ -n "$(docker ps -q --filter "label=com.docker.swarm.service.name=$name")" ]; do sleep 0.2; done
  docker swarm leave --force >/dev/null; swarm=0
}

berth_round() {
  "$java" -cp "$cp" dev.berth.bench.ServiceRolloutBenchmark "http://127.0.0.1:$port" "$key" "$secret" "$image" bench \
    | sed 's/^/berth /'
}

bin/berth server --no-agent --port "$port" --data-dir "$data" >"$data/server.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/_berth/health" >/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$data/server.log"; exit 1; }
  sleep 0.05
done
key=$(awk -F' = ' '/aws_access_key_id/ {print $2}' "$data/credentials")
secret=$(awk -F' = ' '/aws_secret_access_key/ {print $2}' "$data/credentials")
AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret /usr/bin/aws --endpoint-url "http://127.0.0.1:$port" \
  --region us-east-1 ecs create-cluster --cluster-name bench >/dev/null
BERTH_IMAGE_PULL_BEHAVIOR=prefer-cached bin/berth agent --server "http://127.0.0.1:$port" --cluster bench \
  --host-ip 127.0.1.50 --token-file "$data/join-token" --data-dir "$data/agent" >"$data/agent.log" 2>&1 &
agent_pid=$!
sleep 3

for r in $(seq "$rounds"); do
  echo "round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
  swarm_round
  berth_round
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
