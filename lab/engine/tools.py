"""Run a command-line tool (kind, docker, pip, ps): the one way the lab starts a process.

Every run is bounded by its timeout, starts from the repository's root unless told
otherwise, prints the command a person would type when ``show`` asks for it, and fails as
one line: a missing tool, a timeout (LabTimeout), or a non-zero exit with the tool's last
line of output.
"""

import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

from lab.core import settings
from lab.core.console import show_command
from lab.core.errors import LabError, LabTimeout


def run_tool(
    argv: Sequence[str],
    *,
    timeout: float,
    show: Sequence[str] | bool = False,
    check: bool = True,
    cwd: Path | None = None,
    what: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` and capture its output. ``show``: print it (True) or this command
    instead (the one a person types). ``check``: a non-zero exit is a LabError.
    ``what``: how the errors name the command (default: the command itself)."""
    name = what or f"'{' '.join(_shown(argv, show))}'"
    if show:
        show_command(*_shown(argv, show))
    try:
        result = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, cwd=cwd or settings.REPO_ROOT
        )
    except FileNotFoundError:
        raise LabError(f"{argv[0]} is not installed, so {name} cannot run. Fix: install {argv[0]}.") from None
    except subprocess.TimeoutExpired:
        raise LabTimeout(f"{name} did not finish within {timeout:g}s") from None
    if check and result.returncode != 0:
        raise LabError(f"{name} failed: {_last_line(result.stderr or result.stdout)}")
    return result


def run_tool_showing_output(argv: Sequence[str], *, timeout: float, show: Sequence[str]) -> None:
    """Like run_tool, for a slow command (kind create cluster): its own progress lines are
    printed as they come, so a learner sees it working for the minute it takes. Interrupted
    (a kernel interrupt reaches only the kernel), the command is stopped too."""
    show_command(*show)
    try:
        process = subprocess.Popen(
            list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=settings.REPO_ROOT
        )
    except FileNotFoundError:
        raise LabError(f"{argv[0]} is not installed. Fix: install {argv[0]}.") from None
    lines: list[str] = []

    def relay() -> None:
        for line in process.stdout or ():
            lines.append(line.rstrip())
            print("  " + line.rstrip(), flush=True)

    reader = threading.Thread(target=relay, daemon=True)
    reader.start()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise LabTimeout(f"'{' '.join(show)}' did not finish within {timeout:g}s") from None
    except BaseException:
        _stop(process)
        raise
    finally:
        reader.join(timeout=5)
    if process.returncode != 0:
        raise LabError(f"'{' '.join(show)}' failed: {_last_line(chr(10).join(lines))}")


def _shown(argv: Sequence[str], show: Sequence[str] | bool) -> Sequence[str]:
    return argv if isinstance(show, bool) else show


def _last_line(output: str) -> str:
    return (output.strip().splitlines()[-1:] or ["no output"])[0]


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, so that the command can tidy up; SIGKILL after 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
