"""Which real Kubernetes this machine has for lessons 3 to 6: kind where it is installed (a
learner's laptop, the devcontainer, GitHub's runner), else the CI stand-in, which the test
session starts itself where it can (root on Debian). lab.targets.choice asks the same
question for the notebooks (kubernetes_target_name)."""

import os
import shutil
import signal
import subprocess
from pathlib import Path

from lab.core import config
from lab.core.errors import LabError
from lab.targets import kind_config
from lab.targets.kubernetes.clusters import (
    STANDIN_CONTEXT,
    STANDIN_KUBECONFIG,
    STANDIN_SCRIPT,
    StandinCluster,
)

GET_KUBERNETES = (
    "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), open the "
    "devcontainer, or, as root on Debian, start the stand-in: scripts/k8s-standin.sh up"
)
NONE_HERE = f"no Kubernetes for lessons 3-6. Fix: {GET_KUBERNETES}"
STANDIN_UP_LOG = Path("/var/log/redis-tini-lab/standin-up.log")
STANDIN_UP_TIMEOUT = 1800  # a first build takes about 6 minutes on 2 cores, more on a busy machine


def kubernetes_target_name() -> str | None:
    """ "kind" or "standin": the one LAB_KUBERNETES names, else kind when it is installed, else
    the stand-in when it is up; None when neither is there yet."""
    wanted = config.current().kubernetes
    if wanted in ("kind", "standin"):
        return wanted
    if shutil.which("kind"):
        return "kind"
    return "standin" if StandinCluster.is_up() else None


def _can_run_standin() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def ensure_kubernetes() -> str:
    """The name of a real Kubernetes to test on, starting the stand-in when that is the way."""
    name = kubernetes_target_name()
    if name == "kind" or (name == "standin" and StandinCluster.is_up()):
        return name
    if not _can_run_standin():
        raise LabError(NONE_HERE)
    print(
        f"starting the Kubernetes stand-in (scripts/k8s-standin.sh up, log: {STANDIN_UP_LOG}); "
        "a first build takes about 6 minutes"
    )
    STANDIN_UP_LOG.parent.mkdir(parents=True, exist_ok=True)
    with STANDIN_UP_LOG.open("w") as log:
        # In a session of its own, so that on timeout the whole script (build, apt) is stopped.
        process = subprocess.Popen(
            [str(STANDIN_SCRIPT), "up"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            process.wait(timeout=STANDIN_UP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            raise LabError(f"the stand-in was not up within {STANDIN_UP_TIMEOUT}s; see {STANDIN_UP_LOG}") from None
    if process.returncode != 0:
        last = STANDIN_UP_LOG.read_text().strip().splitlines()[-1:] or ["no output"]
        raise LabError(f"the stand-in did not come up: {last[0]} (whole log: {STANDIN_UP_LOG})")
    return "standin"


def context_and_kubeconfig(name: str) -> tuple[str, str | None]:
    """How a participant on a shared cluster would reach it: (context, KUBECONFIG or None)."""
    if name == "standin":
        return STANDIN_CONTEXT, str(STANDIN_KUBECONFIG)
    return f"kind-{kind_config.cluster_name()}", None
