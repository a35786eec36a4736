"""Choose where the Kubernetes lessons run: a kind cluster when kind is usable, else Docker.

The targets have the same methods (apply, wait_ready, exec, logs, url, watch, delete), so
a notebook cell reads the same on each. Force one with LAB_TARGET=kind or LAB_TARGET=docker.
An instructor can point a room at one shared cluster instead: LAB_KUBE_CONTEXT=<context>
(each participant's LAB_PREFIX is its namespace) and LAB_REGISTRY=<registry> for the images.
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
    context = os.environ.get("LAB_KUBE_CONTEXT")
    if context:
        from .kubernetes_target import KubernetesTarget, namespace
        registry = os.environ.get("LAB_REGISTRY")
        print(f"target: kubernetes context {context}, namespace {namespace()} (LAB_KUBE_CONTEXT)"
              + (f", images from {registry}" if registry else ""))
        return KubernetesTarget(context, registry=registry)
    name = target_name()
    forced = "LAB_TARGET" in os.environ and os.environ["LAB_TARGET"].lower() != "auto"
    why = "forced by LAB_TARGET" if forced else ("kind is installed" if name == "kind" else "kind is not installed")
    print(f"target: {name} ({why})")
    if name == "kind":
        from .kubernetes_target import KindTarget
        return KindTarget()
    return DockerTarget()
