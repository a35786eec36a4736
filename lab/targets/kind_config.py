"""kind-config.yaml, read in one place: the cluster's name, and the PID limit its worker
gives each pod."""

import functools

import yaml

from lab.core.json_types import KubeDict
from lab.core.settings import REPO_ROOT

PATH = REPO_ROOT / "kind-config.yaml"


@functools.cache
def _config() -> KubeDict:
    config: KubeDict = yaml.safe_load(PATH.read_text())
    return config


def cluster_name() -> str:
    name: str = _config()["name"]
    return name


def pod_pids_limit() -> int:
    """The worker's per-pod PID limit (its kubelet's --pod-max-pids); 0 if none is set."""
    for node in _config().get("nodes", []):
        for patch in node.get("kubeadmConfigPatches", []):
            extra = (yaml.safe_load(patch).get("nodeRegistration") or {}).get("kubeletExtraArgs") or {}
            if "pod-max-pids" in extra:
                return int(extra["pod-max-pids"])
    return 0
