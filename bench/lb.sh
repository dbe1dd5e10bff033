#!/usr/bin/env bash
# Load balancer data plane throughput/latency (issue 7): one fixed backend (nginx, 1 worker,
# a 100-byte body) measured directly, through Berth's ALB, through HAProxy and through nginx as
# equivalent HTTP reverse proxies (keep-alive to the backend), and the same backend behind
# Berth's NLB and HAProxy in TCP mode. wrk -t2 -c50 -d15s --latency for each, in one run.
# The ALB uses io_uring where the kernel has it (the default); a third Berth with
# --lb-io-uring false gives the native-epoll row in the same run.
# Proxies are compared at the same number of threads: Berth's ALB with --lb-threads 1 against
# HAProxy nbthread 1 (and nginx with 1 worker), then --lb-threads 2 against HAProxy nbthread 2,
# with HAProxy and nginx adding the headers an ALB adds to each request (X-Forwarded-For, -Proto,
# -Port, X-Amzn-Trace-Id), so that they do the same work; a bare HAProxy row (no added headers)
# is kept for reference.
# Each row also reports the proxy process's CPU time (user + system, from /proc) per request.
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

# HAProxy: HTTP mode, keep-alive to the backend, one thread: bare, and adding the headers an ALB
# adds (X-Forwarded-For/-Proto/-Port, an X-Amzn-Trace-Id); and TCP mode for the NLB comparison.
haproxy_config() { # threads, then "bind-address:port" of the bare, the ALB-headers and the TCP frontend ("-" for none)
  cat <<CONF
global
  nbthread $1
  maxconn 4000
defaults
  timeout connect 5s
  timeout client 60s
  timeout server 60s
backend http_out
  mode http
  http-reuse always
  server b1 $backend:$((port+1))
backend tcp_out
  mode tcp
  server b1 $backend:$((port+1))
CONF
  [ "$2" = - ] || printf 'frontend http_in\n  mode http\n  bind %s\n  default_backend http_out\n' "$2"
  [ "$3" = - ] || cat <<CONF
frontend http_alb_headers
  mode http
  bind $3
  option forwardfor
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Port %[dst_port]
  http-request set-header X-Amzn-Trace-Id Self=1-%[date,hex]-%[rand,hex]%[rand,hex];%[req.hdr(X-Amzn-Trace-Id)] if { req.hdr(X-Amzn-Trace-Id) -m found }
  http-request set-header X-Amzn-Trace-Id Root=1-%[date,hex]-%[rand,hex]%[rand,hex] if !{ req.hdr(X-Amzn-Trace-Id) -m found }
  default_backend http_out
CONF
  [ "$4" = - ] || printf 'frontend tcp_in\n  mode tcp\n  bind %s\n  default_backend tcp_out\n' "$4"
}
haproxy_config 1 "$hap:$((port+2))" "$hap:$((port+9))" "$hap:$((port+3))" >"$tmp/haproxy.cfg"
haproxy -f "$tmp/haproxy.cfg" -db >"$tmp/haproxy.log" 2>&1 & pids+=($!); hap_pid=$!
haproxy_config 2 - "$hap:$((port+7))" - >"$tmp/haproxy2.cfg"
haproxy -f "$tmp/haproxy2.cfg" -db >"$tmp/haproxy2.log" 2>&1 & pids+=($!); hap2_pid=$!

