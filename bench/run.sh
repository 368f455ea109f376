#!/usr/bin/env bash
# Benchmarks relengapi-proxy against nginx and the Go original's data path, side by side, on loopback.
#
#   bench/run.sh [--warmup N] [--seconds N] [--starts N] [--jar PATH] [--profile DIR]
#
# --warmup   seconds of load before each peer's measured run (default 30: on 2 cores the JVM's JIT needs ~25 s of
#            load to reach its steady speed; the other peers get the same)
# --seconds  length of each measured wrk run (default 15)
# --starts   start-ups timed per peer (default 11)
# --jar      the runnable jar to measure (default target/relengapi-proxy.jar, built with Maven when missing)
# --profile  after relengapi-proxy's measured run, one more run of the same load under async-profiler (CPU, from
#            Maven Central), writing DIR/relengapi-proxy.collapsed (flame-graph input) and DIR/summary.txt
#
# Installs nginx, wrk and golang-go with apt-get when they are missing (as root). Starts an upstream nginx serving
# static files, a control plane (queue and token service, bench/peers), and three proxies in front of the upstream:
# nginx (proxy_set_header Authorization, upstream keep-alive), Go (httputil.ReverseProxy, as the original) and
# relengapi-proxy (the trimmed runtime, CDS archive and JVM flags of the Docker image). Prints one table; every
# process it starts, it stops. Needs about 3 GiB free under $TMPDIR and 6 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(pwd)

warmup=30 seconds=15 starts=11 jar=target/relengapi-proxy.jar profile=""
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) warmup=${2:?}; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --starts) starts=${2:?}; shift 2 ;;
    --jar) jar=${2:?}; shift 2 ;;
    --profile) profile=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

# --- tools -------------------------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
command -v go >/dev/null || missing+=(golang-go)
command -v curl >/dev/null || missing+=(curl)
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $EUID -eq 0 ]] || { echo "bench: missing ${missing[*]}; run as root or install them" >&2; exit 1; }
  echo "bench: installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d "${TMPDIR:-/tmp}/relengapi-bench.XXXXXX")
chmod 755 "$work"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- builds ------------------------------------------------------------------------------------------------------
[[ -f "$jar" ]] || mvn -B -q package -DskipTests
cp "$jar" "$work/relengapi-proxy.jar"
echo "bench: building the trimmed runtime and CDS archive (scripts/make-runtime.sh)" >&2
scripts/make-runtime.sh "$work/relengapi-proxy.jar" "$work/jvm" >/dev/null
(cd bench/peers && GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -o "$work/peers" .)
if [[ -n "$profile" ]]; then
  mkdir -p "$profile" && profile=$(cd "$profile" && pwd)
  mvn -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 -DoutputDirectory="$work/ap"
  (cd "$work/ap" && jar xf async-profiler-4.1-linux-x64.jar linux-x64/libasyncProfiler.so)
fi

# --- data --------------------------------------------------------------------------------------------------------
mkdir -p "$work/www/files"
head -c 1024 /dev/urandom >"$work/www/files/1k"
echo "bench: writing a 1 GiB file" >&2
head -c 1073741824 /dev/urandom >"$work/www/files/1g"
chmod -R a+rX "$work/www"

free_port() {
  local port
  # Below the ephemeral range (32768-), where an outgoing connection could hold the port.
  for port in $(shuf -i 20000-32000 -n 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "bench: no free port" >&2; exit 1
}

# Status code of one GET, or 000 when nothing answers.
status_of() { curl -s -o /dev/null -w '%{http_code}' "$1" || true; }

# Waits for a 200 from URL, served by process PID (whose output is in LOG): polls every 10 ms (a tight curl loop
# would take CPU from a starting process) and gives up after 30 s, or when the process dies.
wait_for_200() {
  local url=$1 pid=$2 log=$3 t0
  t0=$(date +%s%N)
  until [[ $(status_of "$url") == 200 ]]; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: process $pid died before $url answered:" >&2; cat "$log" >&2; return 1; }
    (( $(date +%s%N) - t0 < 30000000000 )) || { echo "bench: $url gave no 200 within 30 s" >&2; return 1; }
    sleep 0.01
  done
}

# A memory field of /proc/PID/status in KiB, added up over a process and its children (nginx's master and
# worker): VmRSS, resident now; VmHWM, the peak resident over its life.
memory_kib() {
  local field=$1 pid total=0 kib
  for pid in "$2" $(pgrep -P "$2" || true); do
    kib=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}
rss_kib() { memory_kib VmRSS "$1"; }

# Starts a peer in the background and records its pid in the variable named by $1.
spawn() {
  local -n into=$1; shift
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  into=$!
  pids+=("$into")
}

stop() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local i
  for i in "${!pids[@]}"; do [[ "${pids[$i]}" != "$1" ]] || unset 'pids[i]'; done
}

