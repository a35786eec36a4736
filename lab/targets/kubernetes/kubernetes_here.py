"""Which real Kubernetes this machine has for lessons 3 to 6: kind where it is installed (a
learner's laptop, the devcontainer, GitHub's runner), else the CI stand-in (which the test
session starts itself where it can: tests/helpers.py). lab.targets.choice asks the same
question for the notebooks (kubernetes_target_name)."""

import shutil

from lab.core import config
from lab.core.errors import LabError
from lab.targets import kind_config
from lab.targets.kubernetes.clusters import (
    STANDIN_CONTEXT,
    STANDIN_KUBECONFIG,
    StandinCluster,
)

GET_KUBERNETES = (
    "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), open the "
    "devcontainer, or, as root on Debian, start the stand-in: scripts/k8s-standin.sh up"
)
NONE_HERE = f"no Kubernetes for lessons 3-6. Fix: {GET_KUBERNETES}"
# LAB_KUBERNETES once chose the tests' cluster beside LAB_TARGET: one variable now.
KUBERNETES_RETIRED = (
    "LAB_KUBERNETES is gone: LAB_TARGET names the Kubernetes for the lessons and the tests alike. "
    "Fix: unset LAB_KUBERNETES and set LAB_TARGET=kind or LAB_TARGET=standin"
)


def kubernetes_target_name() -> str | None:
    """The one decision of which Kubernetes the lab and the tests use, "kind" or "standin":
    the one LAB_TARGET names (as the kind workflow sets it for the tests), else kind when it
    is installed, else the stand-in when it is up; None when neither is there yet."""
    if config.current().retired_kubernetes:
        raise LabError(KUBERNETES_RETIRED)
    if config.current().target in ("kind", "standin"):
        return config.current().target
    if shutil.which("kind"):
        return "kind"
    return "standin" if StandinCluster.is_up() else None


def context_and_kubeconfig(name: str) -> tuple[str, str | None]:
    """How a participant on a shared cluster would reach it: (context, KUBECONFIG or None)."""
    if name == "standin":
        return STANDIN_CONTEXT, str(STANDIN_KUBECONFIG)
    return f"kind-{kind_config.cluster_name()}", None
