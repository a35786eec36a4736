"""A workshop room on one cluster: `python -m lab room create | status | delete`.

The instructor runs these with cluster-admin rights (a kind cluster, the stand-in, or a
shared cluster's admin context). Each participant gets a namespace, credentials that reach
only that namespace, and a quota (lab/workshop/room_objects.py); their kubeconfig is written under
room/ (git-ignored). Every step prints the kubectl command that does the same.
"""

import base64
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Protocol

import yaml

from lab.core import config, settings
from lab.core.console import show_command, show_shell
from lab.core.errors import LabError
from lab.core.json_types import KubeDicts
from lab.core.waiting import ticks, wait_until
from lab.course import progress
from lab.targets.kubernetes import kubelet_readings
from lab.targets.kubernetes.kube_api import call_or_none, kube_call, new_client, read_or_none
from lab.views.tables import Table
from lab.workshop import room_isolation, room_kubeconfig, room_objects

if TYPE_CHECKING:
    from kubernetes.client import ApiClient, CoreV1Api, V1Node, V1ObjectMeta

ROOM_DIR = settings.REPO_ROOT / "room"
TOKEN_TIMEOUT = 30  # seconds for the token controller to fill a participant's token in
DELETE_TIMEOUT = 180  # seconds for the room's namespaces to be gone
FIELD_MANAGER = "redis-tini-lab-room"


class ApiObject(Protocol):
    """Any object the API server returns (V1Node, V1Namespace, ...)."""

    @property
    def metadata(self) -> Optional["V1ObjectMeta"]: ...


def object_name(found: ApiObject) -> str:
    """The name of an object the API server returned: it always sends metadata.name."""
    assert found.metadata is not None and found.metadata.name is not None
    return found.metadata.name


def admin_context(context: str | None = None, kubeconfig: str | None = None) -> tuple[str, str | None]:
    """(context, kubeconfig) the instructor works in: named, LAB_KUBE_CONTEXT, or this
    machine's own Kubernetes (kind, or the stand-in)."""
    if context:
        return context, kubeconfig
    in_room = config.current().kube_context
    if in_room:
        return in_room, kubeconfig
    from lab.targets.kubernetes.kubernetes_here import (
        context_and_kubeconfig,
        kubernetes_target_name,
    )

    name = kubernetes_target_name()
    if name is None:
        raise LabError("which cluster is the room on? Fix: --context NAME (see 'kubectl config get-contexts').")
    found_context, found_kubeconfig = context_and_kubeconfig(name)
    return found_context, kubeconfig or found_kubeconfig


SHOWN_LENGTH = 24  # a status cell: a count, a ratio or a timestamp is shorter


def shown(value: object) -> str:
    """A participant-written value as the instructor's terminal may print it: each control
    character (an escape sequence could rewrite the screen) as '?', at most SHOWN_LENGTH
    characters. A participant writes only their own namespace's ConfigMap, so they cannot
    write another participant's row."""
    text = "".join(c if c.isprintable() else "?" for c in str(value))
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 3] + "..."


ISOLATION_SUFFIX = "-isolation-check.yaml"  # the objects a participant must be refused (room/NAME/)


class RoomNotIsolated(LabError):
    """A participant's credentials were admitted where they must be refused: the holes."""

    def __init__(self, holes: list[str]):
        self.holes = holes
        super().__init__(
            "the room's participants are not isolated, so no kubeconfig was handed out:\n"
            + "\n".join(f"  - {hole}" for hole in holes)
            + "\nFix the cluster and run the same 'room create' again, or add --accept-risk to it "
            "(the room's table then says so)."
        )


