"""`python -m lab room doctor`: before a room, what this cluster will show.

For each node: its container runtime, its kubelet's podPidsLimit (where the instructor may
read it), and whether the lab's images start there, tried for real with one short pod per
node and image. Then what lessons 4 and 5 will and will not show on this cluster.
"""

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lab.core import settings
from lab.core.console import show_command, show_shell
from lab.core.errors import LabTimeout
from lab.core.json_types import KubeDict
from lab.core.waiting import wait_until
from lab.targets.kubernetes import kubelet_readings
from lab.targets.kubernetes.kube_api import kube_call
from lab.views.tables import Table
from lab.workshop import room_isolation
from lab.workshop.room import Room, object_name

if TYPE_CHECKING:
    from kubernetes.client import V1Node, V1NodeSystemInfo, V1Pod

PULL_TIMEOUT = 180  # seconds for every image to start on every node
_VERIFIED_RUNTIMES = ("containerd", "docker")  # SIGKILL of a timed-out exec probe, checked upstream


@dataclass
class NodeReport:
    name: str
    runtime: str
    kubelet: str
    pids_limit: int | None  # None: not readable; 0: none set
    images: dict[str, str]  # image -> "starts" or why not


def _pids_limit(room: Room, node: str) -> int | None:
    from kubernetes.client.exceptions import ApiException

    show_shell(f"kubectl get --raw /api/v1/nodes/{node}/proxy/configz | grep -o '\"podPidsLimit\":[0-9-]*'")
    try:
        return kubelet_readings.pod_pids_limit(room.core(), node)
    except ApiException:
        return None


def _probe_pod(node: str, image: str, index: int) -> KubeDict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"pull-{index}-{node}"[:63].rstrip("-."), "labels": {settings.LABEL: "room-doctor"}},
        "spec": {
            "nodeName": node,
            "restartPolicy": "Never",
            "terminationGracePeriodSeconds": 0,
            "automountServiceAccountToken": False,
            "containers": [{"name": "pull", "image": image, "command": ["true"], "imagePullPolicy": "IfNotPresent"}],
        },
    }


def _pull_outcome(pod: "V1Pod") -> str | None:
    """ "starts", a reason it cannot, or None while undecided."""
    assert pod.status is not None  # the API server always sends a pod's status
    if pod.status.phase in ("Succeeded", "Running"):
        return "starts"
    for status in pod.status.container_statuses or []:
        assert status.state is not None  # and each container status's state
        waiting = status.state.waiting
        if waiting and waiting.reason in ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"):
            return f"{waiting.reason}: {(waiting.message or '')[:100]}"
        if status.state.terminated:
            return "starts" if status.state.terminated.exit_code == 0 else f"exited {status.state.terminated.exit_code}"
    return None


def try_images(room: Room, nodes: list[str], images: list[str]) -> dict[str, dict[str, str]]:
    """Start `true` from every image on every node, in a namespace of the doctor's own."""
    from kubernetes import client

    # A namespace of its own each time: an interrupted earlier run's is never in the way.
    core, namespace = room.core(), f"{room.name}-doctor-{os.getpid()}-{int(time.time()) % 100000}"
    show_command("kubectl", "create", "namespace", namespace)
    show_command("kubectl", "label", "namespace", namespace, f"{settings.LABEL}=room-doctor")
    # V1Namespace and V1Pod below: what the client would make of these dicts itself.
    core.create_namespace(
        client.V1Namespace.model_validate({"metadata": {"name": namespace, "labels": {settings.LABEL: "room-doctor"}}})
    )
    try:
        # A new namespace's default ServiceAccount appears a moment later; pods wait for it.
        wait_until(
            lambda: core.list_namespaced_service_account(namespace, field_selector="metadata.name=default").items,
            timeout=30,
            interval=0.5,
            what=f"the default ServiceAccount in {namespace}",
        )
        pods = {}
        for index, image in enumerate(images):
            for node in nodes:
                body = _probe_pod(node, image, index)
                show_command(
                    "kubectl",
                    "run",
                    "-n",
                    namespace,
                    body["metadata"]["name"],
                    f"--image={image}",
                    "--restart=Never",
                    f'--overrides={{"spec":{{"nodeName":"{node}"}}}}',
                    "--command",
                    "--",
                    "true",
                )
                core.create_namespaced_pod(namespace, client.V1Pod.model_validate(body))
                pods[(node, image)] = body["metadata"]["name"]
        outcomes: dict[tuple[str, str], str] = {}

        def decided() -> bool:
            for key, name in pods.items():
                if key not in outcomes:
                    outcome = _pull_outcome(core.read_namespaced_pod(name, namespace))
                    if outcome:
                        outcomes[key] = outcome
            return len(outcomes) == len(pods)

        try:
            wait_until(decided, timeout=PULL_TIMEOUT, interval=1, what="every image to start on every node")
        except LabTimeout:
            pass  # the undecided ones are reported as not started
        return {
            node: {image: outcomes.get((node, image), f"not started within {PULL_TIMEOUT}s") for image in images}
            for node in nodes
        }
    finally:
        show_command("kubectl", "delete", "namespace", namespace, "--wait=false")
        core.delete_namespace(namespace, _preload_content=False)


