"""Lesson 0's evidence that the slow part is done: every node of the cluster is Ready and
already has the lab's images, so no pod of the later lessons waits on a pull (or fails one:
a kind node has no registry to pull the lab's images from)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from lab.core.console import show_command
from lab.core.errors import CheckFailed, LabTimeout
from lab.core.waiting import wait_until
from lab.course.checks import passed
from lab.targets import kind_config
from lab.targets.kubernetes.kube_api import kube_errors

if TYPE_CHECKING:
    from lab.targets.kubernetes.target import KubernetesTarget

NODE_STATUS_WAIT = 60
NODE_STATUS_MAX_IMAGES = 50  # the kubelet lists at most this many images, the largest first (nodeStatusMaxImages)


class NodeImages(TypedDict):
    """One node, as node_images reads it."""

    ready: bool
    missing: list[str]  # the images it lacks ([] also when ``full``: unknown)
    full: bool  # its status lists NODE_STATUS_MAX_IMAGES images: the lab's may be left out


def _again() -> str:
    return (
        "Fix: run lesson 0's cluster cell again (or python -m lab cluster) and read its output; a kind cluster "
        f"whose node never gets Ready: kind delete cluster --name {kind_config.cluster_name()}, then run it again."
    )


def _has(names_on_node: Iterable[str], image: str) -> bool:
    # containerd names an imported `redis-tini-lab/redis:7.2.4-tini` docker.io/redis-tini-lab/redis:7.2.4-tini
    return any(name == image or name.endswith("/" + image) for name in names_on_node)


def node_images(target: "KubernetesTarget", images: list[str], *, quiet: bool = False) -> dict[str, NodeImages]:
    """Per node: Ready or not, and which of ``images`` it lacks (from the API, as kubectl shows it)."""
    from kubernetes import client

    if not quiet:
        show_command("kubectl", "get", "nodes")
    with kube_errors("listing the nodes"):
        nodes = client.CoreV1Api(target.api()).list_node(_request_timeout=15)
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


def _all_there(nodes: dict[str, NodeImages]) -> bool:
    return bool(nodes) and all(node["ready"] and not node["missing"] for node in nodes.values())


def _wait_for_the_node_status(target: "KubernetesTarget", images: list[str]) -> dict[str, NodeImages]:
    """An image just loaded shows in the node's status only once the kubelet has refreshed
    its image list (about every 30 s) and posted its status (every 10 s)."""
    nodes = node_images(target, images)
    if not _all_there(nodes):
        print(
            f"  waiting up to {NODE_STATUS_WAIT} s for the kubelet to list the images in the node's status "
            "(it refreshes that list about every 30 s)..."
        )
        try:
            wait_until(
                lambda: _all_there(node_images(target, images, quiet=True)),
                timeout=NODE_STATUS_WAIT,
                what="every node Ready and listing the images",
                interval=3,
            )
        except LabTimeout:
            pass  # the check below says what is missing
        nodes = node_images(target, images)
    return nodes


def images_where_pods_start(target: "KubernetesTarget", images: list[str]) -> None:
    """One check: every node is Ready and has the images (on a shared cluster, where a
    participant cannot read nodes, the instructor's room doctor checks that instead)."""
    if target.shared:
        print(
            f"a shared cluster pulls the images from {target.registry or 'its registry'} when a pod starts; "
            "the instructor's `python -m lab room doctor` tries them on every node"
        )
        return
    nodes = _wait_for_the_node_status(target, images)
    if not nodes:
        raise CheckFailed(f"the cluster has no nodes. {_again()}")
    problems = [f"{name} is not Ready" for name, node in nodes.items() if not node["ready"]]
    problems += [f"{name} lacks {', '.join(node['missing'])}" for name, node in nodes.items() if node["missing"]]
    if problems:
        raise CheckFailed("; ".join(problems) + f". {_again()}")
    passed(f"{len(nodes)} node(s) Ready, each with {', '.join(images)}: no pod will wait on a pull")
