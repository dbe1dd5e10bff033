#!/usr/bin/env bash
# The service controller's CPU cost: an in-process Berth server, simulated container instances (hand
# agents over the agent protocol, no Docker), 1,000 services of 5 tasks. See ServiceControllerBenchmark.
# Usage: bench/services-controller.sh [services=1000] [tasks=5] [instances=20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -o -DskipTests -pl berth-cli -am package dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$root/berth-cli/target/bench.cp" >/dev/null
cp="berth-cli/target/test-classes:berth-cli/target/classes:$(cat berth-cli/target/bench.cp)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u '+%F %H:%M') UTC; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -cp "$cp" dev.berth.bench.ServiceControllerBenchmark "$@" 2>&1 | grep -v -E '^(WARNING|SLF4J)|INFO'
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
