#!/usr/bin/env bash
# Make sure a Docker Engine answers. On a Debian/Ubuntu machine where we are root,
# install docker.io and start dockerd ourselves (no systemd needed); anywhere else,
# print the one-line fix and fail.
set -euo pipefail

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/lab-dockerd.log}
WAIT_SECONDS=${DOCKER_WAIT_SECONDS:-60}

docker_answers() { docker info >/dev/null 2>&1; }

# Lesson 2 runs a Compose file: `docker compose` (the plugin) or Debian's `docker-compose`.
ensure_compose() {
  if docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "docker-up: installing docker-compose from the distribution's packages (lesson 2's Compose file)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null && return 0
  fi
  echo "docker-up: no Docker Compose here (lesson 2 uses it). Fix: install Docker's compose plugin, or: sudo apt-get install docker-compose" >&2
  return 1
}

if command -v docker >/dev/null 2>&1 && docker_answers; then
  echo "docker-up: Docker Engine $(docker version --format '{{.Server.Version}}') is answering."
  ensure_compose
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "docker-up: Docker is not running. Fix: start Docker Desktop (macOS/Windows) or 'sudo systemctl start docker' (Linux), then run this again." >&2
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker-up: installing docker.io from the distribution's packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

echo "docker-up: starting dockerd (log: $DOCKERD_LOG)..."
# In a session of its own: a Ctrl-C in this terminal, or the end of the calling job,
# must not take the engine down with it.
setsid dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
# The fault tests stop and restart only a dockerd that this script started.
echo $! > /run/lab-dockerd.pid
for _ in $(seq "$WAIT_SECONDS"); do
  if docker_answers; then
    echo "docker-up: Docker Engine $(docker version --format '{{.Server.Version}}') is answering."
    ensure_compose
    exit 0
  fi
  sleep 1
done
echo "docker-up: dockerd did not answer within ${WAIT_SECONDS}s; the end of its log:" >&2
tail -n 30 "$DOCKERD_LOG" >&2
exit 1