# --- fixed services ----------------------------------------------------------------------------------------------
upstream_port=$(free_port)
cat >"$work/upstream.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/upstream.pid;
error_log $work/upstream.err;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path $work/upstream-tmp;
  server { listen 127.0.0.1:$upstream_port; root $work/www; }
}
EOF
spawn upstream_pid "$work/upstream.out" "$nginx_bin" -c "$work/upstream.conf" -e "$work/upstream.err"
wait_for_200 "http://127.0.0.1:$upstream_port/files/1k" "$upstream_pid" "$work/upstream.err"

task=fN1DGhGrQ9qSgPfLw6iPbA
control_port=$(free_port)
spawn control_pid "$work/control.out" "$work/peers" controlplane -listen "127.0.0.1:$control_port" -task "$task" \
  -scopes "docker-worker:relengapi-proxy:tooltool.download.public,queue:other"
wait_for_200 "http://127.0.0.1:$control_port/issued" "$control_pid" "$work/control.out"
printf 'bench-issuing-token\n' >"$work/issuing-token"
issued() { curl -s "http://127.0.0.1:$control_port/issued"; }

# --- the three proxies: each a function that starts it on port $2 and stores its pid in the variable named $1 ----
start_nginx() {
  local port=$2
  cat >"$work/nginx-proxy-$port.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx-proxy-$port.pid;
error_log $work/nginx-proxy-$port.err;
events { worker_connections 4096; }
http {
  access_log $work/nginx-proxy-$port.access;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx-tmp; proxy_temp_path $work/nginx-tmp;
  upstream files { server 127.0.0.1:$upstream_port; keepalive 64; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://files;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer bench-temporary-token";
    }
  }
}
EOF
  spawn "$1" "$work/nginx-proxy-$port.out" "$nginx_bin" -c "$work/nginx-proxy-$port.conf" -e "$work/nginx-proxy-$port.err"
}

start_go() {
  spawn "$1" "$work/go-proxy-$2.out" "$work/peers" proxy -listen "127.0.0.1:$2" \
    -upstream "http://127.0.0.1:$upstream_port" -token bench-temporary-token
}

start_java() {
  # The Docker image's JVM flags (scripts/jvm.options) with its trimmed runtime and CDS archive.
  spawn "$1" "$work/java-proxy-$2.out" "$work/jvm/runtime/bin/java" "@$project/scripts/jvm.options" \
    -XX:SharedArchiveFile="$work/jvm/app.jsa" -Xshare:auto -jar "$work/relengapi-proxy.jar" \
    --bind 127.0.0.1 -p "$2" --root-url "http://127.0.0.1:$control_port" \
    --tokens-url "http://127.0.0.1:$control_port/tokens" --relengapi-token-file "$work/issuing-token" \
    --route "files=http://127.0.0.1:$upstream_port/files" -- "$task"
}

# Milliseconds from process start to the first 200 through it, median of $starts runs, into the variable named $2.
median_start_ms() {
  local peer=$1 times=() i port pid t0 t1
  local -n median=$2
  for ((i = 0; i < starts; i++)); do
    port=$(free_port)
    t0=$(date +%s%N)
    "start_$peer" pid "$port"
    wait_for_200 "http://127.0.0.1:$port/files/1k" "$pid" "$work/$peer-proxy-$port.out" || exit 1
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
    stop "$pid"
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
}

# wrk's requests/s, p99 latency in ms, and the count of non-2xx answers and socket errors.
wrk_run() {
  local url=$1 duration=$2 out
  out=$(wrk -t2 -c64 -d"${duration}s" --latency "$url")
  awk '
    /Requests\/sec:/ {rps=$2}
    /^ *99%/ {v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
              ms = (u=="us") ? v/1000 : (u=="s") ? v*1000 : v}
    /Non-2xx/ {bad=$NF}
    /Socket errors/ {gsub(/,/, ""); errors=$4+$6+$8+$10}
    END {printf "%.0f %.2f %s\n", rps, ms, bad + errors}' <<<"$out"
}

# Downloads the 1 GiB file three times; prints the best MB/s and the peak RSS (MiB) sampled during the downloads.
download_run() {
  local url=$1 pid=$2 best=0 peak speed size
  (while kill -0 "$pid" 2>/dev/null; do rss_kib "$pid"; sleep 0.02; done) >"$work/rss-samples" &
  local sampler=$!
  for _ in 1 2 3; do
    read -r speed size < <(curl -s -o /dev/null -w '%{speed_download} %{size_download}\n' "$url")
    [[ "$size" == 1073741824 ]] || { echo "bench: $url gave $size bytes, not 1 GiB" >&2; exit 1; }
    best=$(awk -v a="$best" -v b="$speed" 'BEGIN {print (b > a) ? b : a}')
  done
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  peak=$(sort -n "$work/rss-samples" | tail -n 1)
  awk -v s="$best" -v p="$peak" 'BEGIN {printf "%.0f %.1f\n", s / 1048576, p / 1024}'
}

