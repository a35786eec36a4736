"""Choose where the Kubernetes lessons run.

- LAB_KUBE_CONTEXT=<context>: a shared cluster (a workshop room): each participant's
  LAB_PREFIX is its namespace; LAB_REGISTRY=<registry> names where the images come from.
- LAB_TARGET=kind: the learner's kind cluster (kind-config.yaml), created if missing.
- LAB_TARGET=standin: the Kubernetes stand-in CI runs (scripts/k8s-standin.sh), reached
  through the kubeconfig it writes (context lab-standin).
- LAB_TARGET=docker: the same manifests on plain Docker Engine.
- unset (auto): kind when it is installed, else the stand-in when it is up, else Docker.

Every target keeps one contract (lab/targets/contract.py), so a notebook cell reads the same.
"""
import shutil

from lab.core import config
from lab.core.errors import LabError
from lab.targets.contract import Target

TARGETS = ("auto", "kind", "standin", "docker")


def target_name() -> str:
    """The target LAB_TARGET asks for, with auto resolved."""
    wanted = config.current().target
    if wanted not in TARGETS:
        raise LabError(f"LAB_TARGET={wanted!r} is not a target. Fix: LAB_TARGET=kind, LAB_TARGET=standin, "
                       "LAB_TARGET=docker, or unset it.")
    if wanted != "auto":
        return wanted
    from lab.targets.kubernetes.clusters import StandinCluster
    if shutil.which("kind"):
        return "kind"
    return "standin" if StandinCluster.is_up() else "docker"


def _why(name: str) -> str:
    if config.current().target != "auto":
        return "forced by LAB_TARGET"
    return {"kind": "kind is installed", "standin": "kind is not installed; the Kubernetes stand-in is up",
            "docker": "no kind and no Kubernetes stand-in"}[name]


def target() -> Target:
    """The target for this machine, with a line saying which one and why."""
    context = config.current().kube_context
    if context:
        from lab.targets.kubernetes.target import namespace, shared_target
        registry = config.current().registry
        print(f"target: kubernetes context {context}, namespace {namespace()} (LAB_KUBE_CONTEXT)"
              + (f", images from {registry}" if registry else ""))
        return shared_target(context, registry)
    name = target_name()
    print(f"target: {name} ({_why(name)})")
    if name == "kind":
        from lab.targets.kubernetes.target import kind_target
        return kind_target()
    if name == "standin":
        from lab.targets.kubernetes.target import standin_target
        return standin_target()
    from lab.targets.docker.target import DockerTarget
    return DockerTarget()
