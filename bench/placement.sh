#!/usr/bin/env bash
# Placement engine benchmark: builds berth-model and berth-scheduler, then runs
# dev.berth.scheduler.PlacementBenchmark (test sources of berth-scheduler).
# Usage: bench/placement.sh [instances,...] [tasks] [scanTasks]   (defaults: 1000,10000 1000000 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p bench/out
build() { mvn -B -q "$@" -pl berth-model,berth-scheduler install -DskipTests; }
build -o || build
cp_file=bench/out/scheduler-classpath.txt
mvn -B -q -o -pl berth-scheduler dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file" \
  || mvn -B -q -pl berth-scheduler dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file"
CP="berth-scheduler/target/test-classes:berth-scheduler/target/classes:$(cat "$cp_file")"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
exec "$JAVA" -Xms2g -Xmx4g -cp "$CP" dev.berth.scheduler.PlacementBenchmark "$@"
