"""The Kubernetes targets: a kind cluster on the learner's machine, or any cluster.

`KubernetesTarget` talks to any kubeconfig context through the official `kubernetes`
client: server-side apply, rollout wait, exec, logs, events and restart counts. Every
object goes into the participant's namespace (LAB_PREFIX) and carries the lab's label;
with a registry (LAB_REGISTRY) the images are pulled from there. `KindTarget` adds the
cluster's lifecycle through the `kind` CLI: create from kind-config.yaml, load local
images (no registry), delete.
"""
import contextlib
import copy
import functools
import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterable, List, Optional

import yaml

from . import manifests, settings
from .console import show_command
from .containers import ExecResult
from .errors import LabError, LabTimeout
from .timeline import Timeline
from .translate import node_port_map
from .waiting import wait_until

KIND_CONFIG = settings.REPO_ROOT / "kind-config.yaml"
FIELD_MANAGER = "redis-tini-lab"
KIND_MISSING = ("kind is not installed. Fix: install it (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), "
                "or use the docker target: LAB_TARGET=docker")


def cluster_name() -> str:
    return yaml.safe_load(KIND_CONFIG.read_text())["name"]


def namespace() -> str:
    """One namespace per participant: the LAB_PREFIX (default `lab`)."""
    return settings.prefix()


def registry_image(image: str, registry: str) -> str:
    """`redis-tini-lab/redis:7.2.4-tini` as pushed to ``registry`` (e.g. registry.example.com/course)."""
    return f"{registry.rstrip('/')}/{image}"


def for_cluster(manifest: manifests.Manifest, ns: str, registry: Optional[str] = None,
                shared: bool = False) -> dict:
    """The object to apply: in the participant's namespace, with the lab's label on it and its
    pods, and with images from ``registry`` when one is named. On a ``shared`` cluster a
    NodePort would collide between participants (node ports are cluster-wide), so Services
    become ClusterIP and the webui is reached with `kubectl port-forward`."""
    body = copy.deepcopy(manifest.body)
    if shared and body.get("kind") == "Service" and body["spec"].get("type") == "NodePort":
        body["spec"]["type"] = "ClusterIP"
        for port in body["spec"].get("ports", []):
            port.pop("nodePort", None)
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


