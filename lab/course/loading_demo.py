"""Lesson 6: `-LOADING`, the other error reply `redis-cli ping` passes on, and the startupProbe.

While redis loads its dataset (at start, after a restart with persistence on), it answers
most commands (a few, INFO among them, still work) with `LOADING Redis is loading the dataset in memory`. `redis-cli ping`
prints that and exits 0; `redis-cli -e ping` exits 1. So the checked probe of section 3
(`-e`, the fix for NOAUTH) fails for as long as redis loads, and a dataset that takes
longer than failureThreshold x periodSeconds to load gets redis restarted in the middle of
loading, again and again. A startupProbe holds the liveness probe off until it first
passes: the same command, with failureThreshold x periodSeconds above the longest load.

The demonstration: a redis run with `--enable-debug-command yes` (this demo only), filled
with `DEBUG POPULATE`, then `DEBUG RELOAD`, which saves the dataset and loads it again,
answering LOADING meanwhile. Both probe commands are run by hand until redis answers PONG.
"""

import copy
import threading
import time

import yaml

from lab.core.errors import LabError
from lab.core.json_types import JsonObject, Row
from lab.core.waiting import ticks
from lab.course.deployments import redis_deployment
from lab.targets import manifests
from lab.targets.contract import Target
from lab.targets.deployed import deployed
from lab.targets.manifests import MANIFESTS_DIR, Manifest, write_work_file

NAME = "loading-demo"
WORK_FILE = "06-loading.yaml"
STARTUP_FILE = "06-redis-startup.yaml"
KEYS = 2_000_000  # about 1.3 s to load on 2 cores, about 190 MB (the first sample waits out the save)
PROBES = {"plain_ping": ["redis-cli", "ping"], "checked_ping": ["redis-cli", "-e", "ping"]}
LABELS = {
    "t": "t (s)",
    "plain_ping": "redis-cli ping",
    "checked_ping": "redis-cli -e ping",
}  # Table(rows, labels=LABELS)


def _checked_probe(failure_threshold: int) -> JsonObject:
    return {
        "exec": {"command": ["redis-cli", "-e", "ping"]},
        "periodSeconds": 5,
        "timeoutSeconds": 1,
        "failureThreshold": failure_threshold,
    }


STARTUP_PROBE = _checked_probe(60)  # up to 60 x 5 s = 5 minutes to load, then the liveness probe starts
LIVENESS_PROBE = _checked_probe(3)


def deployment() -> Manifest:
    manifest = redis_deployment(NAME, ["redis-cli", "ping"], redis_is_pid1=False, period=5, failure_threshold=1000)
    container = manifest.body["spec"]["template"]["spec"]["containers"][0]
    container["args"] = container["args"] + ["--enable-debug-command", "yes"]  # DEBUG is off by default since 7.0
    # 2 million keys take about 190 MB: more than a workshop room's default limit (128Mi)
    container["resources"] = {"requests": {"memory": "64Mi"}, "limits": {"memory": "384Mi"}}
    return manifest


def _replies(target: Target, started: float, *, quiet: bool = True) -> Row:
    """Both probe commands, run by hand as the kubelet would: what each prints, how it exits."""
    row: Row = {"t": round(time.monotonic() - started, 1)}
    for field, command in PROBES.items():
        result = target.exec(NAME, command, quiet=quiet)
        row[field] = f"{result.output.strip()} (exit {result.exit_code})"
    return row


def _redis_says_ok(target: Target, command: list[str]) -> None:
    result = target.exec(NAME, command, timeout=60)
    if result.output.strip() != "OK":
        raise LabError(
            f"{' '.join(command)} answered {result.output.strip()!r}, not OK. Fix: re-run the cell; "
            "if it says DEBUG is not allowed, the container was not started with --enable-debug-command."
        )


def run(target: Target, *, keys: int = KEYS, timeout: float = 60) -> list[Row]:
    """Fill a redis, reload it, and sample both probe commands while it loads; one row per sample.
    Removes what it deployed, also when interrupted."""
    with deployed(target, [deployment()], work_file=WORK_FILE):
        _redis_says_ok(target, ["redis-cli", "DEBUG", "POPULATE", str(keys)])
        reload = threading.Thread(
            target=target.exec, args=(NAME, ["redis-cli", "DEBUG", "RELOAD"]), kwargs={"timeout": timeout}, daemon=True
        )
        started = time.monotonic()
        reload.start()  # prints its command as it starts
        time.sleep(0.2)
        rows: list[Row] = []
        for _ in ticks(timeout - (time.monotonic() - started), interval=0.2):
            try:
                rows.append(_replies(target, started, quiet=bool(rows)))  # the commands printed once
            except LabError as error:  # a busy API server may refuse one exec: sample again
                print(f"  (one sample failed: {error}; sampling again)")
            if rows and _both_pong(rows[-1]):
                break
        reload.join(timeout=timeout)
        return rows


def _both_pong(row: Row) -> bool:
    return all(row[field].startswith("PONG") for field in PROBES)


def redis_with_startup_probe() -> Manifest:
    """k8s/redis.yaml's Deployment with a startupProbe and a liveness probe, both `redis-cli -e ping`."""
    redis = next(m for m in manifests.load([MANIFESTS_DIR / "redis.yaml"]) if m.kind == "Deployment")
    container = redis.body["spec"]["template"]["spec"]["containers"][0]
    container["startupProbe"] = copy.deepcopy(STARTUP_PROBE)
    container["livenessProbe"] = copy.deepcopy(LIVENESS_PROBE)
    manifests.validate(redis)  # against the Kubernetes API's schema: a typo is an error here
    return redis


def startup_probe_yaml() -> str:
    """The container's probes as they sit in the YAML."""
    probes = {"startupProbe": copy.deepcopy(STARTUP_PROBE), "livenessProbe": copy.deepcopy(LIVENESS_PROBE)}
    return yaml.safe_dump(probes, sort_keys=False, default_flow_style=None).rstrip()


def write_startup_file() -> str:
    """work/06-redis-startup.yaml, validated against the API schema; the learner's next cell
    has the API server check it (`kubectl apply --dry-run=server -f ...`)."""
    return manifests.shown_path(write_work_file(STARTUP_FILE, [redis_with_startup_probe()]))
