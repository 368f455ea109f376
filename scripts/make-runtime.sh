#!/usr/bin/env bash
# Builds the proxy's trimmed Java runtime and its AppCDS archive, then proves them with one proxied request.
# The Dockerfile runs exactly this; CI runs it too (RuntimeImageIT), since no Docker engine is there to run the
# Dockerfile.
#
#   scripts/make-runtime.sh JAR OUT
#
# JAR is the runnable jar, at the path it will have when the runtime is used (the CDS archive records it).
# OUT receives runtime/ (a jlink image), app.jsa (the CDS archive) and version.json (Dockerflow's /app/version.json).
# Needs a full JDK 17 (jdeps, jlink, jar) on PATH or in JAVA_HOME, and bash; nothing else.
set -euo pipefail

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
if [[ $# -ne 2 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage
  [[ $# -eq 1 && ( "$1" == "-h" || "$1" == "--help" ) ]] && exit 0
  exit 2
fi
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
[[ -f "$jar" ]] || { echo "make-runtime: no jar at $jar (run mvn -B package first)" >&2; exit 2; }
bin=${JAVA_HOME:+$JAVA_HOME/bin/}
for tool in jdeps jlink jar; do
  command -v "${bin}${tool}" >/dev/null || { echo "make-runtime: ${bin}${tool} not found: a full JDK 17 is needed" >&2; exit 2; }
done

rm -rf "$out/runtime" "$out/app.jsa"
mkdir -p "$out"

# 1. A runtime with only the modules the jar uses, plus elliptic-curve crypto for TLS to modern upstreams, and the
#    JDK's base CDS archive (a dynamic archive builds on it).
modules=$("${bin}jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$jar")
"${bin}jlink" --add-modules "$modules,jdk.crypto.ec" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --generate-cds-archive \
  --output "$out/runtime"
echo "make-runtime: runtime with $modules,jdk.crypto.ec: $(du -sh "$out/runtime" | cut -f1)"

# The JVM flags the image runs with (jvm.options beside this script), so that the archive is made under the
# conditions it is used in.
java_flags=("@$(cd "$(dirname "$0")" && pwd)/jvm.options")

# Starts the proxy in --dev mode on a free port with the given extra JVM flags, sends one request through it with
# bash's /dev/tcp (the trimmed runtime has no HTTP client tool), stops it, and prints the answer.
proxied_request() {
  local log; log=$(mktemp)
  "$out/runtime/bin/java" "${java_flags[@]}" "$@" -jar "$jar" --dev -p 0 >"$log" 2>&1 &
  local pid=$! port=""
  for _ in $(seq 1 150); do
    port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\) .*/\1/p' "$log" | head -n 1)
    [[ -n "$port" ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$port" ]]; then
    echo "make-runtime: the proxy did not start:" >&2; cat "$log" >&2; kill "$pid" 2>/dev/null || true; return 1
  fi
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /tooltool/sha512/0123abcd HTTP/1.1\r\nHost: relengapi\r\nConnection: close\r\n\r\n' >&3
  cat <&3
  exec 3<&-
  kill -TERM "$pid"
  wait "$pid" || { echo "make-runtime: the proxy did not stop cleanly:" >&2; cat "$log" >&2; return 1; }
  rm -f "$log"
}

# 2. The AppCDS archive: the classes of a start-up and one proxied request, dumped when the JVM exits.
proxied_request -XX:ArchiveClassesAtExit="$out/app.jsa" >/dev/null
[[ -s "$out/app.jsa" ]] || { echo "make-runtime: no CDS archive was written" >&2; exit 1; }
echo "make-runtime: CDS archive $(du -sh "$out/app.jsa" | cut -f1)"

# 3. Dockerflow's version.json, from what the build recorded in the jar.
props=$(cd "$(mktemp -d)" && "${bin}jar" xf "$jar" relengapi-proxy-version.properties && cat relengapi-proxy-version.properties)
value() { sed -n "s/^$1=//p" <<<"$props" | sed 's/^\${.*}$//; s/\\/\\\\/g; s/"/\\"/g'; }
printf '{"source":"%s","version":"%s","commit":"%s","build":"%s"}\n' \
  "$(value source)" "$(value version)" "$(value commit)" "$(value build)" >"$out/version.json"
echo "make-runtime: $(cat "$out/version.json")"

# 4. The proof: the trimmed runtime, using the archive, proxies a request with the injected token.
answer=$(proxied_request -XX:SharedArchiveFile="$out/app.jsa" -Xshare:on)
status=$(head -n 1 <<<"$answer" | tr -d '\r')
if [[ "$status" != "HTTP/1.1 200 OK" || "$answer" != *'"authorization":"Bearer dev-temporary-token-1"'* ]]; then
  echo "make-runtime: the proxied request failed:" >&2; echo "$answer" >&2; exit 1
fi
echo "make-runtime: proxied request through the trimmed runtime with CDS: $status, Bearer token injected"
