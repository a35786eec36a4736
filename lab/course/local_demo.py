"""A zombie on your own machine, before any container: fork/exec, exit, wait.

`subprocess.Popen` forks and execs a child. When the child exits, the kernel keeps
its entry (exit status, PID) until the parent calls wait(): in between, it is a
zombie. Here the parent is this notebook's Python kernel, and only one process is
ever created, so no pids limit is needed.
"""

import os
import subprocess

from lab.core.console import show_command
from lab.core.waiting import wait_until
from lab.engine.tools import run_tool


def local_state(pid: int) -> str | None:
    """The one-letter state of a local process, or None once it is gone (Linux or macOS)."""
    stat = f"/proc/{pid}/stat"
    if os.path.exists("/proc/self/stat"):
        try:
            with open(stat) as f:
                return f.read().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return None
    result = run_tool(["ps", "-o", "stat=", "-p", str(pid)], timeout=10, check=False)
    return result.stdout.strip()[:1] or None


def start_short_child() -> "subprocess.Popen[bytes]":
    """Start `sleep 0.2` and do not wait for it."""
    show_command("sleep", "0.2")
    child = subprocess.Popen(["sleep", "0.2"])
    print(f"started child PID {child.pid}; its parent is this kernel, PID {os.getpid()}")
    return child


def wait_for_state(pid: int, state: str | None, timeout: float = 5) -> str | None:
    wait_until(
        lambda: local_state(pid) == state, timeout=timeout, what=f"local process {pid} to be in state {state or 'gone'}"
    )
    return state


def reap(child: "subprocess.Popen[bytes]") -> int:
    """The parent's wait(): collect the exit status; the kernel frees the entry."""
    print(f">>> os.waitpid({child.pid}, 0)")
    return child.wait(timeout=5)
