"""Lesson 5: "it's not specific to Kubernetes". Docker's HEALTHCHECK runs its command in the
container like an exec probe, and on a timeout (Docker 20.10.18 and later) kills that
process only. With the shell form, sh is killed and redis-cli is orphaned to PID 1.

The learner starts the containers (docker run, docker compose) and stalls redis; this
module reads the outcome: a health check that timed out, then the zombies once redis
answers again."""
from typing import List, Optional

from lab.core.errors import LabError, LabTimeout
from lab.core.json_types import Row
from lab.core.waiting import wait_until
from lab.course.checks import CheckFailed, passed
from lab.engine.containers import exec_in, get
from lab.engine.docker_client import docker_errors
from lab.engine.processes import ProcessTable, process_table

TIMED_OUT = "Health check exceeded timeout"
# The lesson's three containers: their short names, and whether PID 1 reaps.
CONTAINERS = {"hc-shell": False, "hc-init": True, "compose-redis": True}
LABELS = {"container": "container", "pid1": "PID 1", "timed_out_checks": "health checks timed out",
          "zombies": "zombies", "zombie_commands": "zombie commands"}


def timed_out_checks(short_name: str) -> int:
    """Docker keeps a container's last 5 health check results (`docker inspect`)."""
    container = get(short_name)
    with docker_errors(f"reading the health of {container.name}"):
        container.reload()
        log = (container.attrs["State"].get("Health") or {}).get("Log") or []
    return sum(TIMED_OUT in (entry.get("Output") or "") for entry in log)


def _answers(short_name: str) -> bool:
    """redis answers PING within 2 s; a ping that waits out a pause is killed, and is a no."""
    try:
        return exec_in(short_name, ["redis-cli", "ping"], timeout=2, quiet=True).stdout.strip() == "PONG"
    except LabError:
        return False


def _settled(short_name: str, *, leaks: bool) -> ProcessTable:
    """The process table once the orphaned redis-cli had its moment to exit after the pause
    (up to 3 s where zombies are expected; at once where PID 1 reaps)."""
    def with_a_zombie() -> Optional[ProcessTable]:
        table = process_table(short_name)
        return table if table.zombies else None

    if leaks:
        try:
            found: ProcessTable = wait_until(with_a_zombie, timeout=3, interval=0.3, what=f"a zombie in lab-{short_name}")
            return found
        except LabTimeout:
            pass  # the check says what was found
    return process_table(short_name)


def after_the_stall(timeout: float = 30) -> List[Row]:
    """Per container: once a health check has timed out and redis answers again (bounded),
    PID 1 and the zombies left."""
    rows = []
    for short_name in CONTAINERS:
        try:
            wait_until(lambda: timed_out_checks(short_name) > 0, timeout=timeout, interval=0.5,
                       what=f"a timed-out health check in lab-{short_name}")
            wait_until(lambda: _answers(short_name), timeout=timeout, interval=0.5,
                       what=f"redis in lab-{short_name} to answer again")
        except LabTimeout as error:
            raise CheckFailed(f"{error}. Fix: run the stall cell above (CLIENT PAUSE 5000 ALL in each container), "
                              "then this one.") from None
        table = _settled(short_name, leaks=not CONTAINERS[short_name])
        rows.append({"container": f"lab-{short_name}", "pid1": table.pid1().comm,
                     "timed_out_checks": timed_out_checks(short_name), "zombies": len(table.zombies),
                     "zombie_commands": ", ".join(sorted({p.comm for p in table.zombies})) or "-"})
    return rows


def only_a_reaping_pid1_leaves_none(rows: List[Row]) -> None:
    """The shell-form health check leaked under redis-server; --init and Compose's init did not."""
    problems = []
    for row in rows:
        reaps = CONTAINERS[row["container"].removeprefix("lab-")]
        if reaps and row["zombies"]:
            problems.append(f"{row['container']} (PID 1 {row['pid1']}) has {row['zombies']} zombies")
        if not reaps and (row["zombies"] < 1 or row["zombie_commands"] != "redis-cli"):
            problems.append(f"{row['container']} (PID 1 {row['pid1']}) has {row['zombies']} zombies "
                            f"({row['zombie_commands']}), expected at least one redis-cli")
    if problems:
        raise CheckFailed("; ".join(problems))
    leaked = next(row for row in rows if not CONTAINERS[row["container"].removeprefix("lab-")])
    passed(f"Docker's shell-form healthcheck left {leaked['zombies']} zombie redis-cli under redis-server; "
           "docker run --init and Compose's init: true (docker-init as PID 1) left none")
