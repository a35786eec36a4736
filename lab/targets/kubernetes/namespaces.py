"""The participant's namespace: whose it is, making it, waiting for it to go, and the room's facts in it."""

import json
import time

from lab.core import settings
from lab.core.console import show_command
from lab.core.errors import LabError
from lab.core.waiting import wait_until
from lab.targets.kubernetes import kube_context
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import call_or_none, read_or_none

DELETE_TIMEOUT = 120  # seconds for pods and a namespace to be gone


def namespace() -> str:
    """One namespace per participant: the LAB_PREFIX (default `lab`)."""
    return settings.prefix()


def namespace_state(apis: Apis, ns: str) -> str:
    """ "absent", "terminating", "ours" (the lab made it for this participant: it may
    delete it) or "given" (a room's: made by the instructor, or not readable with a
    participant's namespace-only rights; the lab uses it and never deletes it).
    A namespace the lab did not label is never used, nor deleted."""
    from kubernetes.client.exceptions import ApiException

    try:
        found = apis.core().read_namespace(ns)
    except ApiException as error:
        if error.status == 404:
            return "absent"
        if error.status == 403:  # namespace-only rights: is it ours to work in?
            return _given_namespace(apis, ns)
        raise
    labels = found.metadata.labels or {}
    if labels.get(settings.LABEL) != settings.prefix():
        raise LabError(
            f"namespace {ns} exists and was not made by this lab; the lab will not use or delete it. "
            "Fix: choose another LAB_PREFIX (it names your namespace)."
        )
    if found.status.phase == "Terminating":
        return "terminating"
    return "given" if settings.ROOM_LABEL in labels else "ours"


def _given_namespace(apis: Apis, ns: str) -> str:
    """A namespace this account may not read is used only when it is a room's: the
    room's ConfigMap (lab/workshop/room_objects.py) is in it and readable."""
    from kubernetes.client.exceptions import ApiException

    try:
        apis.core().read_namespaced_config_map(settings.ROOM_CONFIGMAP, ns)
    except ApiException as error:
        if error.status == 403:
            raise LabError(
                f"your credentials do not reach namespace {ns}. Fix: set LAB_PREFIX to the "
                "participant name your room kubeconfig was made for."
            ) from None
        if error.status == 404:
            raise LabError(
                f"namespace {ns} is not a room's, and your account may not read it; the lab will "
                f"not use it. Fix: ask the instructor to add you to the room (room create --names {ns})."
            ) from None
        raise
    return "given"


def ensure_namespace(apis: Apis, ns: str) -> None:
    from kubernetes import client

    state = namespace_state(apis, ns)
    if state == "terminating":
        print(f"namespace {ns} is still being deleted: waiting for it to be gone first")
        wait_namespace_gone(apis, ns)
        state = "absent"
    if state == "absent":
        show_command("kubectl", "create", "namespace", ns)
        apis.core().create_namespace(
            client.V1Namespace(metadata=client.V1ObjectMeta(name=ns, labels={settings.LABEL: settings.prefix()}))
        )
    if not apis.cluster.shared:  # a room's kubeconfig names its namespace already
        kube_context.set_namespace(apis.cluster.context, ns, apis.cluster.kubeconfig)


def wait_namespace_gone(apis: Apis, ns: str) -> None:

    def gone() -> bool:
        return read_or_none(apis.core().read_namespace, ns) is None

    started = time.monotonic()
    wait_until(gone, timeout=DELETE_TIMEOUT, interval=0.5, what=f"namespace {ns} to be deleted")
    print(f"namespace {ns} deleted in {time.monotonic() - started:.1f}s")


def room_pids_limit(apis: Apis, node: str) -> int:
    """The limit as the room's instructor read it (lab/workshop/room_objects.py); 0 if unknown."""
    found = call_or_none((403, 404), apis.core().read_namespaced_config_map, settings.ROOM_CONFIGMAP, namespace())
    if found is None:  # no room here, or not this participant's to read
        return 0
    facts = found.data or {}
    try:  # written by the instructor, but in the participant's namespace: read it defensively
        return int(json.loads(facts.get("pod-pids-limits", "{}")).get(node, 0))
    except (ValueError, TypeError, AttributeError):
        return 0
