#!/usr/bin/env bash
# When Docker Hub cannot be reached (CI, offline workshop machines), build stand-ins
# for the official base images from Debian packages, so every Dockerfile in images/
# builds unchanged: the lab picks a stand-in only when the official image is absent.
#
#   lab-standin/debian:bookworm  debootstrap --variant=minbase + docker import
#   lab-standin/redis:7          Debian's redis-server, shaped like the official image
#                                (docker-entrypoint.sh that ends in exec: redis is PID 1)
#   lab-standin/python:3         Debian's python3 (for the DockerCoins services)
#
# The redis stand-in is also tagged with the official name (redis:7.2.4-bookworm), which
# k8s/redis.yaml names: a cluster here gets it loaded, as kind's node would pull it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/debian-archive.sh
. scripts/lib/debian-archive.sh

OFFICIAL_PROBE_IMAGE=${OFFICIAL_PROBE_IMAGE:-redis:7.2.4-bookworm}
# The Debian archive this machine's apt already uses; where it has none, debootstrap's own default.
read -r MIRROR _ < <(debian_archive) || true
STANDIN_LABEL="io.redis-tini-lab.standin=1"

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

is_standin() { [ "$(docker image inspect -f '{{ index .Config.Labels "io.redis-tini-lab.standin" }}' "$1" 2>/dev/null)" = 1 ]; }

if have_image "$OFFICIAL_PROBE_IMAGE" && ! is_standin "$OFFICIAL_PROBE_IMAGE"; then
  echo "standin-bases: official $OFFICIAL_PROBE_IMAGE is present; no stand-ins needed."
  exit 0
fi
if [ "${LAB_FORCE_STANDINS:-}" != 1 ] && timeout 20 docker pull -q "$OFFICIAL_PROBE_IMAGE" >/dev/null 2>&1; then
  echo "standin-bases: pulled $OFFICIAL_PROBE_IMAGE from Docker Hub; no stand-ins needed."
  exit 0
fi
echo "standin-bases: Docker Hub is not reachable; building stand-in bases from Debian packages."

if ! have_image lab-standin/debian:bookworm; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    else
      echo "standin-bases: debootstrap is missing. Fix: sudo apt-get install -y debootstrap" >&2
      exit 1
    fi
  fi
  rootfs=$(mktemp -d /tmp/lab-standin-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  start=$(date +%s)
  debootstrap --variant=minbase bookworm "$rootfs" ${MIRROR:+"$MIRROR"} >/tmp/lab-debootstrap.log 2>&1 \
    || { echo "standin-bases: debootstrap failed; the end of its log:" >&2; tail -n 20 /tmp/lab-debootstrap.log >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change 'CMD ["bash"]' --change "LABEL $STANDIN_LABEL" - lab-standin/debian:bookworm >/dev/null
  echo "standin-bases: lab-standin/debian:bookworm imported in $(( $(date +%s) - start ))s."
fi

build_standin() {  # name, context directory
  if have_image "$1"; then echo "standin-bases: $1 is present."; return; fi
  start=$(date +%s)
  docker build -q --label "$STANDIN_LABEL" -t "$1" "$2" >/dev/null
  echo "standin-bases: $1 built in $(( $(date +%s) - start ))s."
}
build_standin lab-standin/redis:7 .ci/standin/redis
build_standin lab-standin/python:3 .ci/standin/python
# k8s/redis.yaml names the official image: here, that name is the stand-in.
docker tag lab-standin/redis:7 "$OFFICIAL_PROBE_IMAGE"
echo "standin-bases: lab-standin/redis:7 is also tagged $OFFICIAL_PROBE_IMAGE (k8s/redis.yaml's image)."
