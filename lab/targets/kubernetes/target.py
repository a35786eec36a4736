"""The Kubernetes target: lessons 3 to 5 on a real cluster, through the official client.

Server-side apply, rollout wait, exec, logs, restart counts, probe results and deletion
are the same code on kind, the CI stand-in and a shared cluster; only the cluster's
lifecycle (lab/targets/kubernetes/clusters.py) differs. Every object goes into the participant's namespace
(LAB_PREFIX) and carries the lab's label; every API call is bounded (lab/targets/kubernetes/kube_api.py).
The methods keep the contract in lab/targets/contract.py, as the docker target does.
"""
import copy
import json
import shlex
import threading
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set

import yaml

from lab.core import command_check, settings
from lab.core.console import show_command
from lab.core.errors import LabError, LabTimeout
from lab.core.waiting import wait_until
from lab.engine.exec_result import ExecResult, ExecTimedOut
from lab.targets import manifests
from lab.targets.kubernetes import kube_context, kubelet_readings
from lab.targets.kubernetes.clusters import (
    KindCluster,
    SharedCluster,
    StandinCluster,
    registry_image,
)
from lab.targets.kubernetes.kube_api import kube_call, kube_errors, new_client
from lab.targets.kubernetes.port_forward import PortForward
from lab.targets.pod_lifetime import PodLifetime
from lab.targets.timeline import Timeline

FIELD_MANAGER = "redis-tini-lab"
DELETE_TIMEOUT = 120  # seconds for pods and a namespace to be gone
# The exec'd command runs behind `sh -c '...; exec "$@"'`: the shell prints its PID and then
# becomes the command (same PID, no extra process), so a command that overruns its timeout
# can be killed by that PID. Closing the stream alone would leave it running.
PID_MARKER = "lab-exec-pid="
EXEC_WRAPPER = ["sh", "-c", f'echo "{PID_MARKER}$$" >&2; exec "$@"', "lab-exec"]


def namespace() -> str:
    """One namespace per participant: the LAB_PREFIX (default `lab`)."""
    return settings.prefix()


def _default_protocols(body: dict) -> None:
    """Server-side apply on Kubernetes < 1.21 rejects a port without `protocol` ("associative
    list with keys has an element that omits key field protocol", fixed by kubernetes PR
    98576). TCP is the API's own default, so writing it changes nothing on newer clusters."""
    spec = body.get("spec", {})
    ports = list(spec.get("ports", []))  # a Service
    for container in spec.get("template", {}).get("spec", {}).get("containers", []):  # a Deployment
        ports += container.get("ports", [])
    for port in ports:
        port.setdefault("protocol", "TCP")


def for_cluster(manifest: manifests.Manifest, ns: str, registry: Optional[str] = None,
                shared: bool = False) -> dict:
    """The object to apply: in the participant's namespace, with the lab's label on it and its
    pods, ports with their protocol, and images from ``registry`` when one is named. On a
    ``shared`` cluster a NodePort would collide between participants (node ports are
    cluster-wide), so Services become ClusterIP and the webui is reached by port-forward."""
    body = copy.deepcopy(manifest.body)
    if shared and body.get("kind") == "Service" and body["spec"].get("type") == "NodePort":
        body["spec"]["type"] = "ClusterIP"
        for port in body["spec"].get("ports", []):
            port.pop("nodePort", None)
    _default_protocols(body)
    metadata = body.setdefault("metadata", {})
    metadata["namespace"] = ns
    metadata.setdefault("labels", {})[settings.LABEL] = settings.prefix()
    template = body.get("spec", {}).get("template")
    if template is not None:
        template.setdefault("metadata", {}).setdefault("labels", {})[settings.LABEL] = settings.prefix()
        if registry:
            for container in template["spec"]["containers"]:
                container["image"] = registry_image(container["image"], registry)
    return body


def _exit_code(session) -> int:
    """The exec's exit code from its status channel: Success, or a cause of reason ExitCode."""
    from kubernetes.stream.ws_client import ERROR_CHANNEL
    raw = session.read_channel(ERROR_CHANNEL)
    status = yaml.safe_load(raw) if raw else None
    if not status:
        raise LabError("the exec ended without a status (did the container restart meanwhile?). Fix: re-run the cell.")
    if status.get("status") == "Success":
        return 0
    for cause in (status.get("details") or {}).get("causes") or []:
        if cause.get("reason") == "ExitCode":
            return int(cause["message"])
    raise LabError(f"the exec failed: {' '.join(str(status.get('message', status)).split())[:200]}")


def _split_pid(stderr: str):
    """(the wrapper's PID line's PID, stderr without that line)."""
    first, _, rest = stderr.partition("\n")
    if first.startswith(PID_MARKER):
        return first[len(PID_MARKER):].strip(), rest
    return None, stderr


