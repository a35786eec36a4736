"""Lesson 0's evidence that the slow part is done: every node of the cluster is Ready and
already has the lab's images, so no pod of the later lessons waits on a pull (or fails one:
a kind node has no registry to pull the lab's images from)."""

from lab.core.errors import CheckFailed, LabTimeout
from lab.core.waiting import wait_until
from lab.course.checks import passed
from lab.targets import kind_config
from lab.targets.contract import NodeImages, Target

NODE_STATUS_WAIT = 60


def _again() -> str:
    return (
        "Fix: run lesson 0's cluster cell again (or python -m lab cluster) and read its output; a kind cluster "
        f"whose node never gets Ready: kind delete cluster --name {kind_config.cluster_name()}, then run it again."
    )


def _all_there(nodes: dict[str, NodeImages]) -> bool:
    return bool(nodes) and all(node["ready"] and not node["missing"] for node in nodes.values())


def _wait_for_the_node_status(target: Target, images: list[str]) -> dict[str, NodeImages]:
    """An image just loaded shows in the node's status only once the kubelet has refreshed
    its image list (about every 30 s) and posted its status (every 10 s)."""
    nodes = target.node_images(images)
    if not _all_there(nodes):
        print(
            f"  waiting up to {NODE_STATUS_WAIT} s for the kubelet to list the images in the node's status "
            "(it refreshes that list about every 30 s)..."
        )
        try:
            wait_until(
                lambda: _all_there(target.node_images(images, quiet=True)),
                timeout=NODE_STATUS_WAIT,
                what="every node Ready and listing the images",
                interval=3,
            )
        except LabTimeout:
            pass  # the check below says what is missing
        nodes = target.node_images(images)
    return nodes


def images_where_pods_start(target: Target, images: list[str]) -> None:
    """One check: every node is Ready and has the images (on a shared cluster, where a
    participant cannot read nodes, the instructor's room doctor checks that instead)."""
    if target.shared:
        print(
            f"a shared cluster pulls the images from {target.registry or 'its registry'} when a pod starts; "
            "the instructor's room doctor tries them on every node"
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
