"""Checks the lessons call: a clear PASS line, or CheckFailed (lab.core.errors) with what is wrong and a hint.

Under nbval a failed check fails the notebook's test, so the same call teaches and tests.
"""

from dataclasses import dataclass

from lab.core.console import passed as print_pass
from lab.core.errors import CheckFailed, LabTimeout
from lab.core.waiting import wait_until
from lab.course import progress
from lab.engine.containers import ContainerRef, get, logs
from lab.engine.processes import ProcessTable, process_table


def passed(message: str) -> None:
    """PASS, and counted in this participant's progress for the lesson."""
    print_pass(message)
    progress.record_check(message)


@dataclass
class _Snapshots:
    """What a bounded wait has read of a container's processes: the latest table, and why
    the latest snapshot failed. One failed snapshot is not a failed check: a check retries
    until its own deadline instead of failing on one slow exec."""

    ref: ContainerRef
    table: ProcessTable | None = None
    error: str | None = None

    def read(self, *, keep_last: bool = False) -> ProcessTable | None:
        """A new snapshot; when it fails, None (or with ``keep_last``, the last one read)."""
        try:
            self.table = process_table(self.ref)
        except LabTimeout as error:
            self.error = str(error)
            self.table = self.table if keep_last else None
        return self.table


def expect_zombies(ref: ContainerRef, count: int, *, timeout: float = 5, hint: str = "") -> ProcessTable:
    """Wait (bounded) until the container has exactly ``count`` zombies."""
    name = get(ref).name
    latest = _Snapshots(ref)

    def settled() -> ProcessTable | None:
        table = latest.read()
        return table if table is not None and len(table.zombies) == count else None

    try:
        table = wait_until(settled, timeout=timeout, what=f"{count} zombies in {name}", interval=0.2)
    except LabTimeout:
        found = (
            f"found {len(latest.table.zombies)}"
            if latest.table
            else f"could not read its process table ({latest.error})"
        )
        raise CheckFailed(f"expected {count} zombies in {name}, {found} after {timeout:g}s. {hint}".strip()) from None
    parents = sorted({p.ppid for p in table.zombies})
    owner = f", all children of PID {parents[0]} ({table.pid1().comm})" if parents == [1] else ""
    passed(f"{name} has exactly {count} zombie{'s' if count != 1 else ''}{owner}")
    return table


def expect_pid1(ref: ContainerRef, comm: str, *, hint: str = "") -> ProcessTable:
    """PID 1 of the container is ``comm`` (the kernel's short name, e.g. tini)."""
    table = process_table(ref)
    pid1 = table.pid1()
    if pid1.comm != comm:
        raise CheckFailed(f"PID 1 in {table.container_name} is {pid1.comm!r}, expected {comm!r}. {hint}".strip())
    passed(f"PID 1 in {table.container_name} is {comm} ({pid1.command})")
    return table


def expect_log_count(ref: ContainerRef, text: str, count: int, *, timeout: float = 5) -> int:
    """Wait (bounded) until ``text`` appears exactly ``count`` times in the container's logs."""
    name = get(ref).name
    seen = {"n": 0}

    def enough() -> bool:
        seen["n"] = logs(ref, quiet=True).count(text)
        return seen["n"] >= count

    try:
        wait_until(enough, timeout=timeout, what=f"{count} log lines with {text!r} in {name}", interval=0.2)
    except LabTimeout:
        pass
    if seen["n"] != count:
        raise CheckFailed(f"expected {count} log lines containing {text!r} in {name}, found {seen['n']}")
    passed(f"{name} logged {text!r} {count} time{'s' if count != 1 else ''}")
    return count


def expect(condition: bool, success: str, failure: str, hint: str | None = None) -> None:
    """A general check: print ``success`` or fail with ``failure`` and the hint."""
    if not condition:
        raise CheckFailed(f"{failure}" + (f" Hint: {hint}" if hint else ""))
    passed(success)


def expect_reaped(ref: ContainerRef, comm: str, *, timeout: float = 10) -> ProcessTable:
    """Wait (bounded) until no process named ``comm`` is left, running or zombie."""
    name = get(ref).name
    latest = _Snapshots(ref)

    def gone() -> ProcessTable | None:
        table = latest.read(keep_last=True)
        return table if table is not None and not any(p.comm == comm for p in table.processes) else None

    try:
        table = wait_until(gone, timeout=timeout, what=f"every {comm} in {name} to exit and be reaped", interval=0.2)
    except LabTimeout:
        if latest.table is None:
            raise CheckFailed(f"could not read the process table of {name}: {latest.error}") from None
        left = [p for p in latest.table.processes if p.comm == comm]
        zombies = sum(p.is_zombie for p in left)
        raise CheckFailed(
            f"{len(left)} {comm} process(es) remain in {name} after {timeout:g}s, {zombies} of them zombies. "
            "Hint: is PID 1 a process that reaps (tini, docker-init)?"
        ) from None
    passed(f"every {comm} in {name} exited and was reaped by PID 1 ({table.pid1().comm})")
    return table