def _node_info(node: "V1Node") -> "V1NodeSystemInfo":
    assert node.status is not None and node.status.node_info is not None  # every kubelet reports them
    return node.status.node_info


def examine(room: Room, images: list[str]) -> list[NodeReport]:
    nodes = room.nodes()
    names = [object_name(node) for node in nodes]
    pulls = try_images(room, names, images)
    return [
        NodeReport(
            name=object_name(node),
            runtime=_node_info(node).container_runtime_version,
            kubelet=_node_info(node).kubelet_version,
            pids_limit=_pids_limit(room, object_name(node)),
            images=pulls[object_name(node)],
        )
        for node in nodes
    ]


def what_it_will_show(reports: list[NodeReport]) -> list[str]:
    """Plain sentences: the lessons' claims that hold here, and those that will not."""
    lines = []
    for report in reports:
        runtime = report.runtime.split(":")[0]
        if runtime in _VERIFIED_RUNTIMES:
            lines.append(
                f"{report.name}: {runtime} SIGKILLs a timed-out exec probe, not its children: "
                "lesson 5's probe-timeout matrix shows zombies where the course says."
            )
        else:
            lines.append(
                f"{report.name}: {runtime} was not checked; the course's claim that a timed-out probe is "
                "SIGKILLed (its children orphaned) is verified for containerd and Docker only."
            )
        if report.pids_limit is None:
            lines.append(
                f"{report.name}: podPidsLimit not readable: ask the cluster's admin; participants will see "
                "the limit only if you can read it when you run 'room create'."
            )
        elif report.pids_limit == 0:
            lines.append(
                f"{report.name}: no podPidsLimit: zombies pile up without the pod ever running out of "
                "PIDs, so lesson 5's exhaustion run will not restart the pod (set podPidsLimit: 32)."
            )
        else:
            lines.append(
                f"{report.name}: podPidsLimit {report.pids_limit}: lesson 5's exhaustion run restarts "
                f"the pod once about {report.pids_limit} PIDs are in use."
            )
        for image, outcome in report.images.items():
            if outcome != "starts":
                lines.append(
                    f"{report.name}: {image} does not start ({outcome}). Fix: python -m lab push REGISTRY, "
                    "then pass --registry REGISTRY to this room's create (or load the images onto the nodes)."
                )
    return lines


@kube_call("examining the cluster for a room")
def report(room: Room, images: list[str]) -> bool:
    """Print the table and what it means; True when every image starts everywhere."""
    started = time.monotonic()
    reports = examine(room, images)
    print(
        Table(
            [
                {
                    "node": r.name,
                    "runtime": r.runtime,
                    "kubelet": r.kubelet,
                    "podPidsLimit": "unreadable" if r.pids_limit is None else (r.pids_limit or "none"),
                    **{image.split("/")[-1]: outcome.split(":")[0] for image, outcome in r.images.items()},
                }
                for r in reports
            ]
        )
    )
    for line in what_it_will_show(reports):
        print("- " + line)
    isolated = _isolation(room)
    print(f"room doctor: {time.monotonic() - started:.1f}s")
    return isolated and all(outcome == "starts" for r in reports for outcome in r.images.values())


def _isolation(room: Room) -> bool:
    """The room's first participant's credentials, refused every way out (room_isolation.py)."""
    with_kubeconfig = [p for p in room.participants(show=False) if (room.folder / f"{p}.kubeconfig").is_file()]
    if not with_kubeconfig:
        print("- isolation: not checked yet (no participant with a kubeconfig here; 'room create' checks it)")
        return True
    holes = room.holes_open(with_kubeconfig[0])
    for hole in holes:
        print(f"- NOT ISOLATED: {hole}")
    if not holes:
        print(f"- isolation: {with_kubeconfig[0]}'s credentials were refused all {len(room_isolation.HOLES)} ways out")
    return not holes
