"""Lesson 4: a readiness probe on the only redis, and redis stalls.

On Kubernetes the failing readiness probe takes the pod's address out of the Service's
endpoints: the only endpoint is gone, DockerCoins cannot read redis, and nothing restarts
redis (restartCount stays). It comes back only when redis answers again by itself. Docker
has no readiness: its healthcheck turns the status to unhealthy, and the network alias
keeps pointing at the container.
"""
import time
from typing import List

from . import dockercoins
from .experiments import stall
from .manifests import MANIFESTS_DIR, Manifest, load, write_work_file
from .waiting import wait_until

WORK_FILE = "04-readiness-only.yaml"
READINESS_PROBE = {"exec": {"command": ["redis-cli", "ping"]}, "periodSeconds": 2, "timeoutSeconds": 1,
                   "failureThreshold": 1}


def readiness_only() -> List[Manifest]:
    """k8s/redis.yaml with a readiness probe (and no liveness probe) on the redis container."""
    objects = load([MANIFESTS_DIR / "redis.yaml"])
    deployment = next(manifest for manifest in objects if manifest.kind == "Deployment")
    deployment.body["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = READINESS_PROBE
    return objects


def _where_redis_is(target) -> str:
    if target.has_service_endpoints:
        return ", ".join(target.endpoints("redis", quiet=True)) or "none"
    return "alias redis -> the container (always)"


def run(target, url: str, *, pause_seconds: int = 10, after_seconds: int = 5) -> List[dict]:
    """Apply the readiness-only redis, stall it, sample every second where the Service sends
    traffic, whether the webui can read redis, and restartCount; then put k8s/redis.yaml back."""
    try:
        target.apply([write_work_file(WORK_FILE, readiness_only())])
        target.wait_ready(timeout=120, names=["redis"])
        if target.has_service_endpoints:
            wait_until(lambda: target.endpoints("redis", quiet=True), timeout=30,
                       what="redis' address in the Service's endpoints", interval=0.5)
        wait_until(lambda: "hashes" in dockercoins.stats(url), timeout=60, what="the webui to read redis", interval=1)
        if target.has_service_endpoints:
            target.endpoints("redis")  # once with its command printed; the samples below are quiet
        stall(target, "redis", pause_seconds * 1000, quiet=False)
        rows, started = [], time.monotonic()
        while time.monotonic() - started < pause_seconds + after_seconds:
            sampled_at = time.monotonic()
            elapsed = round(sampled_at - started)
            rows.append({"t": elapsed, "redis paused": elapsed < pause_seconds,
                         "Service sends traffic to": _where_redis_is(target),
                         "webui reads redis": "hashes" in dockercoins.stats(url),
                         "restartCount": target.restart_count("redis")})
            time.sleep(max(0.0, 1 - (time.monotonic() - sampled_at)))  # a webui timeout already waited
        return rows
    finally:
        # Back to lesson 3's redis, for your probe next. Deleted first: server-side apply on
        # Kubernetes 1.20 cannot drop a probe it did not default ("readinessProbe: Required
        # value: must specify a handler"); `kubectl apply` without --server-side can.
        target.delete(["redis"], wait=False)
        target.apply([MANIFESTS_DIR / "redis.yaml"])
        target.wait_ready(timeout=120, names=["redis"])
