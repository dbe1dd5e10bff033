#!/usr/bin/env bash
# Policy engine benchmark (JMH): builds berth-model and berth-policy, then runs
# dev.berth.policy.bench.PolicyEvaluationBenchmark from the module's test classes on one thread.
# Then the same cases in CPU time (PolicyEvaluationCpuTime): on a shared machine JMH's wall-clock
# throughput shows the share of a core the thread got; evaluations per CPU-second do not.
# Usage: bench/policy.sh [extra JMH arguments, e.g. -wi 1 -i 2 or a benchmark name regex]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p bench/out
build() { mvn -B -q "$@" -pl berth-model,berth-policy install -DskipTests; }
build -o || build
cp_file=bench/out/policy-classpath.txt
mvn -B -q -o -pl berth-policy dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file" \
  || mvn -B -q -pl berth-policy dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file"
CP="berth-policy/target/test-classes:berth-policy/target/classes:$(cat "$cp_file")"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "load at start: $(uptime)"
"$JAVA" -cp "$CP" org.openjdk.jmh.Main -jvmArgs "-Xms1g -Xmx1g" "$@" 'dev.berth.policy.bench.PolicyEvaluationBenchmark'
echo "load between: $(uptime)"
"$JAVA" -Xms1g -Xmx1g -cp "$CP" dev.berth.policy.bench.PolicyEvaluationCpuTime
echo "load at end: $(uptime)"
