"""Choose the Kubernetes that lessons 3 to 6 run on (lessons 0 to 2 use Docker Engine directly).

- LAB_KUBE_CONTEXT=<context>: a shared cluster (a workshop room): each participant's
  LAB_PREFIX is its namespace; LAB_REGISTRY=<registry> names where the images come from.
- LAB_TARGET=kind: the learner's kind cluster (kind-config.yaml), created if missing.
- LAB_TARGET=standin: the Kubernetes stand-in CI runs (scripts/k8s-standin.sh), reached
  through the kubeconfig it writes (context lab-standin).
- unset (auto): the same answer as the tests' (kubernetes_here.kubernetes_target_name):
  kind when it is installed, else the stand-in when it is up, else a LabError with the fix.
"""

from typing import TYPE_CHECKING, Optional

from lab.core import config
from lab.core.errors import LabError
from lab.targets.kubernetes.kubernetes_here import GET_KUBERNETES, NONE_HERE, kubernetes_target_name

if TYPE_CHECKING:
    from lab.targets.kubernetes.target import KubernetesTarget

TARGETS = ("auto", "kind", "standin")
# LAB_TARGET=docker once ran lessons 3-6 on plain Docker: an old setting is told what to do instead.
DOCKER_RETIRED = f"LAB_TARGET=docker is gone: lessons 3-6 need Kubernetes. Fix: unset LAB_TARGET, then {GET_KUBERNETES}"


def target_name() -> str:
    """ "kind" or "standin": the one LAB_TARGET asks for, with auto resolved."""
    wanted = config.current().target
    if wanted == "docker":
        raise LabError(DOCKER_RETIRED)
    if wanted not in TARGETS:
        raise LabError(f"LAB_TARGET={wanted!r} is not a target. Fix: LAB_TARGET=kind, LAB_TARGET=standin, or unset it.")
    found = kubernetes_target_name()
    if found is None:
        raise LabError(NONE_HERE)
    return found


def _why(name: str) -> str:
    if config.current().target != "auto":
        return "forced by LAB_TARGET"
    return {"kind": "kind is installed", "standin": "kind is not installed; the Kubernetes stand-in is up"}[name]


def target() -> "KubernetesTarget":
    """The target for this machine, with a line saying which one and why."""
    context = config.current().kube_context
    if context:
        from lab.targets.kubernetes.target import namespace, shared_target

        registry = config.current().registry
        print(
            f"target: kubernetes context {context}, namespace {namespace()} (LAB_KUBE_CONTEXT)"
            + (f", images from {registry}" if registry else "")
        )
        return shared_target(context, registry)
    name = target_name()
    print(f"target: {name} ({_why(name)})")
    from lab.targets.kubernetes.target import kind_target, standin_target

    return kind_target() if name == "kind" else standin_target()


def target_if_any() -> Optional["KubernetesTarget"]:
    """The target, or None where this machine has no Kubernetes yet, with the ways to get
    one printed: lesson 0 runs on a machine with Docker only (lessons 0-2 need no more)."""
    try:
        return target()
    except LabError as error:
        print(error)
        return None
