"""Choose where the Kubernetes lessons run: a kind cluster when kind is usable, else Docker.

Both targets have the same methods (apply, wait_ready, exec, logs, url, delete), so a
notebook cell reads the same on both. Force one with LAB_TARGET=kind or LAB_TARGET=docker.
"""
import os
import shutil

from .docker_target import DockerTarget
from .errors import LabError


def target_name() -> str:
    wanted = os.environ.get("LAB_TARGET", "auto").lower()
    if wanted not in ("auto", "kind", "docker"):
        raise LabError(f"LAB_TARGET={wanted!r} is not a target. Fix: LAB_TARGET=kind, LAB_TARGET=docker, or unset it.")
    if wanted == "auto":
        return "kind" if shutil.which("kind") else "docker"
    return wanted


def target():
    """The target for this machine, with a line saying which one and why."""
    name = target_name()
    forced = "LAB_TARGET" in os.environ and os.environ["LAB_TARGET"].lower() != "auto"
    why = "forced by LAB_TARGET" if forced else ("kind is installed" if name == "kind" else "kind is not installed")
    print(f"target: {name} ({why})")
    if name == "kind":
        from .kind_target import KindTarget
        return KindTarget()
    return DockerTarget()
