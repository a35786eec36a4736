"""A container's process table, read from /proc through one `docker exec`.

Works in images without `ps` (the official redis image has no procps). The kernel
writes /proc/<pid>/stat as ``pid (comm) state ppid ...``; comm may itself contain
spaces and parentheses, so we split on the *last* ')'.
"""

import html
from dataclasses import dataclass
from typing import Protocol

from lab.core.console import show_command
from lab.core.errors import LabError
from lab.engine.containers import ContainerRef, exec_in, get
from lab.engine.exec_result import ExecResult

# One process, no shell left behind: sh expands the globs, then `exec` replaces it
# with grep, which prints "path:line" for every stat and cmdline file. The first file,
# /proc/self/stat, tells us grep's own PID so we can leave the snapshot out of it.
SNAPSHOT_SCRIPT = 'exec grep -a -s -H "" /proc/self/stat /proc/[0-9]*/stat /proc/[0-9]*/cmdline'
SNAPSHOT_COMMAND = ["sh", "-c", SNAPSHOT_SCRIPT]

STATE_NAMES = {
    "R": "running",
    "S": "sleeping",
    "D": "disk sleep",
    "Z": "zombie",
    "T": "stopped",
    "t": "tracing stop",
    "X": "dead",
    "I": "idle",
}


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    state: str  # one letter: Z is a zombie
    comm: str  # the kernel's short name (15 characters at most)
    args: str = ""  # the full command line; empty for zombies, whose memory is gone

    @property
    def is_zombie(self) -> bool:
        return self.state == "Z"

    @property
    def command(self) -> str:
        return self.args or f"[{self.comm}]"


def parse_stat(line: str) -> Process:
    """Parse one /proc/<pid>/stat line."""
    try:
        pid_text, rest = line.split(" (", 1)
        comm, fields = rest.rsplit(")", 1)
        state, ppid = fields.split()[:2]
        return Process(pid=int(pid_text), ppid=int(ppid), state=state, comm=comm)
    except ValueError as error:
        raise ValueError(f"not a /proc/<pid>/stat line: {line[:80]!r}") from error


def parse_snapshot(text: str) -> list[Process]:
    """Parse the snapshot script's output into processes, leaving out the snapshot itself."""
    stats: dict[int, Process] = {}
    args: dict[int, str] = {}
    own_pid = None
    for line in text.splitlines():
        path, sep, content = line.partition(":")
        if not sep:
            continue
        parts = path.split("/")  # ['', 'proc', '<pid or self>', 'stat' or 'cmdline']
        if len(parts) != 4:
            continue
        if parts[3] == "stat":
            process = parse_stat(content)
            if parts[2] == "self":
                own_pid = process.pid
            else:
                stats[process.pid] = process
        elif parts[3] == "cmdline":
            args[int(parts[2])] = " ".join(content.replace("\0", " ").split())
    return [
        Process(p.pid, p.ppid, p.state, p.comm, args.get(p.pid, ""))
        for pid, p in sorted(stats.items())
        if pid != own_pid
    ]


class ProcessTable:
    """The processes of one container at one moment."""

    def __init__(self, container_name: str, processes: list[Process]):
        self.container_name = container_name
        self.processes = processes

    @property
    def zombies(self) -> list[Process]:
        return [p for p in self.processes if p.is_zombie]

    def pid1(self) -> Process:
        for process in self.processes:
            if process.pid == 1:
                return process
        raise LabError(f"no PID 1 in {self.container_name}'s process table: is it running?")

    def children_of(self, pid: int) -> list[Process]:
        return [p for p in self.processes if p.ppid == pid]

    def __str__(self) -> str:
        rows = [f"{'PID':>5} {'PPID':>5} {'STATE':<12} COMMAND"]
        for p in self.processes:
            state = f"{p.state} {STATE_NAMES.get(p.state, '')}"
            rows.append(f"{p.pid:>5} {p.ppid:>5} {state:<12} {p.command}" + ("   <- zombie" if p.is_zombie else ""))
        rows.append(f"{len(self.processes)} processes, {len(self.zombies)} zombies")
        return "\n".join(rows)

    def _repr_html_(self) -> str:
        head = "<tr><th>PID</th><th>PPID</th><th>STATE</th><th>COMMAND</th></tr>"
        body = "".join(
            f"<tr style='{'background:#fdd;font-weight:bold' if p.is_zombie else ''}'>"
            f"<td>{p.pid}</td><td>{p.ppid}</td><td>{p.state} {STATE_NAMES.get(p.state, '')}</td>"
            f"<td><code>{html.escape(p.command)}</code></td></tr>"
            for p in self.processes
        )
        summary = (
            f"{len(self.processes)} processes, <b>{len(self.zombies)} zombies</b> in {html.escape(self.container_name)}"
        )
        return f"<table>{head}{body}</table><p>{summary}</p>"

    def tree(self) -> str:
        """An indented tree, from the processes whose parent is outside the container."""
        pids = {p.pid for p in self.processes}
        lines: list[str] = []

        def add(process: Process, depth: int) -> None:
            marker = "  (zombie)" if process.is_zombie else ""
            lines.append(f"{'    ' * depth}{process.pid} {process.command}{marker}")
            for child in self.children_of(process.pid):
                add(child, depth + 1)

        for root in (p for p in self.processes if p.ppid not in pids):
            add(root, 0)
        return "\n".join(lines)


class Execs(Protocol):
    """What pod_process_table needs of a target (lab.targets.contract.Target, a layer above)."""

    def exec(self, deployment: str, command: list[str], *, timeout: float = 10, quiet: bool = False) -> ExecResult: ...


def process_table(ref: ContainerRef, *, quiet: bool = True) -> ProcessTable:
    """Snapshot a container's processes with one exec (no ps needed in the image)."""
    container = get(ref)
    if not quiet:
        show_command("docker", "exec", container.name, *SNAPSHOT_COMMAND)
    return _table(container.name, exec_in(container, SNAPSHOT_COMMAND, timeout=10, quiet=True))


def pod_process_table(target: Execs, deployment: str, *, quiet: bool = False) -> ProcessTable:
    """The same snapshot of a pod, through its target (`kubectl exec`)."""
    return _table(deployment, target.exec(deployment, SNAPSHOT_COMMAND, timeout=10, quiet=quiet))


def _table(name: str, result: ExecResult) -> ProcessTable:
    processes = parse_snapshot(result.stdout)
    if not processes:
        raise LabError(f"could not read the process table of {name}: {result.output.strip()[:200]}")
    return ProcessTable(name, processes)


def zombies(ref: ContainerRef) -> list[Process]:
    return process_table(ref).zombies
