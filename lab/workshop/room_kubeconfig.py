"""A participant's kubeconfig: the instructor's cluster entry (server and CA), the
participant's ServiceAccount token, and a context whose namespace is theirs, so their own
`kubectl get pods` shows their pods."""

import base64
import os
from pathlib import Path

import yaml

from lab.core import config
from lab.core.errors import LabError
from lab.core.json_types import JsonObject


def _kubeconfig_with(context: str) -> Path:
    """The file of KUBECONFIG's list (or ~/.kube/config) that defines ``context``."""
    paths = config.current().kubeconfig
    for path in paths:
        try:
            contexts = (yaml.safe_load(path.read_text()) or {}).get("contexts") or []
        except (OSError, yaml.YAMLError):
            continue
        if any(c.get("name") == context for c in contexts):
            return path
    return paths[0]


def cluster_entry(context: str, kubeconfig: str | None = None) -> tuple[str, str]:
    """(server URL, CA bundle as base64) of the cluster behind ``context``."""
    path = Path(kubeconfig) if kubeconfig else _kubeconfig_with(context)
    try:
        config = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise LabError(
            f"cannot read the kubeconfig {path}: {error}. Fix: set KUBECONFIG to the instructor's kubeconfig."
        ) from None
    contexts = {c.get("name"): c.get("context", {}) for c in config.get("contexts") or []}
    if context not in contexts:
        raise LabError(f"no context {context} in {path}. Fix: 'kubectl config get-contexts' lists them.")
    clusters = {c.get("name"): c.get("cluster", {}) for c in config.get("clusters") or []}
    cluster = clusters.get(contexts[context].get("cluster"), {})
    if "certificate-authority-data" in cluster:
        ca = cluster["certificate-authority-data"]
    elif "certificate-authority" in cluster:
        ca_path = Path(cluster["certificate-authority"])
        ca = base64.b64encode((ca_path if ca_path.is_absolute() else path.parent / ca_path).read_bytes()).decode()
    else:
        raise LabError(f"the cluster of context {context} has no CA in {path}; a participant's kubeconfig needs one.")
    return cluster["server"], ca


def participant_kubeconfig(*, server: str, ca_data: str, token: str, context_name: str, namespace: str) -> JsonObject:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": context_name,
        "clusters": [{"name": context_name, "cluster": {"server": server, "certificate-authority-data": ca_data}}],
        "users": [{"name": context_name, "user": {"token": token}}],
        "contexts": [
            {"name": context_name, "context": {"cluster": context_name, "user": context_name, "namespace": namespace}}
        ],
    }


def write_private(path: Path, config: JsonObject) -> None:
    """Written readable by its owner only: it holds a token."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when an earlier file had another mode
    with os.fdopen(descriptor, "w") as file:
        yaml.safe_dump(config, file, sort_keys=False)
