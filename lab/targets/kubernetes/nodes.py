"""The cluster's nodes as lesson 0 reads them: Ready or not, and which of the lab's images
each one already has (what `kubectl get nodes` and a node's status show)."""

from collections.abc import Iterable

from lab.core.console import show_command
from lab.targets.contract import NodeImages
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import kube_call

NODE_STATUS_MAX_IMAGES = 50  # the kubelet lists at most this many images, the largest first (nodeStatusMaxImages)


def _has(names_on_node: Iterable[str], image: str) -> bool:
    # containerd names an imported `redis-tini-lab/redis:7.2.4-tini` docker.io/redis-tini-lab/redis:7.2.4-tini
    return any(name == image or name.endswith("/" + image) for name in names_on_node)


@kube_call("listing the nodes")
def node_images(apis: Apis, images: list[str], *, quiet: bool = False) -> dict[str, NodeImages]:
    """Per node: Ready or not, and which of ``images`` it lacks (from the API, as kubectl shows it)."""
    from kubernetes import client

    if not quiet:
        show_command("kubectl", "get", "nodes")
    nodes = client.CoreV1Api(apis.client()).list_node(_request_timeout=15)
    found: dict[str, NodeImages] = {}
    for node in nodes.items:
        # The API server always sends a node's metadata (with its name) and status, filled or not.
        assert node.metadata is not None and node.metadata.name is not None and node.status is not None
        name = node.metadata.name
        listed = node.status.images or []
        on_node = [n for image in listed for n in image.names or ()]
        ready = any(c.type == "Ready" and c.status == "True" for c in node.status.conditions or ())
        # A full list may have left out the lab's images (smaller than the node's largest 50): unknown, not missing.
        full = len(listed) >= NODE_STATUS_MAX_IMAGES
        found[name] = {
            "ready": ready,
            "missing": [] if full else [i for i in images if not _has(on_node, i)],
            "full": full,
        }
        if not quiet:
            show_command("kubectl", "get", "node", name, "-o", "jsonpath={.status.images[*].names}")
            has = (
                f"lists its {NODE_STATUS_MAX_IMAGES} largest images only: the lab's may be among the rest"
                if full
                else "has " + ", ".join(images)
                if not found[name]["missing"]
                else "lacks " + ", ".join(found[name]["missing"])
            )
            print(f"  {name}: {'Ready' if ready else 'NOT Ready'}, {has}")
    return found
