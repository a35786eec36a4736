"""What a command run inside a container returns, through `docker exec` (lessons 1 and 2) or
`kubectl exec` (the Kubernetes target), and the error for a command that ran out of time."""

import shlex
from dataclasses import dataclass

from lab.core.errors import LabTimeout

# The exec'd command runs behind `sh -c '...; exec "$@"'`: the shell prints its PID (as the
# container sees it) and then becomes the command (same PID, no extra process), so a command
# that overruns its timeout can be killed inside its container by that PID. A host PID would
# name another process where Docker runs in a VM or on a remote DOCKER_HOST; closing the
# stream alone would leave the command running.
PID_MARKER = "lab-exec-pid="
PID_GRACE_SECONDS = 5  # a busy machine may start the wrapper late: wait this long for its PID to kill it


def wrapped(argv: list[str]) -> list[str]:
    """``argv`` behind the wrapper; its $0 is the program's name, so that a missing program
    reads as a shell would say it (`redis-cl: not found`)."""
    return ["sh", "-c", f'echo "{PID_MARKER}$$" >&2; exec "$@"', argv[0], *argv]


def kill_command(pid: str) -> list[str]:
    """SIGKILL one process by its PID inside the container, with the shell's own kill (no
    procps needed)."""
    return ["sh", "-c", f"kill -KILL {int(pid)}"]


def timed_out(argv: list[str], where: str, timeout: float, killed: bool) -> "ExecTimedOut":
    outcome = "it was killed (SIGKILL)." if killed else "it may still be running (it could not be killed)."
    return ExecTimedOut(f"'{shlex.join(argv)}' in {where} did not finish within {timeout:g}s; {outcome}", killed=killed)


def split_pid(stderr: str) -> tuple[str | None, str]:
    """(the wrapper's PID, if its line is there and complete; stderr without that line)."""
    first, newline, rest = stderr.partition("\n")
    if first.startswith(PID_MARKER) and newline:
        return first[len(PID_MARKER) :].strip(), rest
    return None, stderr


@dataclass
class ExecResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class ExecTimedOut(LabTimeout):
    """The command ran past its timeout. Like containerd and Docker with a probe, the lab
    SIGKILLs the exec'd process (only it, not its children); ``killed`` says whether that
    worked."""

    def __init__(self, message: str, *, killed: bool):
        super().__init__(message)
        self.killed = killed
