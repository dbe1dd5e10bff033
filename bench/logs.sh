#!/usr/bin/env bash
# CloudWatch Logs benchmarks: PutLogEvents ingest (signed SDK v2 calls, 1,000 x 1 KB events per
# batch) against raw append+fsync, and FilterLogEvents over N GiB (a term matching 0.1%) against
# `grep -c` over the same data as text files. Usage: bench/logs.sh [callers=4] [seconds=20] [gib=1]
# Builds in the reactor (never installs into ~/.m2), runs dev.berth.bench.LogsBenchmark, prints
# the BENCH lines and the machine's load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(date -u +%F)"
echo "load before: $(uptime)"
mvn -B -q -pl berth-cli -am test -Dtest=LogsBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.callers="${1:-4}" -Dbench.seconds="${2:-20}" -Dbench.gb="${3:-1}" \
    -Dsurefire.redirectTestOutputToFile=false 2>&1 | grep '^BENCH' || { echo "benchmark failed" >&2; exit 1; }
echo "load after: $(uptime)"