class KubernetesTarget:
    """Lessons 3 to 5 on a Kubernetes cluster: kind, the stand-in, or a shared cluster."""
    restarts_unhealthy_containers = True
    has_service_endpoints = True
    shared_pid_namespace_pid1 = "pause"
    probe_events_rate_limited = True

    def __init__(self, cluster):
        self.cluster = cluster
        self.name = cluster.name
        command_check.engine_is(cluster.name, cluster.context, cluster.kubeconfig)
        self._api = None
        self._forwards: Dict[str, PortForward] = {}
        self._pids_limits: Dict[str, int] = {}

    # -- the cluster ------------------------------------------------------------------------
    @property
    def context(self) -> str:
        return self.cluster.context

    @property
    def shared(self) -> bool:
        return self.cluster.shared

    @property
    def registry(self) -> Optional[str]:
        return getattr(self.cluster, "registry", None)

    def prepare(self, images: Iterable[str]) -> None:
        """Get the lab's images to the nodes: kind load, the stand-in's load, or a registry."""
        self.cluster.prepare(images)
        self._api = None  # a cluster just created has a new kubeconfig entry

    def api(self):
        if self._api is None:
            try:
                self._api = new_client(self.cluster.context, self.cluster.kubeconfig)
            except LabError:
                raise LabError(self.cluster.missing()) from None
        return self._api

    def _core(self):
        from kubernetes import client
        return client.CoreV1Api(self.api())

    def _apps(self):
        from kubernetes import client
        return client.AppsV1Api(self.api())

    # -- the participant's namespace -----------------------------------------------------------
    def _namespace_state(self, ns: str) -> str:
        """"absent", "terminating", "ours" (the lab made it for this participant: it may
        delete it) or "given" (a room's: made by the instructor, or not readable with a
        participant's namespace-only rights; the lab uses it and never deletes it).
        A namespace the lab did not label is never used, nor deleted."""
        from kubernetes.client.rest import ApiException
        try:
            found = self._core().read_namespace(ns)
        except ApiException as error:
            if error.status == 404:
                return "absent"
            if error.status == 403:  # namespace-only rights: is it ours to work in?
                return self._given_namespace(ns)
            raise
        labels = found.metadata.labels or {}
        if labels.get(settings.LABEL) != settings.prefix():
            raise LabError(f"namespace {ns} exists and was not made by this lab; the lab will not use or delete it. "
                           "Fix: choose another LAB_PREFIX (it names your namespace).")
        if found.status.phase == "Terminating":
            return "terminating"
        return "given" if settings.ROOM_LABEL in labels else "ours"

    def _given_namespace(self, ns: str) -> str:
        """A namespace this account may not read is used only when it is a room's: the
        room's ConfigMap (lab/workshop/room_objects.py) is in it and readable."""
        from kubernetes.client.rest import ApiException
        try:
            self._core().read_namespaced_config_map(settings.ROOM_CONFIGMAP, ns)
        except ApiException as error:
            if error.status == 403:
                raise LabError(f"your credentials do not reach namespace {ns}. Fix: set LAB_PREFIX to the "
                               "participant name your room kubeconfig was made for.") from None
            if error.status == 404:
                raise LabError(f"namespace {ns} is not a room's, and your account may not read it; the lab will "
                               "not use it. Fix: ask the instructor to run 'python -m lab room create'.") from None
            raise
        return "given"

    def _ensure_namespace(self, ns: str) -> None:
        from kubernetes import client
        state = self._namespace_state(ns)
        if state == "terminating":
            print(f"namespace {ns} is still being deleted: waiting for it to be gone first")
            self._wait_namespace_gone(ns)
            state = "absent"
        if state == "absent":
            show_command("kubectl", "create", "namespace", ns)
            self._core().create_namespace(client.V1Namespace(
                metadata=client.V1ObjectMeta(name=ns, labels={settings.LABEL: settings.prefix()})))
        if not self.shared:  # a room's kubeconfig names its namespace already
            kube_context.set_namespace(self.context, ns, self.cluster.kubeconfig)

    # -- apply and wait ------------------------------------------------------------------------
    def apply(self, paths: Iterable[Path] = ()) -> List[str]:
        """`kubectl apply --server-side -f k8s/`, into the participant's namespace."""
        paths = list(paths)
        objects = manifests.load(paths)
        with kube_errors("creating your namespace"):
            self._ensure_namespace(namespace())  # first, as a person would: apply needs it
        shown = [manifests.shown_path(p) for p in paths] or ["k8s/"]
        if self.shared or self.registry:
            # Applied as changed for this cluster (ClusterIP for NodePort, the room's registry):
            # the file to type is that version, written to work/.
            as_applied = [manifests.Manifest(m.source, for_cluster(m, namespace(), self.registry, shared=self.shared))
                          for m in objects]
            shown = [manifests.shown_path(manifests.write_work_file(f"k8s-for-{namespace()}.yaml", as_applied))]
        show_command("kubectl", "apply", "--server-side", "-n", namespace(), "-f", *shown)
        return self.apply_manifests(objects)

    @kube_call("applying the manifests")
    def apply_manifests(self, objects: List[manifests.Manifest]) -> List[str]:
        from kubernetes.dynamic import DynamicClient
        ns = namespace()
        self._ensure_namespace(ns)
        dynamic = DynamicClient(self.api())
        results = []
        for manifest in objects:
            body = for_cluster(manifest, ns, self.registry, shared=self.shared)
            resource = dynamic.resources.get(api_version=body["apiVersion"], kind=body["kind"])
            dynamic.server_side_apply(resource, body=body, namespace=ns, field_manager=FIELD_MANAGER,
                                      force_conflicts=True)
            results.append(f"{body['kind'].lower()}/{manifest.name} serverside-applied")
        for line in results:
            print(line)
        return results

    @kube_call("listing deployments")
    def deployments(self) -> List[str]:
        mine = f"{settings.LABEL}={settings.prefix()}"
        return sorted(d.metadata.name for d in self._apps().list_namespaced_deployment(
            namespace(), label_selector=mine).items)

    @kube_call("waiting for the rollout")
    def wait_ready(self, timeout: float = 180, names: Optional[List[str]] = None) -> None:
        """`kubectl rollout status`: bounded; unknown names and the timeout are clear errors."""
        asked = bool(names)
        names = self._existing(names)
        show_command("kubectl", "wait", "-n", namespace(), "--for=condition=available",
                     *([f"deployment/{name}" for name in names] if asked else ["deployment", "--all"]),
                     f"--timeout={timeout:g}s")
        try:
            wait_until(lambda: not self._not_ready(names), timeout=timeout, what="every deployment to roll out",
                       interval=1)
        except LabTimeout:
            raise LabTimeout(f"not ready after {timeout:g}s: {'; '.join(self._why_not_ready(names))}") from None
        print(f"all deployments ready: {', '.join(names)}")

    def _existing(self, names: Optional[List[str]]) -> List[str]:
        deployed = self.deployments()
        if not names:
            if not deployed:
                raise LabError(f"nothing is deployed in namespace {namespace()}. Fix: run the cell with target.apply() first.")
            return deployed
        unknown = sorted(set(names) - set(deployed))
        if unknown:
            raise LabError(f"no deployment {', '.join(unknown)} in namespace {namespace()}. "
                           "Fix: apply it first (target.apply()), or check the name.")
        return list(names)

    def _not_ready(self, names: List[str]) -> List[str]:
        """What `kubectl rollout status` waits for (the new generation seen, every replica
        updated and available, no old replica left), and a running, ready pod."""
        pending = []
        for name in names:
            d = self._apps().read_namespaced_deployment(name, namespace())
            want, status = d.spec.replicas or 0, d.status
            rolled_out = (status.observed_generation or 0) >= d.metadata.generation \
                and (status.updated_replicas or 0) >= want and (status.available_replicas or 0) >= want \
                and (status.replicas or 0) <= (status.updated_replicas or 0)
            if not rolled_out or (want and not any(self._is_ready(pod) for pod in self._pods(name))):
                pending.append(name)
        return pending

    @staticmethod
    def _is_ready(pod) -> bool:
        statuses = pod.status.container_statuses or []
        return pod.status.phase == "Running" and bool(statuses) and all(s.ready for s in statuses)

    def _why_not_ready(self, names: List[str]) -> List[str]:
        reasons = []
        for name in self._not_ready(names):
            found = []
            for pod in self._pods(name):
                for status in pod.status.container_statuses or []:
                    waiting = status.state.waiting
                    if waiting:
                        found.append(f"{pod.metadata.name}: {waiting.reason} {waiting.message or ''}".strip())
                found += [f"{pod.metadata.name}: {event}" for event in self._pod_events(pod)[-2:]]
            reasons += found or [f"deployment {name} has no ready pod yet"]
        return reasons

    # -- pods ----------------------------------------------------------------------------------
    def _selector(self, deployment: str) -> Optional[str]:
        """The deployment's pod selector as a label selector string; None if it does not exist."""
        from kubernetes.client.rest import ApiException
        try:
            labels = self._apps().read_namespaced_deployment(deployment, namespace()).spec.selector.match_labels
        except ApiException as error:
            if error.status == 404:
                return None
            raise
        return ",".join(f"{key}={value}" for key, value in sorted((labels or {}).items()))

    def _pods(self, deployment: str, *, terminating: bool = False):
        """The deployment's pods (by its own selector); those being deleted only when asked."""
        selector = self._selector(deployment)
        if selector is None:
            return []
        pods = self._core().list_namespaced_pod(namespace(), label_selector=selector).items
        return [pod for pod in pods if terminating or not pod.metadata.deletion_timestamp]

    @kube_call("listing the pods")
    def pod_lifetimes(self, deployment: str) -> List[PodLifetime]:
        """Every pod of the deployment, those being deleted too: created, ready since, deletion asked."""
        lifetimes = []
        for pod in self._pods(deployment, terminating=True):
            ready = next((c.last_transition_time.timestamp() for c in pod.status.conditions or ()
                          if c.type == "Ready" and c.status == "True"), None)
            deleting = pod.metadata.deletion_timestamp
            lifetimes.append(PodLifetime(pod.metadata.name, pod.metadata.creation_timestamp.timestamp(), ready,
                                         deleting.timestamp() if deleting else None))
        return lifetimes

    def _running_pod(self, deployment: str):
        for pod in self._pods(deployment):
            if pod.status.phase == "Running":
                return pod
        raise LabError(f"no running pod for deployment {deployment}. Fix: run target.apply() and target.wait_ready().")

    # -- exec and logs --------------------------------------------------------------------------
    @kube_call("exec in the pod")
    def exec(self, deployment: str, command, *, timeout: float = 10, quiet: bool = False) -> ExecResult:
        """`kubectl exec deploy/NAME -- COMMAND`: exit code and output, bounded by ``timeout``;
        a command that overruns is SIGKILLed (ExecTimedOut says whether that worked)."""
        argv = shlex.split(command) if isinstance(command, str) else list(command)  # as on the docker target
        if not quiet:
            show_command("kubectl", "exec", "-n", namespace(), f"deploy/{deployment}", "--", *argv)
        pod = self._running_pod(deployment).metadata.name
        exit_code, stdout, stderr, timed_out = self._stream_exec(pod, EXEC_WRAPPER + argv, timeout)
        pid, stderr = _split_pid(stderr)
        if timed_out:
            killed = pid is not None and self._kill(pod, pid)
            outcome = "it was killed (SIGKILL)." if killed else "it may still be running (it could not be killed)."
            raise ExecTimedOut(f"'{shlex.join(argv)}' in deploy/{deployment} did not finish within {timeout:g}s; "
                               f"{outcome}", killed=killed)
        return ExecResult(exit_code, stdout, stderr)

    def _stream_exec(self, pod: str, argv: List[str], timeout: float):
        """Run ``argv`` over the exec websocket; (exit code, stdout, stderr, timed out)."""
        from kubernetes.stream import stream
        session = stream(self._core().connect_get_namespaced_pod_exec, pod, namespace(), command=argv,
                         stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
        stdout, stderr, deadline = [], [], time.monotonic() + timeout
        try:
            while session.is_open() and time.monotonic() < deadline:
                session.update(timeout=0.2)
                stdout.append(session.read_stdout() if session.peek_stdout() else "")
                stderr.append(session.read_stderr() if session.peek_stderr() else "")
            if session.is_open():
                return None, "".join(stdout), "".join(stderr), True
            stdout.append(session.read_stdout() if session.peek_stdout() else "")  # what came with the close
            stderr.append(session.read_stderr() if session.peek_stderr() else "")
            return _exit_code(session), "".join(stdout), "".join(stderr), False
        finally:
            session.close()

    def _kill(self, pod: str, pid: str) -> bool:
        """SIGKILL one process of the container, with the shell's own kill (no procps needed)."""
        try:
            with kube_errors("killing the exec"):
                code, _, _, timed_out = self._stream_exec(pod, ["sh", "-c", f"kill -KILL {int(pid)}"], 5)
        except LabError:
            return False
        return not timed_out and code == 0

    @kube_call("reading logs")
    def logs(self, deployment: str, *, tail="all") -> str:
        show_command("kubectl", "logs", "-n", namespace(), f"deploy/{deployment}",
                     *([f"--tail={tail}"] if tail != "all" else []))
        kwargs = {} if tail == "all" else {"tail_lines": int(tail)}
        return self._core().read_namespaced_pod_log(self._running_pod(deployment).metadata.name, namespace(), **kwargs)

    # -- restarts --------------------------------------------------------------------------------
    @kube_call("restarting the pod")
    def restart(self, deployment: str, *, reason: str = "") -> None:
        """`kubectl delete pod -l ...`: the Deployment starts a new pod; wait until the old
        one has stopped and the new one is ready."""
        pods = self._pods(deployment)
        if not pods:
            raise LabError(f"no pod for deployment {deployment} to restart. Fix: apply it first (target.apply()).")
        old = {pod.metadata.uid for pod in pods}
        if reason:
            print(f"  restarting {deployment}: {reason}")
        show_command("kubectl", "delete", "pod", "-n", namespace(), *sorted(pod.metadata.name for pod in pods))
        for pod in pods:
            self._delete_ignoring_gone(lambda: self._core().delete_namespaced_pod(
                pod.metadata.name, namespace(), _preload_content=False))

        def replaced() -> bool:
            current = self._pods(deployment, terminating=True)
            return all(self._stopped(p) for p in current if p.metadata.uid in old) and \
                any(self._is_ready(p) for p in current if not p.metadata.deletion_timestamp)

        wait_until(replaced, timeout=DELETE_TIMEOUT, what=f"a new ready pod for {deployment}", interval=0.5)
        print(f"deployment {deployment}: a new pod is ready")

    @kube_call("reading the restart count")
    def restart_count(self, deployment: str) -> int:
        """The current pod's restartCount: how often the kubelet restarted its container."""
        return sum(s.restart_count for pod in self._pods(deployment) for s in pod.status.container_statuses or [])

    # -- probes, from the kubelet's own counts ----------------------------------------------------
    def _probe_counts(self, pods) -> Optional[Dict[str, Dict[str, int]]]:
        """Liveness results per pod UID, {"successful": n, "failed": m}, read from each node's
        kubelet once; None when this account may not read them."""
        from kubernetes.client.rest import ApiException
        counts: Dict[str, Dict[str, int]] = {pod.metadata.uid: {"successful": 0, "failed": 0} for pod in pods}
        for node in sorted({pod.spec.node_name for pod in pods if pod.spec.node_name}):
            try:
                readings = kubelet_readings.probe_counts(self._core(), node)
            except ApiException as error:
                if error.status in (401, 403, 404):
                    return None
                raise
            for (uid, probe_type, result), value in readings.items():
                if uid in counts and probe_type == "Liveness" and result in counts[uid]:
                    counts[uid][result] = value
        return counts

    def _failures_from_events(self, pods) -> Set[str]:
        """Fallback without node access: one identifier per counted Unhealthy event occurrence
        (the kubelet stops recording them after about 25 per pod)."""
        ids = set()
        for pod in pods:
            for event in self._raw_pod_events(pod):
                if event.reason == "Unhealthy" and (event.message or "").startswith("Liveness probe"):
                    ids.update(f"{event.metadata.uid}:{n}" for n in range(event.count or 1))
        return ids

    @kube_call("reading events")
    def unhealthy_events(self, deployment: str) -> int:
        """How many failed liveness runs the pod's Events report (`kubectl describe pod`),
        which stop growing after the kubelet's burst of about 25 events per pod."""
        return len(self._failures_from_events(self._pods(deployment)))

    @kube_call("describing the pod")
    def describe(self, deployment: str, *, events: int = 6) -> str:
        """The lines of `kubectl describe pod` that tell a probe's story: the probe as
        configured with the kubelet's counts of its runs, restartCount, the last state, and
        the pod's latest events (which stop after a burst of about 25)."""
        pods = self._pods(deployment)
        if not pods:
            raise LabError(f"no pod for deployment {deployment}. Fix: apply it first (target.apply()).")
        pod = max(pods, key=lambda p: p.metadata.creation_timestamp)
        show_command("kubectl", "describe", "pod", "-n", namespace(), "-l", self._selector(deployment))
        status = (pod.status.container_statuses or [None])[0]
        lines = [f"Name:           {pod.metadata.name}",
                 f"Restart Count:  {status.restart_count if status else 0}"]
        last = status.last_state.terminated if status and status.last_state else None
        if last:
            lines.append(f"Last State:     Terminated (Reason: {last.reason}, Exit Code: {last.exit_code})")
        probe = pod.spec.containers[0].liveness_probe
        if probe and probe._exec:
            counts = (self._probe_counts([pod]) or {}).get(pod.metadata.uid, {})
            lines.append(f"Liveness:       exec [{' '.join(probe._exec.command)}] delay={probe.initial_delay_seconds or 0}s "
                         f"timeout={probe.timeout_seconds}s period={probe.period_seconds}s "
                         f"#success={probe.success_threshold} #failure={probe.failure_threshold}")
            if counts:
                lines.append(f"  (the kubelet's count of its runs: {counts.get('successful', 0)} passed, "
                             f"{counts.get('failed', 0)} failed)")
        lines.append("Events (latest):")
        lines += [f"  {line[:150]}" for line in self._pod_events(pod)[-events:]] or ["  <none>"]
        return "\n".join(lines)

    @kube_call("reading probe results")
    def failed_probes(self, deployment: str) -> Set[str]:
        """One identifier per failed liveness run of the current pod, from the kubelet's count."""
        pods = self._pods(deployment)
        return self._failed_ids(pods, self._probe_counts(pods))

    def _failed_ids(self, pods, counts: Optional[Dict[str, Dict[str, int]]]) -> Set[str]:
        if counts is None:
            return self._failures_from_events(pods)
        return {f"{pod.metadata.uid}:{n}" for pod in pods
                for n in range(counts.get(pod.metadata.uid, {}).get("failed", 0))}

    @kube_call("reading the liveness probe's state")
    def liveness_passing(self, deployment: str) -> bool:
        """The latest liveness run succeeded. The kubelet keeps counts, not the last result,
        so this waits for the next run (at most initialDelaySeconds left, plus one period and
        the timeout) and looks at which count moved."""
        pod = self._running_pod(deployment)
        probe = pod.spec.containers[0].liveness_probe
        if probe is None:
            raise LabError(f"deployment {deployment} has no liveness probe. Fix: add one (lesson 4) and apply it.")
        if not all(status.state.running for status in pod.status.container_statuses or []):
            return False  # restarting: its probe cannot pass now
        before = self._probe_counts([pod])
        period, probe_timeout = probe.period_seconds or 10, probe.timeout_seconds or 1
        if before is None:  # no access to the kubelet: no Unhealthy event in the last two periods
            recent = time.time() - 2 * period
            return not any(e.reason == "Unhealthy" and (e.message or "").startswith("Liveness probe")
                           and e.last_timestamp and e.last_timestamp.timestamp() > recent
                           for e in self._raw_pod_events(pod))
        started = pod.status.start_time.timestamp() if pod.status.start_time else time.time()
        not_yet = max(0.0, (probe.initial_delay_seconds or 0) - (time.time() - started))
        uid = pod.metadata.uid

        def next_run():
            now = self._probe_counts([pod])[uid]
            return now if now != before[uid] else None

        try:
            after = wait_until(next_run, timeout=not_yet + period + probe_timeout + 2, interval=0.25,
                               what=f"the next liveness probe run of {deployment}")
        except LabTimeout:
            return False  # no run yet (still in initialDelaySeconds): nothing has passed
        return after["failed"] == before[uid]["failed"]

    # -- PIDs ---------------------------------------------------------------------------------------
    def pids_in_use(self, deployment: str) -> Optional[int]:
        """The PIDs of a one-container pod (as every pod of the course): pids.current of the
        container's cgroup (cgroup v1 or v2), read by one exec'd `head`. That count includes
        `head` itself; the pod's cgroup also holds the sandbox's pause process, which the
        container's does not: the two cancel out."""
        try:
            result = self.exec(deployment, ["head", "-q", "/sys/fs/cgroup/pids/pids.current",
                                            "/sys/fs/cgroup/pids.current"], timeout=5, quiet=True)
        except LabError:
            return None  # e.g. no PID left for the reader itself
        numbers = [int(line) for line in result.stdout.split() if line.isdigit()]
        return numbers[0] if numbers else None

    @kube_call("reading the kubelet's PID limit")
    def pids_limit(self, deployment: str) -> int:
        """The podPidsLimit of the kubelet that runs the pod (its /configz); 0 if unknown."""
        from kubernetes.client.rest import ApiException
        node = self._running_pod(deployment).spec.node_name
        if node not in self._pids_limits:
            try:
                self._pids_limits[node] = kubelet_readings.pod_pids_limit(self._core(), node)
            except ApiException as error:
                if error.status not in (401, 403, 404):
                    raise
                self._pids_limits[node] = self._room_pids_limit(node)  # not ours to read in a room
        return self._pids_limits[node]

    def _room_pids_limit(self, node: str) -> int:
        """The limit as the room's instructor read it (lab/workshop/room_objects.py); 0 if unknown."""
        from kubernetes.client.rest import ApiException
        try:
            facts = self._core().read_namespaced_config_map(settings.ROOM_CONFIGMAP, namespace()).data or {}
        except ApiException as error:
            if error.status in (403, 404):
                return 0
            raise
        return int(json.loads(facts.get("pod-pids-limits", "{}")).get(node, 0))

    # -- events and the watch ----------------------------------------------------------------------
    def _raw_pod_events(self, pod):
        found = self._core().list_namespaced_event(
            namespace(), field_selector=f"involvedObject.name={pod.metadata.name}").items
        return sorted(found, key=lambda e: e.last_timestamp or e.event_time or e.metadata.creation_timestamp)

    @staticmethod
    def _event_line(event) -> str:
        return f"{event.type} {event.reason}: {event.message}" + (f" (x{event.count})" if (event.count or 1) > 1 else "")

    def _pod_events(self, pod) -> List[str]:
        return [self._event_line(e) for e in self._raw_pod_events(pod)]

    @kube_call("watching the pods")
    def watch(self, seconds: float, *, until=None, on_tick=None, on_event=None, interval: float = 1,
              deployments: Optional[Iterable[str]] = None) -> List[dict]:
        """Follow probe failures, restarts and events of every deployment (or those
        ``deployments``) for at most ``seconds``. Failures are counted by the kubelet
        (prober_probe_total), so the count stays true after it stops recording Events."""
        print(f"watching for up to {seconds:g}s (the kubelet runs the probes and restarts containers)")
        timeline = Timeline(on_event)
        seen_failures: Dict[str, Set[str]] = {}
        restarts: Dict[str, int] = {}
        seen_events: Set[tuple] = set()
        first_look = [True]

        def look() -> None:
            names = list(deployments) if deployments is not None else self.deployments()
            pods_of = {name: self._pods(name) for name in names}
            counts = self._probe_counts([pod for pods in pods_of.values() for pod in pods])  # each node once
            for name, pods in pods_of.items():
                failures = self._failed_ids(pods, counts)
                count = sum(s.restart_count for pod in pods for s in pod.status.container_statuses or [])
                new_events = []
                for pod in pods:
                    for event in self._raw_pod_events(pod):
                        key = (event.metadata.uid, event.count or 1)
                        if key not in seen_events:
                            seen_events.add(key)
                            new_events.append(event)
                if first_look[0] or name not in restarts:  # what happened before the watch is not news
                    seen_failures[name], restarts[name] = failures, count
                    continue
                unhealthy = [e.message for e in new_events if e.reason == "Unhealthy"]
                for index, _failure in enumerate(sorted(failures - seen_failures[name])):
                    detail = unhealthy[index] if index < len(unhealthy) else \
                        "counted by the kubelet; no new Event (it records about 25 per pod, then stops)"
                    timeline.note(name, "probe failed", " ".join(str(detail).split())[:120], count)
                seen_failures[name] |= failures
                for event in new_events:
                    if event.reason != "Unhealthy":
                        timeline.note(name, "event", self._event_line(event)[:120], count)
                if count > restarts[name]:
                    timeline.note(name, "restarted", f"restartCount {count}: the kubelet restarted the container", count)
                restarts[name] = count
            first_look[0] = False

        return timeline.follow(seconds, look, on_tick=on_tick, until=until, interval=interval)

    # -- addresses -----------------------------------------------------------------------------------
    @kube_call("reading the Service")
    def url(self, service: str, port: int = 80) -> str:
        """The Service on this machine: through the cluster's published node port where it has
        one (kind, stand-in), else through the lab's own port-forward."""
        found = self._core().read_namespaced_service(service, namespace())
        for service_port in found.spec.ports:
            if service_port.port == port and service_port.node_port:
                address = self.cluster.node_port_address(service_port.node_port)
                if address:
                    return address
        return self._port_forward(service, port)

    def _port_forward(self, service: str, port: int) -> str:
        if service not in self._forwards:
            from kubernetes import client
            from kubernetes.stream import portforward
            ns, opening = namespace(), threading.Lock()
            # The Service port's target: the named or numbered container port behind `port`.
            spec_port = next((p for p in self._core().read_namespaced_service(service, ns).spec.ports
                              if p.port == port), None)
            if spec_port is None:
                raise LabError(f"service {service} has no port {port}. Fix: check the port in its manifest.")
            wanted = spec_port.target_port if spec_port.target_port is not None else port
            forwarder_core = client.CoreV1Api(new_client(self.cluster.context, self.cluster.kubeconfig))

            def open_stream():
                # One connection at a time: the client switches itself into websocket mode
                # while it opens a stream, so no other call may use it meanwhile.
                with opening:
                    endpoints = forwarder_core.read_namespaced_endpoints(service, ns)
                    for subset in endpoints.subsets or []:
                        target = next((p.port for p in subset.ports or [] if wanted in (p.port, p.name)), None)
                        for address in subset.addresses or []:
                            if target is not None and address.target_ref is not None:
                                forward = portforward(forwarder_core.connect_get_namespaced_pod_portforward,
                                                      address.target_ref.name, ns, ports=str(target))
                                return forward.socket(target)
                raise LabError(f"service {service} has no ready pod")

            self._forwards[service] = PortForward(open_stream)
            print(f"the lab forwards {self._forwards[service].url} to svc/{service} (through the API server). "
                  "For your browser, in a terminal:")
            show_command("kubectl", "--context", self.cluster.context, "port-forward", "-n", ns,
                         f"svc/{service}", f"8080:{port}")
            print("  then open http://127.0.0.1:8080")
        return self._forwards[service].url

    @kube_call("reading endpoints")
    def endpoints(self, service: str, *, quiet: bool = False) -> List[str]:
        """`kubectl get endpoints`: the ready pod addresses behind a Service."""
        if not quiet:
            show_command("kubectl", "get", "endpoints", "-n", namespace(), service)
        found = self._core().read_namespaced_endpoints(service, namespace())
        return [address.ip for subset in found.subsets or [] for address in subset.addresses or []]

    # -- delete ----------------------------------------------------------------------------------------
    @staticmethod
    def _delete_ignoring_gone(call) -> None:
        """Run a delete call; a 404 is fine. The calls pass _preload_content=False: the reply
        is not needed, and a 1.20 API server answers a Service deletion with a Status
        object that the current client fails to read as a Service."""
        from kubernetes.client.rest import ApiException
        try:
            call()
        except ApiException as error:
            if error.status != 404:  # already gone: that is what we wanted
                raise

    @kube_call("deleting")
    def delete(self, deployments: Iterable[str] = (), *, wait: bool = True) -> None:
        """`kubectl delete deployment NAME...`, or everything of this participant's and then
        the namespace. Returns once the pods have stopped (and the namespace is gone),
        showing progress; with ``wait=False`` named deployments' pods stop in the background."""
        ns = namespace()
        wanted = list(deployments)
        state = self._namespace_state(ns)
        if state in ("absent", "terminating"):
            print(f"namespace {ns} does not exist: nothing to delete")
            return
        if wanted:
            show_command("kubectl", "delete", "deployment", "-n", ns, "--ignore-not-found", *wanted,
                         *([] if wait else ["--wait=false"]))
            selectors = self._delete_deployments(wanted)
            if wait:
                self._wait_pods_stopped(selectors, ", ".join(wanted))
            else:
                print("  (their pods stop in the background)")
            return
        # Pods first, so the namespace controller finds nothing left to wait for: deleting a
        # namespace with pods in it waits their whole grace period before checking again.
        mine = f"{settings.LABEL}={settings.prefix()}"
        show_command("kubectl", "delete", "deployment,service", "-n", ns, "-l", mine)
        self._delete_deployments(self.deployments())
        for service in self._core().list_namespaced_service(ns, label_selector=mine).items:
            self._delete_ignoring_gone(lambda: self._core().delete_namespaced_service(
                service.metadata.name, ns, _preload_content=False))
        self._wait_pods_stopped([mine], "this participant")
        if state == "given":
            print(f"namespace {ns} is the room's: kept, with your progress in it (the instructor's "
                  "'python -m lab room delete' removes it)")
        else:
            show_command("kubectl", "delete", "namespace", ns)
            self._delete_ignoring_gone(lambda: self._core().delete_namespace(ns, _preload_content=False))
            self._wait_namespace_gone(ns)
        for forward in self._forwards.values():
            forward.close()
        self._forwards.clear()

    def _delete_deployments(self, names: List[str]) -> List[str]:
        """Each deployment (already gone is fine), then its ReplicaSets and pods at once
        rather than through the garbage collector, which takes several seconds more. Only
        objects with this participant's label; returns the selectors of their pods."""
        ns, selectors = namespace(), []
        for name in names:
            selector = self._selector(name)
            self._delete_ignoring_gone(lambda: self._apps().delete_namespaced_deployment(
                name, ns, propagation_policy="Background", _preload_content=False))
            if selector:  # the ReplicaSets first, so none of them starts a replacement pod
                selector += f",{settings.LABEL}={settings.prefix()}"
                self._apps().delete_collection_namespaced_replica_set(ns, label_selector=selector,
                                                                      _preload_content=False)
                self._core().delete_collection_namespaced_pod(ns, label_selector=selector, _preload_content=False)
                selectors.append(selector)
        return selectors

    @staticmethod
    def _stopped(pod) -> bool:
        """Every container of the pod has terminated (the kubelet removes the pod object
        itself a little later, once it has cleaned up: up to about 10 s on Kubernetes 1.20)."""
        statuses = pod.status.container_statuses or []
        all_terminated = bool(statuses) and all(status.state.terminated is not None for status in statuses)
        return all_terminated or pod.status.phase in ("Succeeded", "Failed")

    def _wait_pods_stopped(self, selectors: List[str], what: str) -> None:
        """Until no pod matching these label selectors still runs, printing what is left
        whenever that changes."""
        last: List[Optional[List[str]]] = [None]

        def stopped() -> bool:
            running = sorted(pod.metadata.name for selector in selectors
                             for pod in self._core().list_namespaced_pod(namespace(), label_selector=selector).items
                             if not self._stopped(pod))
            if running and running != last[0]:
                print(f"  waiting for {len(running)} pod(s) to stop: {', '.join(running)}")
            last[0] = running
            return not running

        started = time.monotonic()
        wait_until(stopped, timeout=DELETE_TIMEOUT, interval=0.5, what=f"the pods of {what} to stop")
        print(f"pods stopped in {time.monotonic() - started:.1f}s")

    def _wait_namespace_gone(self, ns: str) -> None:
        from kubernetes.client.rest import ApiException

        def gone() -> bool:
            try:
                self._core().read_namespace(ns)
                return False
            except ApiException as error:
                if error.status == 404:
                    return True
                raise

        started = time.monotonic()
        wait_until(gone, timeout=DELETE_TIMEOUT, interval=0.5, what=f"namespace {ns} to be deleted")
        print(f"namespace {ns} deleted in {time.monotonic() - started:.1f}s")


def kind_target() -> KubernetesTarget:
    return KubernetesTarget(KindCluster())


def standin_target() -> KubernetesTarget:
    return KubernetesTarget(StandinCluster())


def shared_target(context: str, registry: Optional[str] = None) -> KubernetesTarget:
    return KubernetesTarget(SharedCluster(context, registry))
