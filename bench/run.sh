#!/usr/bin/env bash
# Benchmarks relengapi-proxy against nginx and the Go original's data path, side by side, on loopback, and prints
# one table with the targets of issue 11 and whether each is met.
#
#   bench/run.sh [--warmup N] [--seconds N] [--starts N] [--jar PATH] [--java-flags "FLAGS"] [--profile DIR]
#
# --warmup      seconds of 64-connection load before each peer's measured run (default 30: on 2 cores the JIT needs
#               ~25 s of load to reach its steady speed; the other peers get the same); the one-connection run gets
#               5 s of warm-up (or --warmup, if shorter)
# --seconds     length of each measured wrk run (default 15)
# --starts      start-ups timed per peer (default 11)
# --jar         the runnable jar to measure (default target/relengapi-proxy.jar, built with Maven when missing)
# --java-flags  JVM flags appended to scripts/jvm.options for relengapi-proxy, to try a flag without editing it. A
#               flag the AOT cache was not trained with may make the JVM run without the cache (seen with
#               -XX:+UseCompactObjectHeaders; the bench then says so) or refuse to start (a heap too small for the
#               cache's archived objects); to try GC or heap flags, edit jvm.options, which make-runtime.sh trains with.
# --profile     after relengapi-proxy's measured runs, one more 64-connection run under async-profiler (CPU, from
#               Maven Central, attached with the jcmd of the JDK 25 that make-runtime.sh uses), writing
#               DIR/relengapi-proxy.collapsed (flame-graph input) and DIR/summary.txt
#
# Installs nginx, wrk and golang-go with apt-get when they are missing (as root). Starts an upstream nginx serving
# static files, a control plane (queue and token service, bench/peers), and three proxies in front of the upstream:
# nginx (proxy_set_header Authorization, upstream keep-alive), Go (httputil.ReverseProxy, as the original) and
# relengapi-proxy (the jlink'd Java 25 runtime and AOT cache of scripts/make-runtime.sh, the JVM flags of
# scripts/jvm.options: as the Docker image runs it). Every process it starts, it stops. Needs about 3 GiB free under
# $TMPDIR and 5 minutes (2 cores, defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(pwd)

warmup=30 seconds=15 starts=11 jar=target/relengapi-proxy.jar profile="" java_flags=()
usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) warmup=${2:?}; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --starts) starts=${2:?}; shift 2 ;;
    --jar) jar=${2:?}; shift 2 ;;
    --java-flags) read -r -a java_flags <<<"${2?}"; shift 2 ;;
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
echo "bench: building the Java 25 runtime and AOT cache (scripts/make-runtime.sh)" >&2
runtime_log=$(scripts/make-runtime.sh "$work/relengapi-proxy.jar" "$work/jvm")
[[ -s "$work/jvm/app.aot" ]] || { echo "bench: scripts/make-runtime.sh made no AOT cache ($work/jvm/app.aot)" >&2; exit 1; }
(cd bench/peers && GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -o "$work/peers" .)
if [[ -n "$profile" ]]; then
  mkdir -p "$profile" && profile=$(cd "$profile" && pwd)
  # The trimmed runtime has no jcmd: the full JDK 25 that make-runtime.sh made it from has (it names it).
  jdk=$(sed -n 's/^make-runtime: JDK //p' <<<"$runtime_log")
  [[ -n "$jdk" && -x "$jdk/bin/jcmd" ]] || { echo "bench: --profile needs jcmd, and make-runtime.sh's JDK '$jdk' has none" >&2; exit 1; }
  mvn -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 -DoutputDirectory="$work/ap"
  (cd "$work/ap" && "$jdk/bin/jar" xf async-profiler-4.1-linux-x64.jar linux-x64/libasyncProfiler.so)
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

# CPU time in clock ticks (utime + stime of /proc/PID/stat, every thread's) of a process and its children (nginx's
# master and worker). The fields are counted after the command name, which may hold spaces.
cpu_ticks() {
  local pid total=0 ticks
  for pid in "$1" $(pgrep -P "$1" || true); do
    ticks=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + ${ticks:-0}))
  done
  echo "$total"
}

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
  # As the Docker image runs it: its Java 25 runtime, AOT cache and JVM flags (scripts/jvm.options).
  spawn "$1" "$work/java-proxy-$2.out" "$work/jvm/runtime/bin/java" "@$project/scripts/jvm.options" \
    -XX:AOTCache="$work/jvm/app.aot" "${java_flags[@]}" -jar "$work/relengapi-proxy.jar" \
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