class Room:
    """The room named ``name`` on the cluster behind ``context``."""

    def __init__(self, name: str, context: str | None = None, kubeconfig: str | None = None):
        if not settings.PREFIX_PATTERN.fullmatch(name):
            raise LabError(
                f"room name {name!r} is not valid: use 1-20 lowercase letters, digits or '-' (not first or last)"
            )
        self.name = name
        self.context, self.kubeconfig = admin_context(context, kubeconfig)
        self._api: ApiClient | None = None

    @property
    def folder(self) -> Path:
        return ROOM_DIR / self.name

    def api(self) -> "ApiClient":
        if self._api is None:
            self._api = new_client(self.context, self.kubeconfig)
        return self._api

    def core(self) -> "CoreV1Api":
        from kubernetes import client

        return client.CoreV1Api(self.api())

    def selector(self) -> str:
        return f"{settings.ROOM_LABEL}={self.name}"

    # -- create ---------------------------------------------------------------------------------
    @kube_call("creating the room")
    def create(self, participants: list[str], registry: str | None = None, *, accept_risk: bool = False) -> Table:
        """Each participant's namespace, account, quota and kubeconfig (existing ones are
        brought up to date, so running it again is safe). ``registry``: where the nodes
        pull the lab's images (`python -m lab push`), passed on in each start line. Before
        the kubeconfigs are handed out, a participant's credentials must be refused every
        way out of the namespace (room_isolation.py); else RoomNotIsolated, unless
        ``accept_risk`` (the table then says so)."""
        server, ca_data = room_kubeconfig.cluster_entry(self.context, self.kubeconfig)
        pids_limits = self.pod_pids_limits()
        node_addresses = self.node_addresses()
        rows = []
        for participant in participants:
            self._create_namespace(participant)
            objects = room_objects.namespaced_objects(self.name, participant, pids_limits, node_addresses)
            manifest = self._write_manifest(participant, objects)
            show_command("kubectl", "apply", "--server-side", "-f", str(manifest.relative_to(settings.REPO_ROOT)))
            self._apply(objects)
            token = self._wait_for_token(participant)
            path = self.folder / f"{participant}.kubeconfig"
            room_kubeconfig.write_private(
                path,
                room_kubeconfig.participant_kubeconfig(
                    server=server,
                    ca_data=ca_data,
                    token=token,
                    context_name=f"{self.name}-{participant}",
                    namespace=participant,
                ),
            )
            rows.append(
                {
                    "participant": participant,
                    "namespace": participant,
                    "kubeconfig": str(path.relative_to(settings.REPO_ROOT)),
                    "start the course with": start_command(path, f"{self.name}-{participant}", participant, registry),
                }
            )
        holes = self.holes_open(participants[0])
        if holes and not accept_risk:
            for participant in participants:  # not handed out: the instructor fixes the cluster first
                (self.folder / f"{participant}.kubeconfig").unlink(missing_ok=True)
            raise RoomNotIsolated(holes)
        for row in rows:
            row["isolation"] = f"{len(holes)} hole(s) accepted (--accept-risk)" if holes else "checked"
        return Table(rows)

    def holes_open(self, participant: str) -> list[str]:
        """Dry-runs as ``participant`` (their kubeconfig) of what must be refused; one line per hole."""
        from lab.targets.kubernetes.kube_api import new_client

        path = self.folder / f"{participant}.kubeconfig"
        if not path.is_file():
            raise LabError(
                f"no kubeconfig for {participant} in {self.folder}. Fix: python -m lab room --room {self.name} "
                f"create --names {participant} (it writes one)"
            )
        checks = self.folder / f"{participant}{ISOLATION_SUFFIX}"
        checks.write_text(
            yaml.safe_dump_all(
                [room_isolation.body(hole, participant) for hole in room_isolation.HOLES], sort_keys=False
            )
        )
        print(
            f"checking that {participant}'s credentials cannot leave their namespace: the API server must refuse "
            f"each object of {checks.relative_to(settings.REPO_ROOT)} (server-side dry-runs; by hand: kubectl "
            f"--kubeconfig {path.relative_to(settings.REPO_ROOT)} create --dry-run=server -f "
            f"{checks.relative_to(settings.REPO_ROOT)})"
        )
        return room_isolation.holes_open(new_client(f"{self.name}-{participant}", str(path)), participant)

    def node_addresses(self) -> list[str]:
        """Each node's InternalIP: where the kubelet's probes come from."""
        return [
            address.address
            for node in self.nodes()
            if node.status is not None
            for address in (node.status.addresses or [])
            if address.type == "InternalIP"
        ]

    def _create_namespace(self, participant: str) -> None:
        from kubernetes import client

        found = read_or_none(self.core().read_namespace, participant)
        if found is None:
            body = room_objects.namespace(self.name, participant)
            show_command("kubectl", "create", "namespace", participant)
            show_command(
                "kubectl",
                "label",
                "namespace",
                participant,
                *(f"{key}={value}" for key, value in body["metadata"]["labels"].items()),
            )
            self.core().create_namespace(client.V1Namespace.model_validate(body))  # what the client makes of a dict
            return
        assert found.metadata is not None and found.status is not None  # the API server always sends both
        if (found.metadata.labels or {}).get(settings.ROOM_LABEL) != self.name:
            raise LabError(
                f"namespace {participant} exists and is not room {self.name}'s; the lab will not take it "
                "over. Fix: choose another participant name."
            )
        if found.status.phase == "Terminating":
            raise LabError(
                f"namespace {participant} is still being deleted (an earlier 'room delete'). "
                f"Fix: run 'python -m lab room --room {self.name} create --names {participant}' again once "
                f"'kubectl get namespace {participant}' finds nothing."
            )
        print(f"namespace {participant} exists in room {self.name}: bringing it up to date")

    def _write_manifest(self, participant: str, objects: KubeDicts) -> Path:
        """The objects as a file, so the printed kubectl command is one a person can run."""
        path = self.folder / f"{participant}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump_all(objects, sort_keys=False))
        return path

    def nodes(self) -> list["V1Node"]:
        show_command("kubectl", "get", "nodes", "-o", "wide")
        return self.core().list_node().items

    def pod_pids_limits(self) -> dict[str, int]:
        """Each node's kubelet podPidsLimit (0: none), where the instructor may read it."""
        from kubernetes.client.exceptions import ApiException

        limits: dict[str, int] = {}
        for node in self.nodes():
            name = object_name(node)
            show_shell(f"kubectl get --raw /api/v1/nodes/{name}/proxy/configz | grep -o '\"podPidsLimit\":[0-9-]*'")
            try:
                limits[name] = kubelet_readings.pod_pids_limit(self.core(), name)
            except ApiException as error:
                print(f"  {name}: the kubelet's configuration is not readable ({error.status}); limit unknown")
        return limits

    def _apply(self, objects: KubeDicts) -> None:
        from kubernetes.dynamic import DynamicClient

        # kubernetes.dynamic, unlike kubernetes.client, has no annotations.
        dynamic = DynamicClient(self.api())  # type: ignore[no-untyped-call]
        for body in objects:
            resource = dynamic.resources.get(api_version=body["apiVersion"], kind=body["kind"])
            dynamic.server_side_apply(
                resource,
                body=body,
                namespace=body["metadata"]["namespace"],  # type: ignore[no-untyped-call]
                field_manager=FIELD_MANAGER,
                force_conflicts=True,
            )

    def _wait_for_token(self, participant: str) -> str:
        show_shell(
            f"kubectl get secret {room_objects.TOKEN_SECRET} -n {participant} -o jsonpath='{{.data.token}}' | base64 -d"
        )

        def token() -> str | None:
            secret = self.core().read_namespaced_secret(room_objects.TOKEN_SECRET, participant)
            value = (secret.data or {}).get("token")
            return base64.b64decode(value).decode() if value else None

        return wait_until(
            token, timeout=TOKEN_TIMEOUT, interval=0.5, what=f"the token controller to fill in {participant}'s token"
        )

    # -- status -----------------------------------------------------------------------------------
    def participants(self, *, show: bool = True) -> list[str]:
        if show:
            show_command("kubectl", "get", "namespaces", "-l", self.selector())
        return sorted(object_name(ns) for ns in self.core().list_namespace(label_selector=self.selector()).items)

    @kube_call("reading the room's progress")
    def status(self, *, show: bool = True) -> Table:
        """One row per participant: checks passed per lesson, exercises, pods running
        (``show=False``: without printing the kubectl commands again)."""
        if show:
            show_command(
                "kubectl",
                "get",
                "configmaps",
                "-A",
                "--field-selector",
                f"metadata.name={progress.CONFIGMAP}",
                "-o",
                "yaml",
            )
        participants = self.participants(show=show)
        if not participants:
            raise LabError(
                f"room {self.name} has no participants on this cluster{self._other_rooms()}. "
                f"Fix: python -m lab room --room {self.name} create --participants N"
            )
        return Table([self._status_row(participant) for participant in participants])

    def _other_rooms(self) -> str:
        """`; the rooms here: a, b` when other rooms exist (a mistyped --room), else ''."""
        found = {
            ((ns.metadata.labels if ns.metadata else None) or {}).get(settings.ROOM_LABEL)
            for ns in self.core().list_namespace(label_selector=settings.ROOM_LABEL).items
        }
        found.discard(None)
        return (
            f" (the rooms here: {', '.join(sorted(str(name) for name in found))}; --room NAME picks one)"
            if found
            else ""
        )

    def _status_row(self, participant: str) -> dict[str, str]:
        config_map = read_or_none(self.core().read_namespaced_config_map, progress.CONFIGMAP, participant)
        data = (config_map.data if config_map is not None else None) or {}
        pods = self.core().list_namespaced_pod(participant).items
        running = sum(1 for pod in pods if pod.status is not None and pod.status.phase == "Running")
        row = {"participant": participant}
        row.update({f"lesson {n}": shown(data.get(f"lesson-{n}", "-")) for n in ("03", "04", "05", "06")})
        row["exercises"] = str(len([key for key in str(data.get("exercises", "")).split(",") if key]))
        row["predictions right"] = shown(data.get("predictions", "-"))
        row["pods running"] = f"{running}/{len(pods)}"
        row["last check"] = shown(data.get("updated", "not started"))
        return row

    def watch_status(self, seconds: float, every: float = 5) -> Table:
        """The status table, printed again every ``every`` seconds for ``seconds`` at most."""
        shown: list[Table] = []
        for _ in ticks(seconds, interval=every):
            shown.append(self.status(show=not shown))  # the kubectl command printed once
            print(time.strftime("%H:%M:%S"), f"room {self.name}", shown[-1], sep="\n", flush=True)
        return shown[-1]

    # -- delete -----------------------------------------------------------------------------------
    @kube_call("deleting the room")
    def delete(self, only: list[str] | None = None) -> list[str]:
        """The room's namespaces (all, or ``only`` these participants) and their kubeconfigs.
        Only namespaces with this room's label: nothing else is touched."""
        names = self.participants()
        if only:
            unknown = sorted(set(only) - set(names))
            if unknown:
                print(f"not in room {self.name}: {', '.join(unknown)} (nothing to delete for them)")
            names = [name for name in names if name in only]
        for name in names:
            show_command("kubectl", "delete", "namespace", name, "--wait=false")
            self._delete_namespace(name)
        started = time.monotonic()
        wait_until(
            lambda: not set(names) & set(self._remaining()),
            timeout=DELETE_TIMEOUT,
            interval=1,
            what=f"room {self.name}'s namespaces {', '.join(names)} to be deleted",
        )
        for name in names:
            for suffix in (".kubeconfig", ".yaml", ISOLATION_SUFFIX):
                (self.folder / f"{name}{suffix}").unlink(missing_ok=True)
        if self.folder.is_dir() and not any(self.folder.iterdir()):
            self.folder.rmdir()
        print(f"room {self.name}: deleted {len(names)} participant(s) in {time.monotonic() - started:.1f}s")
        return names

    def _delete_namespace(self, name: str) -> None:
        # 404: gone, 409: already being deleted; either is what we want
        call_or_none((404, 409), self.core().delete_namespace, name, _preload_content=False)

    def _remaining(self) -> list[str]:
        return [object_name(ns) for ns in self.core().list_namespace(label_selector=self.selector()).items]


def start_command(kubeconfig: Path, context: str, participant: str, registry: str | None = None) -> str:
    """What a participant types, in their copy of the course, to work in the room."""
    relative = kubeconfig.relative_to(settings.REPO_ROOT)
    images = f" LAB_REGISTRY={registry}" if registry else ""
    return f"KUBECONFIG=$PWD/{relative} LAB_KUBE_CONTEXT={context} LAB_PREFIX={participant}{images} ./course lab"
