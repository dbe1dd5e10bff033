#!/usr/bin/env bash
# Metrics storage engine benchmarks: builds berth-model and berth-metrics, then runs
#   1. dev.berth.metrics.bench.StorageSizeReport (bytes on disk per datapoint, a Markdown table)
#   2. JMH: IngestBenchmark (datapoints/s) and QueryBenchmark (100 metrics x 24 h, p50/p99 per query)
# Usage: bench/metrics.sh [size|ingest|query|all] [extra JMH args...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
what="${1:-all}"; shift || true
mkdir -p bench/out
build() { mvn -B -q "$@" -pl berth-model,berth-metrics install -DskipTests; }
build -o || build
cp_file=bench/out/metrics-classpath.txt
mvn -B -q -o -pl berth-metrics dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file" \
  || mvn -B -q -pl berth-metrics dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file"
CP="berth-metrics/target/test-classes:berth-metrics/target/classes:$(cat "$cp_file")"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1); $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uptime)"
if [ "$what" = size ] || [ "$what" = all ]; then
  "$JAVA" -Xms2g -Xmx4g -cp "$CP" dev.berth.metrics.bench.StorageSizeReport
fi
if [ "$what" = ingest ] || [ "$what" = all ]; then
  "$JAVA" -cp "$CP" org.openjdk.jmh.Main 'IngestBenchmark' "$@"
fi
if [ "$what" = query ] || [ "$what" = all ]; then
  "$JAVA" -cp "$CP" org.openjdk.jmh.Main 'QueryBenchmark' "$@"
fi
echo "end: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uptime)"
