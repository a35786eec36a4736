"""Preflight: what is installed, what is missing, and the fix for each problem."""
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import List

from . import settings
from .engine import server_version
from .errors import LabError
from .images import image_exists, resolve_base


@dataclass
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        mark = "ok  " if self.ok else ("FAIL" if self.required else "warn")
        return f"[{mark}] {self.name}: {self.detail}" + (f"\n       fix: {self.fix}" if self.fix and not self.ok else "")


def _tool_version(argv: List[str]) -> str:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"installed, but '{' '.join(argv)}' failed: {error}"
    return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else "installed"


def check_python() -> Finding:
    ok = sys.version_info >= (3, 9)
    return Finding("python", ok, platform.python_version(), "install Python 3.9 or newer")


def check_docker() -> Finding:
    try:
        return Finding("docker engine", True, f"Docker Engine {server_version()} answers")
    except LabError as error:
        return Finding("docker engine", False, "not reachable", str(error).split("Fix: ", 1)[-1])


def check_cli(name: str, version_argv: List[str], fix: str) -> Finding:
    if shutil.which(name) is None:
        return Finding(name, False, "not installed (needed for the Kubernetes lessons on kind)", fix, required=False)
    return Finding(name, True, _tool_version(version_argv), required=False)


def check_base_images() -> Finding:
    base = resolve_base(settings.REDIS_BASE)
    if image_exists(base):
        which = "stand-in (offline)" if base == settings.REDIS_BASE.standin else "official"
        return Finding("redis base image", True, f"{base} ({which})")
    return Finding("redis base image", True, f"{base} will be pulled from Docker Hub by the first build", required=False)


def findings() -> List[Finding]:
    found = [check_python(), check_docker()]
    if found[-1].ok:
        found.append(check_base_images())
    found.append(check_cli("kind", ["kind", "version"],
                           "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation"))
    found.append(check_cli("kubectl", ["kubectl", "version", "--client"],
                           "install kubectl: https://kubernetes.io/docs/tasks/tools/"))
    return found


def report() -> List[Finding]:
    """Print every finding; return them (the required ones must all be ok)."""
    results = findings()
    for finding in results:
        print(finding.line())
    problems = [f for f in results if f.required and not f.ok]
    print("ready" if not problems else f"{len(problems)} problem(s) to fix before the lessons")
    return results
