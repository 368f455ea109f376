#!/usr/bin/env bash
# Builds the proxy's trimmed Java 25 runtime and its AOT cache, then proves them with one proxied request.
# The Dockerfile runs exactly this; CI runs it too (RuntimeImageIT), since no Docker engine is there to run the
# Dockerfile.
#
#   scripts/make-runtime.sh JAR OUT
#
# JAR is the runnable jar, at the path it will have when the runtime is used (the AOT cache records it).
# OUT receives runtime/ (a jlink image of Java 25), app.aot (the AOT cache, JEP 483/514/515) and version.json
# (Dockerflow's /app/version.json). Run the proxy as OUT/runtime/bin/java @scripts/jvm.options
# -XX:AOTCache=OUT/app.aot -jar JAR ...: a cache is used only with the jar path and JVM flags it was trained with.
# The cache is trained over a production-like start: the proxy (not --dev) fetches its task from a queue, gets a
# token, serves requests on every route, the reserved paths, refusals and a download; the jar's --dev stack plays
# the queue, token issuer and echo upstream, the JDK's jwebserver the download's upstream.
# Needs a full JDK 25 or later (jdeps, jlink, jar, jwebserver): $JAVA_HOME if it is one, else the newest
# /usr/lib/jvm/temurin-2[5-9]*. Nothing else but bash.
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
if [[ $# -ne 2 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage
  [[ $# -eq 1 && ( "$1" == "-h" || "$1" == "--help" ) ]] && exit 0
  exit 2
fi
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
[[ -f "$jar" ]] || { echo "make-runtime: no jar at $jar (run mvn -B package first)" >&2; exit 2; }

feature_version() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
jdk=""
if [[ -n "${JAVA_HOME:-}" && "$(feature_version "$JAVA_HOME")" -ge 25 ]]; then
  jdk=$JAVA_HOME
else
  for candidate in $(find /usr/lib/jvm -maxdepth 1 -name 'temurin-2[5-9]*' 2>/dev/null | sort -V); do
    if [[ -x "$candidate/bin/jlink" ]]; then jdk=$candidate; fi
  done
fi
for tool in java jdeps jlink jar jwebserver; do
  [[ -n "$jdk" && -x "$jdk/bin/$tool" ]] || {
    echo "make-runtime: no full JDK 25 (${jdk:-none found}): set JAVA_HOME to a JDK 25 or later, or install Temurin 25 under /usr/lib/jvm" >&2
    exit 2
  }
done
echo "make-runtime: JDK $jdk"

work=$(mktemp -d)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop_all EXIT
fail() { echo "make-runtime: $1" >&2; [[ -z "${2:-}" ]] || cat "$2" >&2; exit 1; }

rm -rf "$out/runtime" "$out/app.aot"
mkdir -p "$out"

# 1. A runtime with only the modules the jar uses on Java 25 (the multi-release jar's view for 25), and the JDK's
#    base CDS archive for a start without the AOT cache. Elliptic-curve crypto for TLS is in java.base since 22
#    (jdk.crypto.ec is an empty module now, deprecated for removal).
modules=$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 "$jar")
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
  --generate-cds-archive \
  --output "$out/runtime"
echo "make-runtime: runtime with $modules: $(du -sh "$out/runtime" | cut -f1)"

# The JVM flags the image runs with (jvm.options beside this script): the cache is trained under the flags it is
# used with.
java_flags=("@$(cd "$(dirname "$0")" && pwd)/jvm.options")

# Prints the first match of the sed expression in the log, waiting up to 60 s while the process runs.
await() {
  local log=$1 expression=$2 pid=$3 found
  for _ in $(seq 1 600); do
    found=$(sed -n "$expression" "$log" 2>/dev/null | head -n 1)
    [[ -n "$found" ]] && { echo "$found"; return 0; }
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# 2. The peers of a production-like start: the jar's --dev stack on the full JDK as queue, token issuer and echo
#    upstream (it prints their URLs), and jwebserver serving a toolchain-sized file.
"$jdk/bin/java" -jar "$jar" --dev -p 0 >"$work/dev.log" 2>&1 &
pids+=($!)
# Its description ends with the proxy's own line: once that is there, the lines before it are too.
await "$work/dev.log" 's/^  proxy  *\(http:[^ ]*\).*/\1/p' $! >/dev/null || fail "the --dev stack did not start:" "$work/dev.log"
queue=$(sed -n 's/^  queue  *\(http:[^ ]*\).*/\1/p' "$work/dev.log")
task=$(sed -n 's/^  queue .*(task \([^,]*\),.*/\1/p' "$work/dev.log")
tokens=$(sed -n 's/^  token issuer  *\(http:[^ ]*\).*/\1/p' "$work/dev.log")
tooltool=$(sed -n 's|^  upstream  */tooltool/ -> \(http:[^ ]*\).*|\1|p' "$work/dev.log")
mkdir "$work/www"
head -c $((32 << 20)) /dev/zero >"$work/www/toolchain.tar.xz"
head -c 1024 /dev/zero >"$work/www/manifest.tt"
"$jdk/bin/jwebserver" -b 127.0.0.1 -p 0 -d "$work/www" >"$work/files.log" 2>&1 &
pids+=($!)
files_port=$(await "$work/files.log" 's/.* port \([0-9][0-9]*\)$/\1/p' $!) || fail "jwebserver did not start:" "$work/files.log"
printf 'make-runtime-issuing-token\n' >"$work/issuing.token"

# Starts the proxy as production runs it, on the trimmed runtime with the image's flags plus the given ones; sets
# proxy_pid and proxy_port.
start_proxy() {
  # A fresh log each time: the previous run's "listening on" line must not be read as this one's.
  : >"$work/proxy.log"
  "$out/runtime/bin/java" "${java_flags[@]}" "$@" -jar "$jar" --bind 127.0.0.1 -p 0 --root-url "$queue" \
    --tokens-url "$tokens" --relengapi-token-file "$work/issuing.token" \
    --route "tooltool=$tooltool" --route "files=http://127.0.0.1:$files_port/" -- "$task" >"$work/proxy.log" 2>&1 &
  proxy_pid=$!
  pids+=("$proxy_pid")
  proxy_port=$(await "$work/proxy.log" 's/.*listening on [^ ]*:\([0-9][0-9]*\) .*/\1/p' "$proxy_pid") ||
    fail "the proxy did not start:" "$work/proxy.log"
}

stop_proxy() {
  kill -TERM "$proxy_pid"
  wait "$proxy_pid" || fail "the proxy did not stop cleanly:" "$work/proxy.log"
  local i
  for i in "${!pids[@]}"; do [[ "${pids[$i]}" != "$proxy_pid" ]] || unset 'pids[i]'; done
}

# One HTTP/1.1 request: METHOD PATH [close|keep] [BODY].
request() {
  printf '%s %s HTTP/1.1\r\nHost: relengapi\r\n' "$1" "$2"
  if [[ -n "${4:-}" ]]; then
    printf 'Content-Type: application/octet-stream\r\nContent-Length: %d\r\n' "${#4}"
  fi
  if [[ "${3:-}" == close ]]; then
    printf 'Connection: close\r\n'
  fi
  printf '\r\n%s' "${4:-}"
}

# Sends the requests on stdin over one connection to the proxy (bash's /dev/tcp: the trimmed runtime has no HTTP
# client) and prints the answers until the proxy closes it, which the last request's Connection: close asks for,
# or for at most 60 s.
connection() {
  exec 3<>"/dev/tcp/127.0.0.1/$proxy_port"
  cat >&3
  timeout 60 cat <&3
  exec 3<&-
}

# Fails unless METHOD PATH [BODY], alone on a connection, is answered with STATUS.
expect_status() {
  local answer
  answer=$(request "$2" "$3" close "${4:-}" | connection) || fail "training: no answer to $2 $3:" "$work/proxy.log"
  answer=${answer%%$'\r'*}
  [[ "$answer" == "HTTP/1.1 $1 "* ]] || fail "training: $2 $3 answered '$answer', not $1:" "$work/proxy.log"
}

# 3. The training run: the proxy writes the AOT cache when it exits. Batches of 50 requests pipelined on one
#    connection each, so that the JIT's profiles are those of a busy proxy's keep-alive connections: the cache
#    carries them, and a proxy that starts with them serves more in its first second of load (2,000 requests
#    here, against 300, took that from ~2,400 to ~2,700 req/s for one more second of training; 5,000 did no better).
start_proxy -XX:AOTCacheOutput="$out/app.aot"
for batch in $(seq 1 20); do
  for route in /tooltool/sha512/ /files/manifest.tt?; do
    answers=$( { for i in $(seq 1 49); do request GET "$route$batch$i"; done; request GET "$route$batch" close; } |
      connection | grep -c '^HTTP/1.1 200 ') || true
    [[ "$answers" == 50 ]] || fail "training: $answers of 50 requests on $route answered 200:" "$work/proxy.log"
  done
done
expect_status 200 POST /tooltool/upload 'a request body'
expect_status 404 GET /nowhere
expect_status 400 GET /tooltool/../x
for reserved in /__heartbeat__ /__lbheartbeat__ /__version__ /__metrics__; do
  expect_status 200 GET "$reserved"
done
downloaded=$(request GET /files/toolchain.tar.xz close | connection | wc -c) || true
((downloaded > 32 << 20)) || fail "training: the download brought $downloaded bytes:" "$work/proxy.log"
stop_proxy
grep -q 'AOTCache creation is complete' "$work/proxy.log" && [[ -s "$out/app.aot" ]] ||
  fail "no AOT cache was written:" "$work/proxy.log"
echo "make-runtime: AOT cache $(du -sh "$out/app.aot" | cut -f1)"

# 4. Dockerflow's version.json, from what the build recorded in the jar.
props=$(cd "$work" && "$jdk/bin/jar" xf "$jar" relengapi-proxy-version.properties && cat relengapi-proxy-version.properties)
value() { sed -n "s/^$1=//p" <<<"$props" | sed 's/^\${.*}$//; s/\\/\\\\/g; s/"/\\"/g'; }
printf '{"source":"%s","version":"%s","commit":"%s","build":"%s"}\n' \
  "$(value source)" "$(value version)" "$(value commit)" "$(value build)" >"$out/version.json"
echo "make-runtime: $(cat "$out/version.json")"

# 5. The proof: the trimmed runtime, with the cache (AOTMode=on: a cache it cannot use is an error, not silently
#    ignored), proxies a request with the injected token.
start_proxy -XX:AOTCache="$out/app.aot" -XX:AOTMode=on
answer=$(request GET /tooltool/sha512/0123abcd close | connection) || true
stop_proxy
status=${answer%%$'\r'*}
if [[ "$status" != "HTTP/1.1 200 OK" || "$answer" != *'"authorization":"Bearer dev-temporary-token-'* ]]; then
  echo "make-runtime: the proxied request failed:" >&2; echo "$answer" >&2; exit 1
fi
echo "make-runtime: proxied request through the trimmed runtime with the AOT cache: $status, Bearer token injected"
