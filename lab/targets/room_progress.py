"""A participant's progress in a workshop room: a ConfigMap in their own namespace, which
the instructor's `room status` reads (the participant needs no rights beyond it)."""

from lab.core.json_types import KubeDict
from lab.targets.kubernetes.kube_api import kube_errors, new_client, read_or_none


def write(context: str, namespace: str, name: str, data: dict[str, str], labels: dict[str, str]) -> None:
    """Create or update ConfigMap ``name`` with ``data``; a failure is one LabError."""
    from kubernetes import client

    body: KubeDict = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "labels": labels},
        "data": data,
    }
    with kube_errors("recording your progress for the instructor"):
        core = client.CoreV1Api(new_client(context))
        if read_or_none(core.read_namespaced_config_map, name, namespace) is not None:
            core.patch_namespaced_config_map(name, namespace, body)
        else:  # the client would turn the dict into a V1ConfigMap itself; this says so to mypy
            core.create_namespaced_config_map(namespace, client.V1ConfigMap.model_validate(body))
