"""Lesson 4: a readiness probe on the only redis, failing while redis answers.

On Kubernetes a failing readiness probe takes the pod's address out of the Service's
endpoints. With one redis that is the only endpoint: a new connection to `redis` is
refused, although redis itself answers, and nothing restarts it (restartCount stays).
A connection opened before keeps working (kube-proxy steers new connections only; the
webui's is one). The address comes back only when the probe passes again.

To show the endpoint alone is the cause, the demo's readiness probe fails on demand,
while redis keeps answering: it passes as long as the file /tmp/not-ready does not exist
(`test ! -e /tmp/not-ready`, exec form). A `redis-cli ping` readiness probe takes the
address away in the same way whenever redis is slow; then clients fail anyway, so it adds
nothing, and if redis stays stuck nothing restarts it.
"""

import time
from collections.abc import Callable

from lab.core.errors import LabError
from lab.core.json_types import Row
from lab.core.waiting import ticks, wait_until
from lab.course import dockercoins, learner_copy
from lab.targets.contract import Target
from lab.targets.manifests import MANIFESTS_DIR, Manifest, load, write_work_file

WORK_FILE = "04-readiness-only.yaml"
BACK_WITHIN = 20  # seconds: the address returns a second or two after the probe passes again
FLAG = "/tmp/not-ready"
# A client that opens a new connection, as a freshly started worker would (the DockerCoins image has Python).
NEW_CONNECTION = [
    "python",
    "-c",
    'import socket; socket.create_connection(("redis", 6379), timeout=2); print("connected")',
]
READINESS_PROBE = {
    "exec": {"command": ["test", "!", "-e", FLAG]},
    "periodSeconds": 1,
    "timeoutSeconds": 1,
    "failureThreshold": 1,
}


def readiness_only() -> list[Manifest]:
    """k8s/redis.yaml with a readiness probe (and no liveness probe) on the redis container."""
    objects = load([MANIFESTS_DIR / "redis.yaml"])
    deployment = next(manifest for manifest in objects if manifest.kind == "Deployment")
    deployment.body["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = READINESS_PROBE
    return objects


def _where_redis_is(target: Target) -> str:
    return ", ".join(target.endpoints("redis", quiet=True)) or "none"


def new_connection(target: Target, *, quiet: bool = True) -> str:
    """From the worker's pod, open a new TCP connection to the Service name `redis`."""
    result = target.exec("worker", NEW_CONNECTION, quiet=quiet)
    return "connected" if result.exit_code == 0 else "refused" if "Refused" in result.output else "failed"


# A sample's fields, and the column each is shown under: Table(rows, labels=LABELS).
LABELS = {
    "t": "t (s)",
    "probe_failing": "probe made to fail",
    "redis_answers": "redis answers in its pod",
    "service_sends_to": "Service sends traffic to",
    "new_connection": "new connection to redis",
    "webui_reads": "webui reads redis (connection open before)",
    "restarts": "restartCount",
}


def _sample(target: Target, url: str, started: float, flagged: bool) -> Row:
    return {
        "t": round(time.monotonic() - started, 1),
        "probe_failing": flagged,
        "redis_answers": target.exec("redis", ["redis-cli", "ping"], quiet=True).output.strip(),
        "service_sends_to": _where_redis_is(target),
        "new_connection": new_connection(target),
        "webui_reads": "hashes" in dockercoins.stats(url),
        "restarts": target.restart_count("redis"),
    }


def _sample_for(
    target: Target,
    url: str,
    seconds: float,
    started: float,
    flagged: bool,
    *,
    until: Callable[[Row], bool] = lambda row: False,
) -> list[Row]:
    """A row a second for ``seconds``, or until ``until(row)`` holds for the latest row."""
    rows: list[Row] = []
    for _ in ticks(seconds, interval=1):  # a sample slowed by a webui timeout delays the next one
        rows.append(_sample(target, url, started, flagged))
        if until(rows[-1]):
            break
    return rows


def _back(row: Row) -> bool:
    """The probe passes again and the Service has redis' address: new connections get through."""
    back: bool = row["new_connection"] == "connected" and row["service_sends_to"] != "none"
    return back


def _run_in_redis(target: Target, command: list[str]) -> None:
    result = target.exec("redis", command)
    if result.exit_code != 0:
        raise LabError(f"{' '.join(command)} in redis failed: {result.output.strip()}. Fix: re-run the cell.")


def run(target: Target, url: str, *, failing_seconds: int = 6) -> list[Row]:
    """Apply the readiness-only redis, make its probe fail for a while (redis keeps answering),
    sample every second where the Service sends traffic, whether a new connection gets
    through, whether the webui still reads redis, and restartCount; then put k8s/redis.yaml back."""
    try:
        # Deleted first: the redis running may carry your liveness probe from an earlier run,
        # and server-side apply on Kubernetes 1.20 cannot drop a probe (see below).
        target.delete(["redis"], wait=False)
        target.apply([write_work_file(WORK_FILE, readiness_only())])
        target.wait_ready(timeout=120, names=["redis"])
        wait_until(
            lambda: target.endpoints("redis", quiet=True),
            timeout=30,
            what="redis' address in the Service's endpoints",
            interval=0.5,
        )
        wait_until(lambda: "hashes" in dockercoins.stats(url), timeout=60, what="the webui to read redis", interval=1)
        target.endpoints("redis")  # once with its command printed; the samples below are quiet
        new_connection(target, quiet=False)
        started = time.monotonic()
        _run_in_redis(target, ["touch", FLAG])
        rows = _sample_for(target, url, failing_seconds, started, flagged=True)
        _run_in_redis(target, ["rm", FLAG])
        # Back within a period, an endpoints update and kube-proxy's sync: sampled until then (bounded)
        rows += _sample_for(target, url, BACK_WITHIN, started, flagged=False, until=_back)
        return rows + [_sample(target, url, started, flagged=False)]
    finally:
        # Back to your redis from lesson 3 (work/k8s/redis.yaml, else k8s/'s), for your probe
        # next. Deleted first: server-side apply on Kubernetes 1.20 cannot drop a probe it did
        # not default ("readinessProbe: Required value: must specify a handler").
        target.delete(["redis"], wait=False)
        target.apply([learner_copy.redis_yaml()])
        target.wait_ready(timeout=120, names=["redis"])