# nginx as a reverse proxy: one worker, an upstream keep-alive pool, adding the ALB's headers.
cat >"$tmp/proxy.conf" <<CONF
worker_processes 1; daemon off; pid $tmp/proxy.pid; error_log $tmp/proxy.err;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream b { server $backend:$((port+1)); keepalive 64; }
  server { listen $ngx:$((port+4));
    location / { proxy_pass http://b; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Port \$server_port; proxy_set_header X-Amzn-Trace-Id "Root=1-\$msec-\$request_id"; } } }
CONF
nginx -c "$tmp/proxy.conf" -p "$tmp" & pids+=($!); ngx_pid=$!

# Berth: three fresh servers, --lb-threads 1 and 2, and 1 on epoll, whose load balancers take
# addresses from $net.100-$net.120, $net.121-$net.140 and $net.141-$net.150; the NLB is on the first.
start_berth() { # name, port, threads, addresses, further server options
  bin/berth server --no-agent --bind "$net.1" --port "$2" --data-dir "$tmp/$1" --lb-addresses "$4" --lb-threads "$3" "${@:5}" \
    >"$tmp/$1.log" 2>&1 & pids+=($!)
}
start_berth berth1 "$port" 1 "$net.100-$net.120"; berth_pid=$!
start_berth berth2 "$((port+10))" 2 "$net.121-$net.140"; berth2_pid=$!
start_berth berth3 "$((port+20))" 1 "$net.141-$net.150" --lb-io-uring false; berth3_pid=$!
export AWS_DEFAULT_REGION=us-east-1
alb_on() { # name, api port, listener port: creates an ALB forwarding to the backend, prints its DNSName
  until curl -sf "http://$net.1:$2/_berth/health" >/dev/null; do sleep 0.2; done
  local aws=(/usr/bin/aws --endpoint-url "http://$net.1:$2") lb tg
  export AWS_SHARED_CREDENTIALS_FILE="$tmp/$1/credentials"
  lb=$("${aws[@]}" elbv2 create-load-balancer --name bench-alb --query 'LoadBalancers[0].[LoadBalancerArn,DNSName]' --output text)
  tg=$("${aws[@]}" elbv2 create-target-group --name bench-http --protocol HTTP --port $((port+1)) --target-type ip \
    --query 'TargetGroups[0].TargetGroupArn' --output text)
  "${aws[@]}" elbv2 register-targets --target-group-arn "$tg" --targets "Id=$backend" >/dev/null
  "${aws[@]}" elbv2 create-listener --load-balancer-arn "${lb%%	*}" --protocol HTTP --port "$3" \
    --default-actions "Type=forward,TargetGroupArn=$tg" >/dev/null
  until [ "$("${aws[@]}" elbv2 describe-target-health --target-group-arn "$tg" --query 'TargetHealthDescriptions[0].TargetHealth.State' --output text)" = healthy ]; do sleep 0.5; done
  echo "${lb##*	}"
}
albhost=$(alb_on berth1 "$port" $((port+5)))
alb2host=$(alb_on berth2 "$((port+10))" $((port+8)))
alb3host=$(alb_on berth3 "$((port+20))" $((port+21)))
export AWS_SHARED_CREDENTIALS_FILE="$tmp/berth1/credentials"
aws=(/usr/bin/aws --endpoint-url "http://$net.1:$port")
nlb=$("${aws[@]}" elbv2 create-load-balancer --name bench-nlb --type network --query 'LoadBalancers[0].[LoadBalancerArn,DNSName]' --output text)
tgt=$("${aws[@]}" elbv2 create-target-group --name bench-tcp --protocol TCP --port $((port+1)) --target-type ip \
  --query 'TargetGroups[0].TargetGroupArn' --output text)
"${aws[@]}" elbv2 register-targets --target-group-arn "$tgt" --targets "Id=$backend" >/dev/null
"${aws[@]}" elbv2 create-listener --load-balancer-arn "${nlb%%	*}" --protocol TCP --port $((port+6)) \
  --default-actions "Type=forward,TargetGroupArn=$tgt" >/dev/null
nlbhost="${nlb##*	}"
until [ "$("${aws[@]}" elbv2 describe-target-health --target-group-arn "$tgt" --query 'TargetHealthDescriptions[0].TargetHealth.State' --output text)" = healthy ]; do sleep 0.5; done
for u in "$backend:$((port+1))" "$albhost:$((port+5))" "$alb2host:$((port+8))" "$alb3host:$((port+21))" "$hap:$((port+2))" "$hap:$((port+9))" "$hap:$((port+7))" "$ngx:$((port+4))" "$nlbhost:$((port+6))" "$hap:$((port+3))"; do
  [ "$(curl -s "http://$u/")" = "$body" ] || { echo "no 100-byte answer from $u" >&2; exit 1; }
done

echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(date -u '+%F %H:%M UTC')"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "berth $(grep -o 'network transport: .*' "$tmp/berth1.log" | head -1 || echo 'network transport: not logged')"
echo "berth $(grep -o 'application load balancers: .*' "$tmp/berth1.log" | head -1 || echo 'application load balancers: not logged')"
# Warm-up (not measured): the JIT compiles the data plane and G1 settles its young generation
# size (the first young collections of a fresh server take 10-35 ms, later ones 2-5 ms); a JVM
# service is measured in its steady state. ${LB_WARMUP:-30} s per Berth listener.
warm="${LB_WARMUP:-30}"
wrk -t2 -c"$conns" -d"${warm}s" "http://$albhost:$((port+5))/" >/dev/null
wrk -t2 -c"$conns" -d"${warm}s" "http://$alb2host:$((port+8))/" >/dev/null
wrk -t2 -c"$conns" -d"${warm}s" "http://$alb3host:$((port+21))/" >/dev/null
wrk -t2 -c"$conns" -d"${warm}s" "http://$nlbhost:$((port+6))/" >/dev/null
echo
echo "| wrk -t2 -c$conns -d${seconds}s, 100-byte body | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | vs direct | vs HAProxy (same threads) | proxy CPU µs/request |"
echo "|---|---|---|---|---|---|---|---|---|"
declare -A rps
cat >"$tmp/tail.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("tail %.2f %.1f\n", latency:percentile(99.9) / 1000, latency.max / 1000))
end
LUA
cpu_ticks() { local t=0 p; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$t"; }
run() { # name, url, peer-name-for-ratio, pids of the proxy (none for direct)
  local out before after name="$1" url="$2" peer="$3"; shift 3
  before=$(cpu_ticks "$@")
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$tmp/tail.lua" "$url")
  after=$(cpu_ticks "$@")
  if echo "$out" | grep -q -E "Non-2xx|Socket errors"; then echo "wrk saw errors for $name:" >&2; echo "$out" >&2; fi
  rps[$name]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  echo "$out" | awk -v name="$name" -v direct="${rps[direct]:-0}" -v peer="${rps[$peer]:-0}" -v ticks=$((after - before)) \
      -v hz="$(getconf CLK_TCK)" -v haspid="$#" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} /Requests\/sec/ {rps=$2} /requests in/ {n=$1} /^tail / {p999=$2; mx=$3}
    END {
      d = "1.00x"; if (direct > 0) d = sprintf("%.2fx", rps / direct)
      p = "-"; if (peer > 0) p = sprintf("%.2fx", rps / peer)
      c = "-"; if (haspid > 0 && n > 0) c = sprintf("%.1f", ticks * 1e6 / hz / n)
      printf "| %s | %.0f | %.2f | %.2f | %.2f | %.1f | %s | %s | %s |\n", name, rps, p50, p99, p999, mx, d, p, c
    }'
}
run direct "http://$backend:$((port+1))/" none
run haproxy-http-1-thread-bare "http://$hap:$((port+2))/" none "$hap_pid"
run haproxy-http-1-thread "http://$hap:$((port+9))/" none "$hap_pid"
run berth-alb-1-thread "http://$albhost:$((port+5))/" haproxy-http-1-thread "$berth_pid"
run berth-alb-1-thread-epoll "http://$alb3host:$((port+21))/" haproxy-http-1-thread "$berth3_pid"
run nginx-proxy-1-worker "http://$ngx:$((port+4))/" haproxy-http-1-thread $(pgrep -P "$ngx_pid") "$ngx_pid"
run haproxy-http-2-threads "http://$hap:$((port+7))/" none "$hap2_pid"
run berth-alb-2-threads "http://$alb2host:$((port+8))/" haproxy-http-2-threads "$berth2_pid"
run haproxy-tcp "http://$hap:$((port+3))/" none "$hap_pid"
run berth-nlb "http://$nlbhost:$((port+6))/" haproxy-tcp "$berth_pid"
echo
echo "ALB 1 thread vs bare HAProxy 1 thread (no added headers): $(awk -v a="${rps[berth-alb-1-thread]}" -v b="${rps[haproxy-http-1-thread-bare]}" 'BEGIN {printf "%.2fx", a / b}')"
echo
echo "load after: $(uptime | sed 's/.*load average/load average/')"