# wrk over CONNS connections for DURATION seconds: requests/s, p50 and p99 latency in ms, and the count of non-2xx
# answers and socket errors.
wrk_run() {
  local conns=$1 duration=$2 url=$3 out
  out=$(wrk -t$((conns < 2 ? conns : 2)) -c"$conns" -d"${duration}s" --latency "$url")
  awk '
    function ms(v,  u) {u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v); return (u=="us") ? v/1000 : (u=="s") ? v*1000 : v}
    /Requests\/sec:/ {rps=$2}
    /^ *50%/ {p50=ms($2)}
    /^ *99%/ {p99=ms($2)}
    /Non-2xx/ {bad=$NF}
    /Socket errors/ {gsub(/,/, ""); errors=$4+$6+$8+$10}
    END {printf "%.0f %.3f %.2f %s\n", rps, p50, p99, bad + errors}' <<<"$out"
}

# Downloads the 1 GiB file three times through the proxy PID; prints the best MB/s and the proxy's CPU seconds per
# GiB over the three.
download_run() {
  local url=$1 pid=$2 best=0 speed size ticks
  ticks=$(cpu_ticks "$pid")
  for _ in 1 2 3; do
    read -r speed size < <(curl -s -o /dev/null -w '%{speed_download} %{size_download}\n' "$url")
    [[ "$size" == 1073741824 ]] || { echo "bench: $url gave $size bytes, not 1 GiB" >&2; exit 1; }
    best=$(awk -v a="$best" -v b="$speed" 'BEGIN {print (b > a) ? b : a}')
  done
  ticks=$(($(cpu_ticks "$pid") - ticks))
  awk -v s="$best" -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f %.2f\n", s / 1048576, t / hz / 3}'
}