def _kind(*args: str, timeout: float = 300) -> str:
    if shutil.which("kind") is None:
        raise LabError(KIND_MISSING)
    show_command("kind", *args)
    try:
        result = subprocess.run(["kind", *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LabTimeout(f"'kind {' '.join(args)}' did not finish within {timeout:g}s") from None
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise LabError(f"'kind {' '.join(args)}' failed: {last[0]}")
    return result.stdout


@contextlib.contextmanager
def kube_errors(action: str):
    """Translate what the Kubernetes client raises into a one-line, actionable LabError."""
    from kubernetes.client.rest import ApiException
    from kubernetes.dynamic.exceptions import DynamicApiError, ResourceNotFoundError
    from urllib3.exceptions import HTTPError
    try:
        yield
    except LabError:
        raise
    except (ApiException, DynamicApiError) as error:
        status = getattr(error, "status", "?")
        reason = " ".join(str(getattr(error, "reason", "") or "").split())
        body = " ".join(str(getattr(error, "body", "") or "").split())[:200]
        hint = {403: "Fix: your account may not do this in that namespace; ask the cluster's admin.",
                409: "Fix: re-run the cell; if a namespace is being deleted, wait until it is gone."}.get(status, "")
        raise LabError(f"{action}: the API server said {status} {reason} {body} {hint}".strip()) from None
    except ResourceNotFoundError as error:
        raise LabError(f"{action}: {error}. Fix: check apiVersion and kind in the manifest.") from None
    except (HTTPError, OSError) as error:
        raise LabError(f"{action}: the cluster does not answer ({type(error).__name__}). Fix: is it running? "
                       "'kind get clusters' and 'docker ps' (the node is a container) tell.") from None


def _kube_call(action: str):
    """Run a method under kube_errors(action)."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            with kube_errors(action):
                return method(*args, **kwargs)
        return wrapper
    return decorate


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


class KubernetesTarget:
    """Any cluster in the kubeconfig: a shared one for a workshop room, one namespace each."""
    name = "kubernetes"

    shared = True  # one cluster, many participants

    def __init__(self, context: str, registry: Optional[str] = None):
        self.context = context
        self.registry = registry
        self._api = None

    def prepare(self, images: Iterable[str]) -> None:
        """A shared cluster pulls the images from the instructor's registry (`python -m lab push`)."""
        where = f"from {self.registry}" if self.registry else "from wherever the cluster's nodes find them"
        print(f"context {self.context}: images are pulled {where}: "
              + ", ".join(registry_image(i, self.registry) if self.registry else i for i in images))

    def api(self):
        if self._api is None:
            from kubernetes import config
            from kubernetes.config.config_exception import ConfigException
            try:
                self._api = config.new_client_from_config(context=self.context)
            except (ConfigException, FileNotFoundError):
                raise LabError(f"no kubeconfig context {self.context}. Fix: 'kubectl config get-contexts' lists "
                               "them; set LAB_KUBE_CONTEXT to one, or create the kind cluster.") from None
        return self._api

    # -- the kubernetes client ----------------------------------------------------------
    def _core(self):
        from kubernetes import client
        return client.CoreV1Api(self.api())

    def _apps(self):
        from kubernetes import client
        return client.AppsV1Api(self.api())

    def _own_namespace(self, ns: str):
        """The namespace if it exists and the lab made it for this participant; None if absent.
        A namespace the lab did not label is never used, nor deleted."""
        from kubernetes.client.rest import ApiException
        try:
            found = self._core().read_namespace(ns)
        except ApiException as error:
            if error.status == 404:
                return None
            raise
        if (found.metadata.labels or {}).get(settings.LABEL) != settings.prefix():
            raise LabError(f"namespace {ns} exists and was not made by this lab; the lab will not use or delete it. "
                           "Fix: choose another LAB_PREFIX (it names your namespace).")
        return found

    def _ensure_namespace(self, ns: str) -> None:
        from kubernetes import client
        if self._own_namespace(ns) is None:
            show_command("kubectl", "create", "namespace", ns)
            self._core().create_namespace(client.V1Namespace(
                metadata=client.V1ObjectMeta(name=ns, labels={settings.LABEL: settings.prefix()})))

    def apply(self, paths: Iterable[Path] = ()) -> List[str]:
        """`kubectl apply --server-side -f k8s/`, into the participant's namespace."""
        paths = list(paths)
        show_command("kubectl", "apply", "--server-side", "-n", namespace(), "-f",
                     *([str(p) for p in paths] or ["k8s/"]))
        return self.apply_manifests(manifests.load(paths))

    @_kube_call("applying the manifests")
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

    @_kube_call("listing deployments")
    def deployments(self) -> List[str]:
        return sorted(d.metadata.name for d in self._apps().list_namespaced_deployment(namespace()).items)

    @_kube_call("waiting for the rollout")
    def wait_ready(self, timeout: float = 180, names: Optional[List[str]] = None) -> None:
        """`kubectl rollout status`: bounded; on timeout, says which pod is not ready and why."""
        show_command("kubectl", "rollout", "status", "-n", namespace(), "deployment", *(names or []),
                     "--timeout", f"{timeout:g}s")
        try:
            wait_until(lambda: not self._not_ready(names), timeout=timeout, what="every deployment to roll out",
                       interval=1)
        except LabTimeout:
            raise LabTimeout(f"not ready after {timeout:g}s: {'; '.join(self._why_not_ready())}") from None
        print(f"all deployments ready: {', '.join(names or self.deployments())}")

    def _not_ready(self, names: Optional[List[str]] = None) -> List[str]:
        """What `kubectl rollout status` waits for: the new generation seen, every replica
        updated and available, and no old replica left."""
        pending = []
        for d in self._apps().list_namespaced_deployment(namespace()).items:
            if names and d.metadata.name not in names:
                continue
            want, status = d.spec.replicas or 0, d.status
            if (status.observed_generation or 0) < d.metadata.generation or (status.updated_replicas or 0) < want \
                    or (status.available_replicas or 0) < want or (status.replicas or 0) > (status.updated_replicas or 0):
                pending.append(d.metadata.name)
        return pending

    def _why_not_ready(self) -> List[str]:
        reasons = []
        for name in self._not_ready():
            for pod in self._pods(name):
                for status in pod.status.container_statuses or []:
                    waiting = status.state.waiting
                    if waiting:
                        reasons.append(f"{pod.metadata.name}: {waiting.reason} {waiting.message or ''}".strip())
                for event in self.events(name)[-2:]:
                    reasons.append(f"{pod.metadata.name}: {event}")
            if not reasons:
                reasons.append(f"deployment {name} has no ready pod yet")
        return reasons

    def _pods(self, deployment: str, *, terminating: bool = False):
        """The deployment's pods; those being deleted only when asked for."""
        pods = self._core().list_namespaced_pod(namespace(), label_selector=f"app={deployment}").items
        return [pod for pod in pods if terminating or not pod.metadata.deletion_timestamp]

    def _running_pod(self, deployment: str) -> str:
        for pod in self._pods(deployment):
            if pod.status.phase == "Running" and not pod.metadata.deletion_timestamp:
                return pod.metadata.name
        raise LabError(f"no running pod for deployment {deployment}. Fix: run target.apply() and target.wait_ready().")

    @_kube_call("exec in the pod")
    def exec(self, deployment: str, command, *, timeout: float = 10, quiet: bool = False) -> ExecResult:
        """`kubectl exec deploy/NAME -- COMMAND`: exit code and output, bounded by ``timeout``."""
        from kubernetes.stream import stream
        argv = shlex.split(command) if isinstance(command, str) else list(command)  # as on the docker target
        if not quiet:
            show_command("kubectl", "exec", "-n", namespace(), f"deploy/{deployment}", "--", *argv)
        session = stream(self._core().connect_get_namespaced_pod_exec, self._running_pod(deployment), namespace(),
                         command=argv, stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
        stdout, stderr, deadline = [], [], time.monotonic() + timeout
        try:
            while session.is_open():
                if time.monotonic() > deadline:
                    raise LabTimeout(f"'{' '.join(argv)}' in deploy/{deployment} did not finish within {timeout:g}s")
                session.update(timeout=0.2)
                stdout.append(session.read_stdout() if session.peek_stdout() else "")
                stderr.append(session.read_stderr() if session.peek_stderr() else "")
            stdout.append(session.read_stdout() if session.peek_stdout() else "")  # what came with the close
            stderr.append(session.read_stderr() if session.peek_stderr() else "")
            return ExecResult(_exit_code(session), "".join(stdout), "".join(stderr))
        finally:
            session.close()

    @_kube_call("restarting the pod")
    def restart(self, deployment: str, *, reason: str = "") -> None:
        """`kubectl delete pod -l app=NAME`: the Deployment starts a new pod."""
        show_command("kubectl", "delete", "pod", "-n", namespace(), "-l", f"app={deployment}")
        for pod in self._pods(deployment):
            self._core().delete_namespaced_pod(pod.metadata.name, namespace())
        self.wait_ready(timeout=120, names=[deployment])

    @_kube_call("reading logs")
    def logs(self, deployment: str, *, tail="all") -> str:
        show_command("kubectl", "logs", "-n", namespace(), f"deploy/{deployment}",
                     *([f"--tail={tail}"] if tail != "all" else []))
        kwargs = {} if tail == "all" else {"tail_lines": int(tail)}
        return self._core().read_namespaced_pod_log(self._running_pod(deployment), namespace(), **kwargs)

    @_kube_call("reading the restart count")
    def restart_count(self, deployment: str) -> int:
        """The pod's restartCount: how many times the kubelet restarted its container."""
        return sum(s.restart_count for pod in self._pods(deployment) for s in pod.status.container_statuses or [])

    @_kube_call("reading events")
    def events(self, deployment: str) -> List[str]:
        """`kubectl events`: the pods' events, oldest first (probe failures, kills, restarts)."""
        return [line for _key, line in self._keyed_events(deployment)]

    def _keyed_events(self, deployment: str) -> List[tuple]:
        """(key, line) per event occurrence: the kubelet folds repeats into one event with a
        count, so (uid, count) identifies each new occurrence."""
        found = []
        for pod in self._pods(deployment):
            found += self._core().list_namespaced_event(
                namespace(), field_selector=f"involvedObject.name={pod.metadata.name}").items
        found.sort(key=lambda e: e.last_timestamp or e.event_time or e.metadata.creation_timestamp)
        return [((e.metadata.uid, e.count or 1), f"{e.type} {e.reason}: {e.message}"
                 + (f" (x{e.count})" if (e.count or 1) > 1 else "")) for e in found]

    def url(self, deployment: str, port: int = 80) -> str:
        raise LabError(f"a shared cluster publishes no port on this machine. Fix: in a terminal run "
                       f"'kubectl --context {self.context} port-forward -n {namespace()} svc/{deployment} 8080:{port}', "
                       "then use http://127.0.0.1:8080")

    @_kube_call("reading endpoints")
    def endpoints(self, service: str) -> List[str]:
        """`kubectl get endpoints`: the ready pod addresses behind a Service."""
        show_command("kubectl", "get", "endpoints", "-n", namespace(), service)
        found = self._core().read_namespaced_endpoints(service, namespace())
        return [address.ip for subset in found.subsets or [] for address in subset.addresses or []]

    @_kube_call("reading the pod's state")
    def liveness_passing(self, deployment: str) -> bool:
        """Running, ready, and no Unhealthy event since the pod started."""
        pods = self._pods(deployment)
        ready = bool(pods) and all(s.ready for pod in pods for s in pod.status.container_statuses or [])
        return ready and not any("Unhealthy" in line for line in self.events(deployment))

    @_kube_call("reading probe events")
    def timed_out_probes(self, deployment: str) -> set:
        """One identifier per failed liveness probe run (an event carries a count). Used while
        redis is paused, when every failure is a timeout. Current kubelets write
        `command "..." timed out`; older ones only the probe's (empty) output, so every
        liveness failure is counted, not only those that say "timed out"."""
        ids = set()
        for pod in self._pods(deployment):
            for event in self._core().list_namespaced_event(
                    namespace(), field_selector=f"involvedObject.name={pod.metadata.name}").items:
                if event.reason == "Unhealthy" and (event.message or "").startswith("Liveness probe"):
                    ids.update(f"{event.metadata.uid}:{n}" for n in range(event.count or 1))
        return ids

    def pids_in_use(self, deployment: str) -> Optional[int]:
        return None  # the pod's pids cgroup is inside the kind node; reading it needs a PID itself

    def pids_limit(self, deployment: str) -> int:
        return 0  # the kubelet's podPidsLimit of a shared cluster is not visible from here: unknown

    @_kube_call("watching the pods")
    def watch(self, seconds: float, *, until=None, on_tick=None, on_event=None, interval: float = 1) -> List[dict]:
        """Follow probe events and restarts for at most ``seconds``: the kubelet does the work."""
        print(f"watching for up to {seconds:g}s (the kubelet runs the probes and restarts containers)")
        timeline = Timeline(on_event)
        seen = {key for name in self.deployments() for key, _line in self._keyed_events(name)}  # before the watch

        def look() -> None:
            for name in self.deployments():
                for key, line in self._keyed_events(name):
                    if key in seen:
                        continue
                    seen.add(key)
                    kind = "restarted" if "Killing" in line else ("probe failed" if "Unhealthy" in line else "event")
                    timeline.note(name, kind, line, self.restart_count(name))

        return timeline.follow(seconds, look, on_tick=on_tick, until=until, interval=interval)

    @_kube_call("deleting")
    def delete(self, deployments: Iterable[str] = ()) -> None:
        """`kubectl delete`: the named deployments, or the participant's whole namespace."""
        from kubernetes.client.rest import ApiException
        ns = namespace()
        wanted = list(deployments)
        show_command("kubectl", "delete", "-n", ns, *(["deployment", *wanted] if wanted else ["namespace", ns]))
        if self._own_namespace(ns) is None:
            return  # nothing deployed for this participant
        try:
            if wanted:
                for name in wanted:
                    self._apps().delete_namespaced_deployment(name, ns, propagation_policy="Foreground")
            else:
                self._core().delete_namespace(ns)
        except ApiException as error:
            if error.status != 404:
                raise
        # Bounded: wait until the pods are gone (a re-run must not see the old pod's restarts),
        # and a deleted namespace is gone (a namespace being deleted refuses new objects).
        if wanted:
            wait_until(lambda: not any(self._pods(name, terminating=True) for name in wanted), timeout=120,
                       what=f"the pods of {', '.join(wanted)} to be deleted", interval=1)
        else:
            wait_until(lambda: not self._namespace_exists(ns), timeout=120,
                       what=f"namespace {ns} to be deleted", interval=1)

    def _namespace_exists(self, ns: str) -> bool:
        from kubernetes.client.rest import ApiException
        try:
            self._core().read_namespace(ns)
            return True
        except ApiException as error:
            if error.status == 404:
                return False
            raise


class KindTarget(KubernetesTarget):
    """The learner's own kind cluster; images get in with `kind load docker-image`."""
    name = "kind"
    shared = False

    def __init__(self):
        if shutil.which("kind") is None:
            raise LabError(KIND_MISSING)
        self.cluster = cluster_name()
        super().__init__(context=f"kind-{self.cluster}")

    def api(self):
        try:
            return super().api()
        except LabError:
            raise LabError(f"the kind cluster {self.cluster} does not exist yet. "
                           "Fix: run the cell with target.prepare(...) (it runs kind create cluster).") from None

    # -- cluster lifecycle: the kind CLI ------------------------------------------------
    def create_cluster(self, timeout: float = 300) -> None:
        """`kind create cluster`, or reuse the one that exists."""
        if self.cluster in _kind("get", "clusters", timeout=30).split():
            print(f"cluster {self.cluster} exists: reusing it")
        else:
            _kind("create", "cluster", "--config", str(KIND_CONFIG), "--wait", f"{int(timeout)}s", timeout=timeout + 60)
        self._api = None

    def load_images(self, tags: Iterable[str]) -> None:
        """`kind load docker-image`: copy locally built images into the node (no registry)."""
        for tag in tags:
            _kind("load", "docker-image", tag, "--name", self.cluster)

    def prepare(self, images: Iterable[str]) -> None:
        """Create (or reuse) the cluster and load the lab's images into it."""
        self.create_cluster()
        self.load_images(images)

    def delete_cluster(self) -> None:
        _kind("delete", "cluster", "--name", self.cluster)
        self._api = None

    @_kube_call("reading the webui Service")
    def url(self, deployment: str, port: int = 80) -> str:
        """The laptop's address of a NodePort service, through kind-config.yaml's port mapping."""
        service = self._core().read_namespaced_service(deployment, namespace())
        node_ports = node_port_map()
        for service_port in service.spec.ports:
            if service_port.port == port and service_port.node_port in node_ports:
                return f"http://127.0.0.1:{node_ports[service_port.node_port]}"
        raise LabError(f"service {deployment} has no nodePort published by kind-config.yaml")

    def pids_limit(self, deployment: str) -> int:
        """The kubelet's podPidsLimit, from kind-config.yaml."""
        patches = [yaml.safe_load(p) for p in yaml.safe_load(KIND_CONFIG.read_text()).get("kubeadmConfigPatches", [])]
        return next((p["podPidsLimit"] for p in patches if p.get("kind") == "KubeletConfiguration"), 0)
