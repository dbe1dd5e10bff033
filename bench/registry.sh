#!/usr/bin/env bash
# bench/registry.sh: Berth's registry (/v2/) against CNCF Distribution (Debian docker-registry) on
# the same machine in the same run: skopeo push and pull of a ~50 MB and a ~500 MB image (RUNS runs
# each, median), 8 concurrent pulls of the 50 MB image, and the peak RSS of both servers.
#
# Images are OCI layouts of uncompressed random-content layers (10 x 5 MB and 10 x 50 MB), generated
# afresh for every run, so neither compression, dedupe nor skopeo's blob-info cache (which would turn
# a second push of the same layers into cross-repository mounts) helps: every push run makes both
# registries receive, hash and store every byte. One 50 MB push to each registry first warms them up
# (JIT, connection set-up); it is not measured. Pushes use --preserve-digests: without it skopeo
# gzips every uncompressed layer on the way, and its gzip (not either registry) sets the pace.
#
# Usage: bench/registry.sh [runs]   (default 5). Needs: skopeo, docker-registry, python3, Maven.
# Addresses: 127.0.4.1 (Berth) and 127.0.4.2 (Distribution), ports 5101/5102.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
work="${BENCH_DIR:-/tmp/berth-bench-registry}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
B_ADDR=127.0.4.1:5101
D_ADDR=127.0.4.2:5102

rm -rf "$work"; mkdir -p "$work"
echo "== build"
# A private copy of the build, so a rebuild of the worktree during the run cannot touch the server's jar.
# BENCH_BUILD=0 reuses the existing build (e.g. while another Maven run uses the worktree).
if [ "${BENCH_BUILD:-1}" != 0 ]; then (cd "$root" && mvn -B -o -q -pl berth-cli -am package -DskipTests) >/dev/null; fi
mkdir -p "$work/cp" && cp -r "$root/berth-cli/target/berth.jar" "$root/berth-cli/target/test-classes" "$root/berth-cli/target/lib" "$work/cp/"