# The same load once more under async-profiler; the summary gives each frame's share of CPU samples, counting
# everything that ran under it (our classes, Jetty's layers, the JIT compiler, the kernel).
profile_run() {
  local pid=$1 url=$2 agent=$work/ap/linux-x64/libasyncProfiler.so
  # jcmd splits its arguments at '=', unless the whole option string is quoted for it.
  jcmd "$pid" JVMTI.agent_load "$agent" '"start,event=cpu,interval=1ms"' | grep -q 'return code: 0' ||
    { echo "bench: async-profiler did not start" >&2; return 0; }
  read -r rps _ _ < <(wrk_run "$url" "$seconds")
  jcmd "$pid" JVMTI.agent_load "$agent" "\"stop,file=$profile/relengapi-proxy.collapsed,collapsed\"" >/dev/null || true
  [[ -s "$profile/relengapi-proxy.collapsed" ]] || { echo "bench: async-profiler wrote no profile" >&2; return 0; }
  {
    echo "relengapi-proxy under async-profiler: $rps requests/s (1 KiB, 64 connections, after the measured run)"
    echo "share of CPU samples with the frame on the stack:"
    awk '{n=$NF; sub(/ [0-9]+$/, ""); k=split($0,f,";"); delete seen
          for (i=1; i<=k; i++) if (!(f[i] in seen)) {seen[f[i]]=1; s[f[i]]+=n}; t+=n}
         END {for (x in s) printf "%6.1f%% %s\n", 100*s[x]/t, x}' "$profile/relengapi-proxy.collapsed" |
      grep -E ' (org/mozilla/.*|org/eclipse/jetty/(server/Server.handle|ee10/servlet/ServletChannel.handle|ee10/proxy/ProxyServlet.service|client/transport/internal/HttpReceiverOverHTTP.receive|io/ManagedSelector.select|util/thread/QueuedThreadPool\$Runner.run)|CompileBroker::compiler_thread_loop|writev|__GI_read|epoll_wait|futex_wake_\[k\]|entry_SYSCALL_64_after_hwframe_\[k\]|VMThread::run)$' |
      sort -rn | head -n 30 || true
  } >"$profile/summary.txt"
  echo "bench: profile in $profile (summary.txt, relengapi-proxy.collapsed)" >&2
}

declare -A result
for peer in nginx go java; do
  echo "bench: $peer" >&2
  median_start_ms "$peer" "result[$peer.start]"
  port=$(free_port)
  issued_before=$(issued)
  "start_$peer" pid "$port"
  url="http://127.0.0.1:$port/files"
  wait_for_200 "$url/1k" "$pid" "$work/$peer-proxy-$port.out"
  sleep 2
  result[$peer.idle]=$(awk -v k="$(rss_kib "$pid")" 'BEGIN {printf "%.1f", k / 1024}')
  read -r mbs peak < <(download_run "$url/1g" "$pid")
  result[$peer.mbs]=$mbs result[$peer.peak]=$peak
  read -r rps _ bad < <(wrk_run "$url/1k" 5)
  [[ "$bad" == 0 && "$rps" != 0 ]] || { echo "bench: $peer: $rps requests/s, $bad failures" >&2; exit 1; }
  result[$peer.cold]=$rps
  wrk_run "$url/1k" "$warmup" >/dev/null
  read -r rps p99 bad < <(wrk_run "$url/1k" "$seconds")
  [[ "$bad" == 0 && "$rps" != 0 ]] || { echo "bench: $peer: $rps requests/s, $bad failures" >&2; exit 1; }
  result[$peer.rps]=$rps result[$peer.p99]=$p99
  if [[ -n "$profile" && $peer == java ]]; then
    profile_run "$pid" "$url/1k"
  fi
  result[$peer.hwm]=$(awk -v k="$(memory_kib VmHWM "$pid")" 'BEGIN {printf "%.1f", k / 1024}')
  result[$peer.issued]=$(($(issued) - issued_before))
  stop "$pid"
done

# --- the table ---------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.2f" : "-", a / b}'; }
row() {
  local name=$1 key=$2 target=$3
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "${result[java.$key]}" "${result[nginx.$key]}" \
    "${result[go.$key]}" "$(ratio "${result[java.$key]}" "${result[nginx.$key]}")" \
    "$(ratio "${result[java.$key]}" "${result[go.$key]}")" "$target"
}
echo
echo "$(date -u +%Y-%m-%d) · $(nproc) cores · $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo) ·" \
  "$("$work/jvm/runtime/bin/java" -version 2>&1 | head -n 1) · nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') · $(go version | cut -d' ' -f3)"
echo
echo "| measure | relengapi-proxy | nginx | Go | ÷ nginx | ÷ Go | target |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
row "1 KiB, 64 conns: requests/s" rps "≥ nginx"
row "1 KiB, 64 conns: p99 latency (ms)" p99 "≤ nginx"
row "1 KiB, 64 conns, first 5 s of load (after the downloads): requests/s" cold ""
row "1 GiB download: MB/s (best of 3)" mbs "≥ nginx"
row "1 GiB download: peak RSS during it (MiB)" peak "≤ 128"
row "start → first proxied 200 (ms, median of $starts)" start "≤ 300"
row "idle RSS after start (MiB)" idle "≤ 64"
row "peak RSS over the whole run, after the wrk load (MiB)" hwm ""
printf '| token issuances during the run | %s | - | - | | | 1 |\n' "${result[java.issued]}"
