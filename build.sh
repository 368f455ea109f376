#!/usr/bin/env bash
# Builds relengapi-proxy: the jar and WAR with Maven, then the Docker image.
#
#   ./build.sh IMAGE        e.g. ./build.sh relengapi-proxy:dev
#   ./build.sh --help
#
# Needs Java 17 and Maven (for the jar and WAR, tested), and docker (for the image). The Dockerfile builds the jar
# again inside its own build stage, so the image does not depend on this machine's Maven repository.
set -euo pipefail
cd "$(dirname "$0")"

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") echo "build.sh: missing IMAGE (the name and tag of the image to build)" >&2; usage >&2; exit 2 ;;
esac
[[ $# -eq 1 ]] || { echo "build.sh: expected one argument, IMAGE" >&2; usage >&2; exit 2; }
image=$1

need() { command -v "$1" >/dev/null || { echo "build.sh: $1 not found: $2" >&2; exit 1; }; }
need java "install a Java 17 JDK"
need mvn "install Apache Maven 3.8 or later"
need docker "install Docker to build the image (the jar and WAR need only Java and Maven: mvn -B package)"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[[ "${java_major:-0}" -ge 17 ]] || { echo "build.sh: Java 17 or later is needed, found ${java_major:-unknown}" >&2; exit 1; }

docker info >/dev/null 2>&1 || { echo "build.sh: docker is installed but its engine does not answer (is the daemon running?)" >&2; exit 1; }

mvn -B -q package -DskipTests
docker build -t "$image" .
echo "build.sh: built target/relengapi-proxy.jar, target/relengapi-proxy.war and image $image"
