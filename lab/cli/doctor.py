"""Preflight: what is installed, what is missing, and the fix for each problem."""

import platform
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from lab.core import config, settings
from lab.core.errors import LabError
from lab.engine.docker_client import server_version
from lab.engine.images import image_exists, resolve_base
from lab.engine.tools import run_tool
from lab.targets import kind_config
from lab.targets.kubernetes import kind_load


@dataclass
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        mark = "ok  " if self.ok else ("FAIL" if self.required else "warn")
        return f"[{mark}] {self.name}: {self.detail}" + (
            f"\n       fix: {self.fix}" if self.fix and not self.ok else ""
        )


def _tool_version(argv: list[str]) -> str:
    try:
        result = run_tool(argv, timeout=10, check=False)
    except LabError as error:
        return f"installed, but {error}"
    return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else "installed"


def check_python() -> Finding:
    ok = sys.version_info >= (3, 11)
    return Finding("python", ok, platform.python_version(), "install Python 3.11 or newer")


def check_docker() -> Finding:
    try:
        return Finding("docker engine", True, f"Docker Engine {server_version()} answers")
    except LabError as error:
        return Finding("docker engine", False, "not reachable", str(error).split("Fix: ", 1)[-1])


def check_cli(name: str, version_argv: list[str], fix: str) -> Finding:
    if shutil.which(name) is None:
        return Finding(name, False, "not installed (needed for the Kubernetes lessons on kind)", fix, required=False)
    return Finding(name, True, _tool_version(version_argv), required=False)


def check_base_images() -> Finding:
    base = resolve_base(settings.REDIS_BASE)
    if image_exists(base):
        which = "stand-in (offline)" if base == settings.REDIS_BASE.standin else "official"
        return Finding("redis base image", True, f"{base} ({which})")
    return Finding(
        "redis base image", True, f"{base} will be pulled from Docker Hub by the first build", required=False
    )


MIN_MEMORY_GIB = 4
MIN_DISK_GIB = 10
# kind's known issues: "Pod errors due to too many open files" on Linux
INOTIFY_MINIMUMS = {"max_user_watches": 524288, "max_user_instances": 512}


def check_resources() -> list[Finding]:
    """Memory and disk as the Docker Engine sees them (inside Docker Desktop's VM, too)."""
    from lab.engine.docker_client import client, docker_errors

    with docker_errors("reading docker info"):
        info = client().info()
    memory_gib = info.get("MemTotal", 0) / 2**30
    found = [
        Finding(
            "memory",
            memory_gib >= MIN_MEMORY_GIB,
            f"{memory_gib:.1f} GiB for Docker",
            f"give Docker at least {MIN_MEMORY_GIB} GiB (Docker Desktop: Settings > Resources)",
            required=False,
        )
    ]
    root = Path(info.get("DockerRootDir", "/var/lib/docker"))
    if root.exists():
        free_gib = shutil.disk_usage(root).free / 2**30
        found.append(
            Finding(
                "disk",
                free_gib >= MIN_DISK_GIB,
                f"{free_gib:.0f} GiB free under {root}",
                f"free at least {MIN_DISK_GIB} GiB ('docker system df' shows what Docker uses)",
                required=False,
            )
        )
    return found


def check_inotify() -> list[Finding]:
    found = []
    for name, minimum in INOTIFY_MINIMUMS.items():
        path = Path("/proc/sys/fs/inotify") / name
        if not path.exists():
            continue  # not Linux: Docker Desktop's VM has its own settings
        value = int(path.read_text())
        found.append(
            Finding(
                f"inotify {name}",
                value >= minimum,
                f"{value} (kind needs >= {minimum})",
                f"kind needs >= {minimum}: sudo sysctl fs.inotify.{name}={minimum}",
                required=False,
            )
        )
    return found


def check_image_store() -> Finding:
    """Which image store Docker uses decides how images reach a kind node (lab/targets/kubernetes/kind_load.py)."""
    store, platform = kind_load.how_this_machine_loads()
    if store == "classic":
        return Finding(
            "docker image store", True, "classic (graph driver): images go to kind with 'kind load docker-image'"
        )
    example = " && ".join(
        shlex.join(argv)
        for argv in kind_load.load_commands(settings.REDIS_TINI.tag, kind_config.cluster_name(), store, platform)
    )
    return Finding(
        "docker image store",
        True,
        "containerd image store: 'kind load docker-image' fails there "
        f"(kind#3795), so the lab saves an archive and loads that: {example}",
    )


def check_target() -> Finding:
    """Which Kubernetes lessons 3-6 will run on, or the fix when there is none."""
    from lab.targets.choice import target_name

    context = config.current().kube_context
    try:
        name = f"kubernetes context {context}" if context else target_name()
    except LabError as error:
        problem, _, fix = str(error).partition(" Fix: ")
        return Finding("target", False, problem, fix, required=False)  # lessons 0-2 need only Docker
    return Finding("target", True, f"lessons 3-6 will run on: {name}")


def findings() -> list[Finding]:
    found = [check_python(), check_docker()]
    if found[-1].ok:
        found.append(check_base_images())
        found.append(check_image_store())
        found += check_resources()
    found += check_inotify()
    found.append(
        check_cli(
            "kind", ["kind", "version"], "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
        )
    )
    found.append(
        check_cli(
            "kubectl", ["kubectl", "version", "--client"], "install kubectl: https://kubernetes.io/docs/tasks/tools/"
        )
    )
    found.append(check_target())
    return found


def report() -> list[Finding]:
    """Print every finding; return them (the required ones must all be ok)."""
    results = findings()
    for finding in results:
        print(finding.line())
    problems = [f for f in results if f.required and not f.ok]
    print("ready" if not problems else f"{len(problems)} problem(s) to fix before the lessons")
    return results