echo "== images"
python3 - "$work" "$RUNS" <<'PY'
import hashlib, json, os, sys, tarfile, io
work = sys.argv[1]
def layout(name, layers, size):
    d = os.path.join(work, name); blobs = os.path.join(d, "blobs", "sha256"); os.makedirs(blobs)
    def put(b):
        h = hashlib.sha256(b).hexdigest(); open(os.path.join(blobs, h), "wb").write(b); return "sha256:" + h, len(b)
    descs, diffs = [], []
    for i in range(layers):
        data = os.urandom(size)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            info = tarfile.TarInfo("random-%d.bin" % i); info.size = len(data); t.addfile(info, io.BytesIO(data))
        dg, n = put(buf.getvalue())
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": dg, "size": n}); diffs.append(dg)
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diffs}}).encode()
    cd, cn = put(cfg)
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn}, "layers": descs}).encode()
    md, mn = put(man)
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md,
        "size": mn, "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}, open(os.path.join(d, "index.json"), "w"))
    open(os.path.join(d, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
    print(name, sum(x["size"] for x in descs) + cn, "bytes")
runs = int(sys.argv[2])
layout("warm", 10, 5 * 1024 * 1024)
for r in range(1, runs + 1):
    layout("img50-%d" % r, 10, 5 * 1024 * 1024)
    layout("img500-%d" % r, 10, 50 * 1024 * 1024)
PY
size50=$(du -sb "$work/img50-1/blobs" | cut -f1); size500=$(du -sb "$work/img500-1/blobs" | cut -f1)

echo "== servers"
repos=()
for r in $(seq 1 "$RUNS"); do repos+=("bench/p50-$r" "bench/p500-$r"); done
repos+=(bench/warm)
cp="$work/cp/berth.jar:$work/cp/test-classes:$work/cp/lib/*"
"$JAVA_HOME/bin/java" ${BERTH_JAVA_OPTS:-} -cp "$cp" dev.berth.it.RegistryBenchServer 127.0.4.1 5101 "$work/berth" "$work/password" "${repos[@]}" \
  >"$work/berth.log" 2>&1 &
bpid=$!
cat >"$work/distribution.yml" <<YML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $work/distribution}
  delete: {enabled: true}
http: {addr: $D_ADDR}
YML
/usr/bin/docker-registry serve "$work/distribution.yml" >"$work/distribution.log" 2>&1 &
dpid=$!
trap 'kill $bpid $dpid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do [ -s "$work/password" ] && curl -s -o /dev/null "http://$D_ADDR/v2/" && break; sleep 0.5; done
pw="$(cat "$work/password")"
rss() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
declare -A creds=([berth]="--dest-creds AWS:$pw" [dist]="")
declare -A screds=([berth]="--src-creds AWS:$pw" [dist]="")
declare -A addr=([berth]=$B_ADDR [dist]=$D_ADDR)

push() { # target size run -> seconds
  local t=$1 s=$2 r=$3 a b
  a=$(now)
  skopeo copy -q --preserve-digests --dest-tls-verify=false ${creds[$t]} "oci:$work/img$s-$r:bench" "docker://${addr[$t]}/bench/p$s-$r:bench" >/dev/null
  b=$(now); echo "$b - $a" | bc -l
}
pull() { # target size run -> seconds
  local t=$1 s=$2 r=$3 a b out="$work/out-$t-$s-$r"
  a=$(now)
  skopeo copy -q --src-tls-verify=false ${screds[$t]} "docker://${addr[$t]}/bench/p$s-$r:bench" "dir:$out" >/dev/null
  b=$(now); rm -rf "$out"; echo "$b - $a" | bc -l
}
for t in berth dist; do
  skopeo copy -q --preserve-digests --dest-tls-verify=false ${creds[$t]} "oci:$work/warm:bench" "docker://${addr[$t]}/bench/warm:bench" >/dev/null
done
echo "load before: $(uptime)"
declare -A result
for s in 50 500; do
  for t in berth dist; do
    : >"$work/push-$t-$s"; : >"$work/pull-$t-$s"
  done
  for r in $(seq 1 "$RUNS"); do   # interleave the two registries run by run, so load drifts hit both
    for t in berth dist; do push $t $s $r >>"$work/push-$t-$s"; done
  done
  if [ "$s" = 500 ]; then result[rss-berth-push500]=$(rss $bpid); result[rss-dist-push500]=$(rss $dpid); fi
  for r in $(seq 1 "$RUNS"); do
    for t in berth dist; do pull $t $s $r >>"$work/pull-$t-$s"; done
  done
done
for t in berth dist; do
  a=$(now); pids=()
  for i in $(seq 1 8); do
    skopeo copy -q --src-tls-verify=false ${screds[$t]} "docker://${addr[$t]}/bench/p50-1:bench" "dir:$work/c-$t-$i" >/dev/null &
    pids+=($!)
  done
  wait "${pids[@]}"
  b=$(now); echo "$b - $a" | bc -l >"$work/concurrent-$t"; rm -rf "$work"/c-$t-*
done
echo "load after: $(uptime)"
printf '\n| row | Berth MB/s | Distribution MB/s | Berth / Distribution |\n|---|---|---|---|\n'
for s in 50 500; do
  bytes=$([ $s = 50 ] && echo $size50 || echo $size500)
  for op in push pull; do
    bm=$(median <"$work/$op-berth-$s"); dm=$(median <"$work/$op-dist-$s")
    bmb=$(echo "$bytes / 1000000 / $bm" | bc -l); dmb=$(echo "$bytes / 1000000 / $dm" | bc -l)
    printf '| skopeo %s %s MB (median of %s; s: Berth %.2f, Dist %.2f) | %.1f | %.1f | %.2f |\n' $op $((bytes/1000000)) "$RUNS" "$bm" "$dm" "$bmb" "$dmb" "$(echo "$bmb / $dmb" | bc -l)"
  done
done
bc8=$(cat "$work/concurrent-berth"); dc8=$(cat "$work/concurrent-dist")
b8=$(echo "8 * $size50 / 1000000 / $bc8" | bc -l); d8=$(echo "8 * $size50 / 1000000 / $dc8" | bc -l)
printf '| 8 concurrent skopeo pulls of %s MB (aggregate) | %.1f | %.1f | %.2f |\n' $((size50/1000000)) "$b8" "$d8" "$(echo "$b8 / $d8" | bc -l)"
echo
echo "peak RSS after the 500 MB pushes (VmHWM): Berth ${result[rss-berth-push500]} MiB, Distribution ${result[rss-dist-push500]} MiB"
echo "raw seconds per run: $work/{push,pull}-{berth,dist}-{50,500}"
