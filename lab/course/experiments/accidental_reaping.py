"""Lesson 5: redis reaps by accident while a BGSAVE child runs.

While that child runs, redis calls waitpid(-1) and so reaps every stray child it was
given, logging "Warning, detected child with unmatched pid" for each one.
"""

import time
from dataclasses import dataclass

from lab.core.json_types import Row
from lab.core.waiting import wait_until
from lab.course.deployments import redis_deployment
from lab.course.experiments.stall import stall
from lab.engine.processes import pod_process_table
from lab.targets.contract import Target
from lab.targets.deployed import deployed

NAME = "zombies-bgsave"


@dataclass
class AccidentalReaping:
    zombies_before: int
    unmatched_pid_log_lines: list[str]  # redis' "Warning, detected child with unmatched pid: N", one per reaped stray
    seconds_to_none_left: float  # from the one write to no zombie left
    experiment_seconds: float

    def row(self) -> Row:
        """For display: labels a reader understands."""
        return {
            "zombies before": self.zombies_before,
            "zombies after": 0,
            "'unmatched pid' log lines": len(self.unmatched_pid_log_lines),
            "seconds from the write to none left": self.seconds_to_none_left,
            "experiment seconds": self.experiment_seconds,
        }


def accidental_reaping(target: Target, *, pause_ms: int = 4000) -> AccidentalReaping:
    """Leak zombies with a shell-form probe, then let redis' own save rules start a BGSAVE."""
    started = time.monotonic()
    with deployed(target, [redis_deployment(NAME, ["sh", "-c", "redis-cli ping"], period=1)], ready_timeout=60):
        stall(target, NAME, pause_ms, quiet=False)
        time.sleep(pause_ms / 1000 + 1.5)  # the orphaned redis-cli processes exit once the pause ends
        before = len(pod_process_table(target, NAME, quiet=True).zombies)
        print(f"{before} zombies under redis-server; now the default-like save rule '1 1' and one write:")
        target.exec(NAME, ["redis-cli", "CONFIG", "SET", "save", "1 1"])
        target.exec(NAME, ["redis-cli", "INCR", "lab:one-write"])
        reaped_at = time.monotonic()
        wait_until(
            lambda: not pod_process_table(target, NAME, quiet=True).zombies,
            timeout=15,
            what="a BGSAVE to reap the zombies",
            interval=0.2,
        )
        seconds = time.monotonic() - reaped_at
        log_lines = [line for line in target.logs(NAME).splitlines() if "unmatched pid" in line]
    return AccidentalReaping(before, log_lines, round(seconds, 1), round(time.monotonic() - started, 1))
