"""Lesson 6: the liveness probe that passes while every client is refused.

`redis-cli ping` exits 0 on an error reply (measured with redis-cli 7.0.15, and live here): against a redis
with `requirepass` it prints `NOAUTH Authentication required.` and exits 0, so an exec
probe `["redis-cli", "ping"]` passes whatever redis answers. `redis-cli -e` exits 1 on an
error reply, and `REDISCLI_AUTH` gives redis-cli the password without putting it on the
command line. The same holds for `-LOADING` while a large dataset loads.

The experiment runs two redis pods with a password, one with each probe, then changes the
password inside redis (as a rotation done wrong would): clients that still use the old
one are refused. The naive probe keeps passing; the checked probe starts failing.
"""

from lab.core.json_types import Row
from lab.core.waiting import ticks
from lab.course.deployments import redis_deployment
from lab.targets.contract import Target
from lab.targets.deployed import deployed
from lab.targets.manifests import Manifest

PASSWORD = "lesson-06-secret"  # a demo value; in production it comes from a Secret (secretKeyRef)
ROTATED = "rotated-by-someone-else"
NAIVE = "auth-naive"  # probe ["redis-cli", "ping"], no password
CHECKED = "auth-checked"  # probe ["redis-cli", "-e", "ping"] with REDISCLI_AUTH
CHECKED_FAILURES = 3  # the checked probe fails this often (about 6 s) while the naive one is watched too
WORK_FILE = "06-auth-trap.yaml"


def _redis_with_password(name: str, probe: list[str], *, probe_has_password: bool) -> Manifest:
    manifest = redis_deployment(name, probe, period=2, failure_threshold=1000)
    container = manifest.body["spec"]["template"]["spec"]["containers"][0]
    container["args"] = container["args"] + ["--requirepass", PASSWORD]
    if probe_has_password:
        # An exec probe runs with the container's environment: redis-cli reads REDISCLI_AUTH.
        container["env"] = [{"name": "REDISCLI_AUTH", "value": PASSWORD}]
    return manifest


def deployments() -> list[Manifest]:
    return [
        _redis_with_password(NAIVE, ["redis-cli", "ping"], probe_has_password=False),
        _redis_with_password(CHECKED, ["redis-cli", "-e", "ping"], probe_has_password=True),
    ]


def _probe_reply(target: Target, name: str, probe: list[str]) -> Row:
    """Run the pod's probe command by hand, as the kubelet does: what it prints, how it exits."""
    result = target.exec(name, probe)
    return {"reply": result.output.strip().splitlines()[-1] if result.output.strip() else "", "exit": result.exit_code}


# A row's fields, and the column each is shown under: Table(rows, labels=LABELS).
LABELS = {
    "pod": "pod",
    "probe": "probe",
    "probe_has_password": "probe has the password",
    "probe_reply": "probe reply",
    "probe_exit": "probe exit code",
    "client_without_password": "client without password",
    "reply_after": "reply after the change",
    "exit_after": "exit after",
    "failures_after": "probe failures after",
}


def run(target: Target, *, watch_seconds: float = 30) -> list[Row]:
    """Deploy both, read each probe's reply, rotate the password, and count both probes'
    failures until the checked one has failed CHECKED_FAILURES times (at most
    ``watch_seconds``): the kubelet's count, not a fixed sleep, so a loaded machine only
    takes longer. Removes what it deployed, also when interrupted."""
    objects = deployments()
    names = [manifest.name for manifest in objects]
    probes = {
        manifest.name: manifest.body["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["exec"]["command"]
        for manifest in objects
    }
    with deployed(target, objects, work_file=WORK_FILE):
        rows: dict[str, Row] = {
            name: {"pod": name, "probe": " ".join(probes[name]), "probe_has_password": name == CHECKED}
            for name in names
        }
        for name in names:
            before = _probe_reply(target, name, probes[name])
            rows[name].update({"probe_reply": before["reply"], "probe_exit": before["exit"]})
            client = target.exec(name, ["env", "-u", "REDISCLI_AUTH", "redis-cli", "INCR", "hits"])  # no password
            rows[name]["client_without_password"] = client.output.strip()
        failures_before = {name: target.failed_probes(name) for name in names}
        for name in names:
            # Authenticated through the environment (REDISCLI_AUTH), not -a, which warns on stderr.
            target.exec(
                name, ["env", f"REDISCLI_AUTH={PASSWORD}", "redis-cli", "CONFIG", "SET", "requirepass", ROTATED]
            )
        print(
            f"password changed inside both redis; watching both probes until {CHECKED} has failed "
            f"{CHECKED_FAILURES} times (at most {watch_seconds:g}s)..."
        )
        for _ in ticks(watch_seconds, interval=1):
            if len(target.failed_probes(CHECKED) - failures_before[CHECKED]) >= CHECKED_FAILURES:
                break
        else:
            print(f"(stopped watching after {watch_seconds:g}s: {CHECKED} had not failed {CHECKED_FAILURES} times)")
        for name in names:
            after = _probe_reply(target, name, probes[name])
            rows[name].update(
                {
                    "reply_after": after["reply"],
                    "exit_after": after["exit"],
                    "failures_after": len(target.failed_probes(name) - failures_before[name]),
                }
            )
        return list(rows.values())
