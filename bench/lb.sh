#!/usr/bin/env bash
# Load balancer data plane throughput/latency (issue 7): one fixed backend (nginx, 1 worker,
# a 100-byte body) measured directly, through Berth's ALB, through HAProxy and through nginx as
# equivalent HTTP reverse proxies (keep-alive to the backend), and the same backend behind
# Berth's NLB and HAProxy in TCP mode. wrk -t2 -c50 -d15s --latency for each, in one run.
# Usage: bench/lb.sh [seconds=15] [connections=50]
# Needs wrk, haproxy, nginx (apt-get install -y wrk haproxy nginx). Everything listens on
# addresses of $LB_NET (default 127.0.2, the lb helper's loopback block), nothing on port 80,
# configs and logs live in a temporary directory that is removed at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-15}"; conns="${2:-50}"
net="${LB_NET:-127.0.2}"
backend="$net.240"; hap="$net.241"; ngx="$net.242"
for tool in wrk haproxy nginx curl; do command -v "$tool" >/dev/null || { echo "bench/lb.sh needs $tool" >&2; exit 1; }; done
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
tmp="$(mktemp -d)"; pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(( 20000 + RANDOM % 20000 ))

# The backend: nginx, one worker, a fixed 100-byte body.
body="$(head -c 100 /dev/zero | tr '\0' 'b')"
cat >"$tmp/backend.conf" <<CONF
worker_processes 1; daemon off; pid $tmp/backend.pid; error_log $tmp/backend.err;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen $backend:$((port+1)); location / { default_type text/plain; return 200 "$body"; } } }
CONF
nginx -c "$tmp/backend.conf" -p "$tmp" & pids+=($!)

# HAProxy: HTTP mode, keep-alive to the backend, one thread; and TCP mode for the NLB comparison.
cat >"$tmp/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 4000
defaults
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend http_in
  mode http
  bind $hap:$((port+2))
  default_backend http_out
backend http_out
  mode http
  http-reuse always
  server b1 $backend:$((port+1))
frontend tcp_in
  mode tcp
  bind $hap:$((port+3))
  default_backend tcp_out
backend tcp_out
  mode tcp
  server b1 $backend:$((port+1))
CONF
haproxy -f "$tmp/haproxy.cfg" -db >"$tmp/haproxy.log" 2>&1 & pids+=($!)

# nginx as a reverse proxy: one worker, an upstream keep-alive pool.
cat >"$tmp/proxy.conf" <<CONF
worker_processes 1; daemon off; pid $tmp/proxy.pid; error_log $tmp/proxy.err;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream b { server $backend:$((port+1)); keepalive 64; }
  server { listen $ngx:$((port+4));
    location / { proxy_pass http://b; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
nginx -c "$tmp/proxy.conf" -p "$tmp" & pids+=($!)

# Berth: a fresh server whose load balancers take addresses from $net.100-$net.120.
bin/berth server --no-agent --bind "$net.1" --port "$port" --data-dir "$tmp/berth" --lb-addresses "$net.100-$net.120" \
  >"$tmp/berth.log" 2>&1 & pids+=($!)
until curl -sf "http://$net.1:$port/_berth/health" >/dev/null; do sleep 0.2; done
export AWS_SHARED_CREDENTIALS_FILE="$tmp/berth/credentials" AWS_DEFAULT_REGION=us-east-1
aws=(/usr/bin/aws --endpoint-url "http://$net.1:$port")
alb=$("${aws[@]}" elbv2 create-load-balancer --name bench-alb --query 'LoadBalancers[0].[LoadBalancerArn,DNSName]' --output text)
nlb=$("${aws[@]}" elbv2 create-load-balancer --name bench-nlb --type network --query 'LoadBalancers[0].[LoadBalancerArn,DNSName]' --output text)
tg=$("${aws[@]}" elbv2 create-target-group --name bench-http --protocol HTTP --port $((port+1)) --target-type ip \
  --query 'TargetGroups[0].TargetGroupArn' --output text)
tgt=$("${aws[@]}" elbv2 create-target-group --name bench-tcp --protocol TCP --port $((port+1)) --target-type ip \
  --query 'TargetGroups[0].TargetGroupArn' --output text)
"${aws[@]}" elbv2 register-targets --target-group-arn "$tg" --targets "Id=$backend" >/dev/null
"${aws[@]}" elbv2 register-targets --target-group-arn "$tgt" --targets "Id=$backend" >/dev/null
"${aws[@]}" elbv2 create-listener --load-balancer-arn "${alb%%	*}" --protocol HTTP --port $((port+5)) \
  --default-actions "Type=forward,TargetGroupArn=$tg" >/dev/null
"${aws[@]}" elbv2 create-listener --load-balancer-arn "${nlb%%	*}" --protocol TCP --port $((port+6)) \
  --default-actions "Type=forward,TargetGroupArn=$tgt" >/dev/null
albhost="${alb##*	}"; nlbhost="${nlb##*	}"
until [ "$("${aws[@]}" elbv2 describe-target-health --target-group-arn "$tg" --query 'TargetHealthDescriptions[0].TargetHealth.State' --output text)" = healthy ]; do sleep 0.5; done
until [ "$("${aws[@]}" elbv2 describe-target-health --target-group-arn "$tgt" --query 'TargetHealthDescriptions[0].TargetHealth.State' --output text)" = healthy ]; do sleep 0.5; done
for u in "$backend:$((port+1))" "$albhost:$((port+5))" "$hap:$((port+2))" "$ngx:$((port+4))" "$nlbhost:$((port+6))" "$hap:$((port+3))"; do
  [ "$(curl -s "http://$u/")" = "$body" ] || { echo "no 100-byte answer from $u" >&2; exit 1; }
done

echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(date -u '+%F %H:%M UTC')"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "berth $(grep -o 'network transport: .*' "$tmp/berth.log" | head -1 || echo 'network transport: not logged')"
# warm-up for the JIT (not measured)
wrk -t2 -c"$conns" -d10s "http://$albhost:$((port+5))/" >/dev/null
wrk -t2 -c"$conns" -d10s "http://$nlbhost:$((port+6))/" >/dev/null
echo
echo "| wrk -t2 -c$conns -d${seconds}s, 100-byte body | requests/s | p50 ms | p99 ms | vs direct | vs HAProxy |"
echo "|---|---|---|---|---|---|"
declare -A rps
run() { # name, url, peer-name-for-ratio
  local out
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency "$2")
  if echo "$out" | grep -q -E "Non-2xx|Socket errors"; then echo "wrk saw errors for $1:" >&2; echo "$out" >&2; fi
  rps[$1]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  echo "$out" | awk -v name="$1" -v direct="${rps[direct]:-0}" -v peer="${rps[$3]:-0}" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} /Requests\/sec/ {rps=$2}
    END {
      d = "1.00x"; if (direct > 0) d = sprintf("%.2fx", rps / direct)
      p = "-"; if (peer > 0) p = sprintf("%.2fx", rps / peer)
      printf "| %s | %.0f | %.2f | %.2f | %s | %s |\n", name, rps, p50, p99, d, p
    }'
}
run direct "http://$backend:$((port+1))/" none
run haproxy-http "http://$hap:$((port+2))/" none
run berth-alb "http://$albhost:$((port+5))/" haproxy-http
run nginx-proxy "http://$ngx:$((port+4))/" haproxy-http
run haproxy-tcp "http://$hap:$((port+3))/" none
run berth-nlb "http://$nlbhost:$((port+6))/" haproxy-tcp
echo
echo "load after: $(uptime | sed 's/.*load average/load average/')"
