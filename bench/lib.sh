# Shared by the bench/*.sh scripts (sourced, not run).

# JAVA_HOME defaults to the Temurin 25 JDK when it is installed; $java is the java to run.
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# bench_free_port: a random port in 20000-39999 that nothing on 127.0.0.1 answers.
bench_free_port() {
  local port=$(( 20000 + RANDOM % 20000 ))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$(( 20000 + RANDOM % 20000 )); done
  echo "$port"
}

# instance_of <agent data dir>: the container instance id that agent registered as (empty if none yet).
instance_of() { [ -f "$1/instance.json" ] && sed -n 's/.*"instanceId" *: *"\([^"]*\)".*/\1/p' "$1/instance.json" || true; }

# bench_busybox_image <image> <scratch dir>: imports a root filesystem holding the host's
# /bin/busybox and its applets as <image> unless Docker already has it (TestImages does the same;
# nothing is pulled).
bench_busybox_image() {
  local image="$1" rootfs="$2/rootfs"
  docker image inspect "$image" >/dev/null 2>&1 && return 0
  mkdir -p "$rootfs"
  (cd "$rootfs" && mkdir -p bin tmp etc && cp /bin/busybox bin/busybox \
    && for a in $(bin/busybox --list); do [ -e "bin/$a" ] || ln -s busybox "bin/$a"; done \
    && echo 'root:x:0:0:root:/:/bin/sh' > etc/passwd && echo 'root:x:0:' > etc/group \
    && tar -cf ../rootfs.tar . && docker import ../rootfs.tar "$image" >/dev/null)
  rm -rf "$rootfs" "$2/rootfs.tar"
}
