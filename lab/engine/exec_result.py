"""What a command run inside a container returns, through `docker exec` (lessons 1 and 2) or
`kubectl exec` (the Kubernetes target), and the error for a command that ran out of time."""
from dataclasses import dataclass

from lab.core.errors import LabTimeout


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