# The same load once more under async-profiler; the summary gives each frame's share of CPU samples, counting
# everything that ran under it (our classes, Jetty's layers, the JIT compiler, the kernel).
profile_run() {
  local pid=$1 url=$2 agent=$work/ap/linux-x64/libasyncProfiler.so
  # jcmd splits its arguments at '=', unless the whole option string is quoted for it.
  jcmd "$pid" JVMTI.agent_load "$agent" '"start,event=cpu,interval=1ms"' | grep -q 'return code: 0' ||
    { echo "bench: async-profiler did not start" >&2; return 0; }
  read -r rps _ _ _ < <(wrk_run 64 "$seconds" "$url")
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

# A measured wrk run that must have had no failures: requests/s, p50 and p99 (ms). Called as $(...), so that its
# exit ends the bench.
checked_wrk_run() {
  local rps p50 p99 bad
  read -r rps p50 p99 bad <<<"$(wrk_run "$@")"
  [[ "$bad" == 0 && "$rps" != 0 ]] || { echo "bench: $peer: $rps requests/s, $bad failures" >&2; exit 1; }
  echo "$rps $p50 $p99"
}

declare -A result
aot_note="AOT cache used"
for peer in nginx go java; do
  echo "bench: $peer" >&2
  median_start_ms "$peer" "result[$peer.start]"
  port=$(free_port)
  issued_before=$(issued)
  born=$(date +%s)
  "start_$peer" pid "$port"
  url="http://127.0.0.1:$port/files"
  wait_for_200 "$url/1k" "$pid" "$work/$peer-proxy-$port.out"
  # The JVM logs [aot] warnings only when it cannot use the cache (flags other than the training's, another jar).
  if [[ $peer == java ]] && grep -q '\[aot\]' "$work/$peer-proxy-$port.out"; then
    aot_note="AOT cache NOT used: $(grep -m 2 '^\[' "$work/$peer-proxy-$port.out" | sed 's/^\(\[[^]]*\]\)* *//' | paste -sd ' ')"
    echo "bench: $aot_note" >&2
  fi
  sleep 2
  result[$peer.idle]=$(awk -v k="$(rss_kib "$pid")" 'BEGIN {printf "%.1f", k / 1024}')
  out=$(download_run "$url/1g" "$pid")
  read -r "result[$peer.mbs]" "result[$peer.cpu]" <<<"$out"
  out=$(checked_wrk_run 64 5 "$url/1k")
  read -r "result[$peer.cold]" _ _ <<<"$out"
  wrk_run 64 "$warmup" "$url/1k" >/dev/null
  out=$(checked_wrk_run 64 "$seconds" "$url/1k")
  read -r "result[$peer.rps]" _ "result[$peer.p99]" <<<"$out"
  wrk_run 1 $((warmup < 5 ? warmup : 5)) "$url/1k" >/dev/null
  out=$(checked_wrk_run 1 "$seconds" "$url/1k")
  read -r _ "result[$peer.p50one]" "result[$peer.p99one]" <<<"$out"
  result[$peer.hwm]=$(awk -v k="$(memory_kib VmHWM "$pid")" 'BEGIN {printf "%.1f", k / 1024}')
  result[$peer.issued]=$(($(issued) - issued_before))
  result[$peer.life]=$(($(date +%s) - born))
  if [[ -n "$profile" && $peer == java ]]; then
    profile_run "$pid" "$url/1k"
  fi
  stop "$pid"
done

# --- the table ---------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.2f" : "-", a / b}'; }
# A row: the measure, its key in result, and the target as an operator (<= or >=), a bound and what the bound is
# a multiple of (nginx or go), or else the unit of an absolute bound. met? compares relengapi-proxy's value, or its
# ratio to that peer, with the bound.
row() {
  local name=$1 key=$2 op=${3:-} bound=${4:-} of=${5:-} target="" met="" reference
  local java=${result[java.$key]} nginx=${result[nginx.$key]} go=${result[go.$key]}
  if [[ -n "$op" ]]; then
    case "$of" in
      nginx) reference=$nginx target="$bound × nginx" ;;
      go) reference=$go target="$bound × Go" ;;
      *) reference=1 target="$bound $of" ;;
    esac
    [[ $op == "<=" ]] && target="≤ $target" || target="≥ $target"
    met=$(awk -v a="$java" -v r="$reference" -v b="$bound" -v op="$op" \
      'BEGIN {print (r > 0 && ((op == "<=") ? a / r <= b : a / r >= b)) ? "yes" : "no"}')
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$java" "$nginx" "$go" "$(ratio "$java" "$nginx")" \
    "$(ratio "$java" "$go")" "$target" "$met"
}
# The token is renewed at three quarters of its lifetime (the default 10 minutes): one issuance at start, then one
# per 450 s of life.
tokens_expected=$((1 + result[java.life] / 450))
echo
echo "$(date -u +%Y-%m-%d) · $(nproc) cores · $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo) ·" \
  "$("$work/jvm/runtime/bin/java" -version 2>&1 | head -n 1) · nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') · $(go version | cut -d' ' -f3)"
echo "relengapi-proxy: scripts/jvm.options${java_flags[*]:+ + ${java_flags[*]}} · $aot_note"
echo
echo "| measure | relengapi-proxy | nginx | Go | ÷ nginx | ÷ Go | target (issue 11) | met? |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
row "start → first proxied 200 (ms, median of $starts)" start "<=" 300 ms
row "idle RSS 2 s after the first 200 (MiB)" idle "<=" 48 MiB
row "peak RSS over the whole run (MiB, VmHWM)" hwm "<=" 96 MiB
row "1 KiB, 64 conns: requests/s" rps ">=" 1.5 go
row "1 KiB, 64 conns: p99 latency (ms)" p99 "<=" 1.0 go
row "1 KiB, 64 conns, first 5 s of load (after the downloads): requests/s" cold
row "1 KiB, one conn: p50 latency (ms)" p50one "<=" 1.2 nginx
row "1 KiB, one conn: p99 latency (ms)" p99one
row "1 GiB download: MB/s (best of 3)" mbs ">=" 1.0 nginx
row "1 GiB download: proxy's CPU seconds per GiB" cpu "<=" 1.0 nginx
printf '| token issuances in its %s s of life | %s | - | - | | | %s (one per token lifetime) | %s |\n' \
  "${result[java.life]}" "${result[java.issued]}" "$tokens_expected" \
  "$([[ ${result[java.issued]} == "$tokens_expected" ]] && echo yes || echo no)"
