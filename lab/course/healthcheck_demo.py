"""Lesson 2: "it's not specific to Kubernetes" (the lecture). Docker's HEALTHCHECK runs its
command in the container like an exec probe, and on a timeout (Docker 20.10.18 and later) kills that
process only. With the shell form, sh is killed and redis-cli is orphaned to PID 1.

The learner starts the containers (docker run, docker compose) and stalls redis; this
module reads the outcome: a health check that timed out, then the zombies once redis
answers again."""

import functools

from lab.core.errors import CheckFailed, LabError, LabTimeout
from lab.core.json_types import Row
from lab.core.waiting import wait_until
from lab.course.checks import passed
from lab.engine.containers import exec_in, named
from lab.engine.docker_client import docker_errors
from lab.engine.processes import ProcessTable, process_table

TIMED_OUT = "Health check exceeded timeout"
# The lesson's three containers, as the learner names them, and whether PID 1 reaps.
CONTAINERS = {"lab-hc-shell": False, "lab-hc-init": True, "lab-compose-redis": True}
LABELS = {
    "container": "container",
    "pid1": "PID 1",
    "timed_out_checks": "health checks timed out",
    "zombies": "zombies",
    "zombie_commands": "zombie commands",
}


def timed_out_checks(name: str) -> int:
    """Docker keeps a container's last 5 health check results (`docker inspect`)."""
    container = named(name)
    with docker_errors(f"reading the health of {container.name}"):
        container.reload()
        log = (container.attrs["State"].get("Health") or {}).get("Log") or []
    return sum(TIMED_OUT in (entry.get("Output") or "") for entry in log)


def _answers(name: str) -> bool:
    """redis answers PING within 2 s; a ping that waits out a pause is killed, and is a no."""
    try:
        return exec_in(named(name), ["redis-cli", "ping"], timeout=2, quiet=True).stdout.strip() == "PONG"
    except LabError:
        return False


def _settled(name: str, *, leaks: bool) -> ProcessTable:
    """The process table once the orphaned redis-cli had its moment to exit after the pause
    (up to 3 s where zombies are expected; at once where PID 1 reaps)."""

    def with_a_zombie() -> ProcessTable | None:
        table = process_table(named(name))
        return table if table.zombies else None

    if leaks:
        try:
            found: ProcessTable = wait_until(with_a_zombie, timeout=3, interval=0.3, what=f"a zombie in {name}")
            return found
        except LabTimeout:
            pass  # the check says what was found
    return process_table(named(name))


def after_the_stall(timeout: float = 15) -> list[Row]:
    """Once every container's health log shows a check that timed out (one pass over the
    three: Docker keeps only the last 5 results, about 5 s after the pause) and redis answers
    again: per container, PID 1 and the zombies left."""
    timed_out: dict[str, int] = {}

    def each_one_timed_out() -> bool:
        for name in CONTAINERS:
            if not timed_out.get(name):  # once seen, kept: the log soon forgets it
                timed_out[name] = timed_out_checks(name)
        return all(timed_out.values())

    try:
        wait_until(each_one_timed_out, timeout=timeout, interval=0.5, what="a timed-out health check in each container")
        for name in CONTAINERS:
            wait_until(
                functools.partial(_answers, name),
                timeout=timeout,
                interval=0.5,
                what=f"redis in {name} to answer again",
            )
    except LabTimeout as error:
        raise CheckFailed(
            f"{error}. Fix: run the stall cell above, then this one within a few seconds (Docker's "
            "health log keeps only the last 5 checks)."
        ) from None
    rows = []
    for name, reaps in CONTAINERS.items():
        table = _settled(name, leaks=not reaps)
        rows.append(
            {
                "container": name,
                "pid1": table.pid1().comm,
                "timed_out_checks": timed_out[name],
                "zombies": len(table.zombies),
                "zombie_commands": ", ".join(sorted({p.comm for p in table.zombies})) or "-",
            }
        )
    return rows


def only_a_reaping_pid1_leaves_none(rows: list[Row]) -> None:
    """The shell-form health check leaked under redis-server; --init and Compose's init did not."""
    problems = []
    for row in rows:
        reaps = CONTAINERS[row["container"]]
        if reaps and row["zombies"]:
            problems.append(f"{row['container']} (PID 1 {row['pid1']}) has {row['zombies']} zombies")
        if not reaps and (row["zombies"] < 1 or row["zombie_commands"] != "redis-cli"):
            problems.append(
                f"{row['container']} (PID 1 {row['pid1']}) has {row['zombies']} zombies "
                f"({row['zombie_commands']}), expected at least one redis-cli"
            )
    if problems:
        raise CheckFailed("; ".join(problems))
    leaked = next(row for row in rows if not CONTAINERS[row["container"]])
    passed(
        f"Docker's shell-form healthcheck left {leaked['zombies']} zombie redis-cli under redis-server; "
        "docker run --init and Compose's init: true (docker-init as PID 1) left none"
    )


def outcome_as_is(rows: list[Row]) -> str:
    """02-healthcheck: what the stall left in the container whose PID 1 is redis-server."""
    as_is = next(row for row in rows if not CONTAINERS[row["container"]])
    return "leaks" if as_is["zombies"] else "none"
