"""The docker target: the manifests in k8s/ run on Docker Engine (see translate.py).

What kubectl would do, and what the lab does instead, are printed side by side. Docker
runs a liveness probe as a healthcheck but never restarts an unhealthy container: the
lab's watcher (``watch``) does what the kubelet would, while a cell runs it. The methods
keep the contract in lab/targets/contract.py, as the Kubernetes target does.
"""
import shlex
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Union

from lab.core import command_check, settings
from lab.core.console import show_command
from lab.core.errors import LabError, LabTimeout
from lab.core.json_types import Row
from lab.core.waiting import wait_until
from lab.engine.containers import exec_in, logs
from lab.engine.docker_client import docker_errors
from lab.engine.exec_result import ExecResult
from lab.targets import manifests
from lab.targets.docker import health, pods
from lab.targets.docker.pods import DEPLOYMENT_LABEL, SANDBOX_LABEL, pod_container
from lab.targets.docker.translate import ContainerPlan, translate
from lab.targets.pod_lifetime import PodLifetime, docker_time
from lab.targets.timeline import Timeline


class DockerTarget:
    name = "docker"
    restarts_unhealthy_containers = False   # Docker only marks it unhealthy: `watch` restarts it
    has_service_endpoints = False           # a network alias always points at the container
    has_api_server = False                  # manifests are checked against the API's schema only
    shared_pid_namespace_pid1 = "docker-init"  # the sandbox's tini (--init), standing in for pause
    probe_events_rate_limited = False

    def __init__(self, node_ports: Optional[Dict[int, int]] = None):
        """``node_ports``: nodePort -> 127.0.0.1 port; default: each node port kind-config.yaml
        publishes, at the same number (kind itself maps it to another port on the laptop)."""
        self.node_ports = node_ports
        command_check.engine_is("docker")

    def prepare(self, images: Iterable[str]) -> None:
        """Nothing to do: the containers use the images in the local Docker Engine."""
        print(f"docker target: {', '.join(images)} are used straight from the local Docker Engine")

    def network_name(self) -> str:
        return settings.container_name("k8s")

    # -- apply -----------------------------------------------------------------------
    def apply(self, paths: Iterable[Path] = ()) -> List[str]:
        """`kubectl apply -f k8s/`: create what is missing, recreate what changed, keep the rest."""
        paths = list(paths)
        show_command("kubectl", "apply", "-f", *([manifests.shown_path(p) for p in paths] or ["k8s/"]))
        return self.apply_manifests(manifests.load(paths))

    def apply_manifests(self, objects: List[manifests.Manifest]) -> List[str]:
        print("  (docker target: the same manifests, run as containers; the docker commands follow)")
        plans = translate(objects, self.node_ports)
        network = self._ensure_network()
        results = [self._apply_plan(plan, network) for plan in plans]
        for line in results:
            print(line)
        return results

    def _ensure_network(self) -> str:
        return pods.ensure_network(self.network_name())

    def _apply_plan(self, plan: ContainerPlan, network: str) -> str:
        try:
            current = health.refreshed(pod_container(plan.deployment))
            if current.labels.get(pods.FINGERPRINT_LABEL) == plan.fingerprint() and current.status == "running":
                return f"deployment.apps/{plan.deployment} unchanged"
            verb = "configured"
        except LabError:
            verb = "created"
        pods.start_pod(plan, network, restarts=0)
        return f"deployment.apps/{plan.deployment} {verb}"

    # -- state -------------------------------------------------------------------------
    def deployments(self) -> List[str]:
        return sorted(c.labels[DEPLOYMENT_LABEL] for c in pods.labelled_containers(DEPLOYMENT_LABEL))

    def pod_lifetimes(self, deployment: str) -> List[PodLifetime]:
        """The deployment's container (its pod): created, running (ready) since. Docker has no
        rolling update and no pod being deleted: a changed container is removed, then run."""
        lifetimes = []
        for container in pods.labelled_containers(f"{DEPLOYMENT_LABEL}={deployment}"):
            state = container.attrs["State"]
            ready = docker_time(state.get("StartedAt", "")) if state.get("Running") else None
            # Named by its ID: a replaced container keeps its name, as a new pod would not.
            lifetimes.append(PodLifetime(container.short_id, docker_time(container.attrs["Created"]) or 0.0, ready))
        return lifetimes

    def restart_count(self, deployment: str) -> int:
        """The pod's restartCount: how often the watcher restarted its container in place
        (the kubelet's job), since the pod was created."""
        return pods.restarts_of(pod_container(deployment))

    def describe(self, deployment: str, *, events: int = 6) -> str:
        """What Docker knows that `kubectl describe pod` would show: the healthcheck standing
        for the probe, restartCount (the watcher's), health status and failing streak, and
        the last probe results (Docker keeps five; it has no events per container)."""
        container = pod_container(deployment)
        show_command("docker", "inspect", "--format", "{{json .State.Health}}", container.name)
        return health.describe(container, events=events)

    def health(self, deployment: str) -> health.Health:
        """Docker's health state: Status, FailingStreak, and the last 5 probe results."""
        return health.health_of(pod_container(deployment))

    def liveness_passing(self, deployment: str) -> bool:
        """The latest probe run succeeded (the last entry of Docker's health log)."""
        state = self.health(deployment)
        if not state:
            raise LabError(f"deployment {deployment} has no liveness probe. Fix: add one (lesson 4) and apply it.")
        runs = state.get("Log") or []
        return bool(runs) and runs[-1]["ExitCode"] == 0

    def failed_probes(self, deployment: str) -> Set[str]:
        """Identifiers (start times) of the failed probe runs in Docker's health log, which
        keeps the last 5: poll at least every 5 probe periods and take the union."""
        container = pod_container(deployment)
        return {run["key"] for run in health.failed_runs(container, health.health_of(container))}

    def unhealthy_events(self, deployment: str) -> Optional[int]:
        return None  # Docker reports health in the container's state, not as events

    def pids_in_use(self, deployment: str) -> Optional[int]:
        """What the pod's pids cgroup counts (processes, threads and zombies)."""
        container = pod_container(deployment)
        with docker_errors(f"reading stats of {container.name}"):
            stats = container.stats(stream=False, one_shot=True)
        return int(stats.get("pids_stats", {}).get("current", 0))

    def pids_limit(self, deployment: str) -> int:
        return int(pod_container(deployment).attrs["HostConfig"].get("PidsLimit") or 0)

    def wait_ready(self, timeout: float = 180, names: Optional[List[str]] = None) -> None:
        """`kubectl rollout status`: every deployment (or those ``names``) running, and healthy
        if it has a probe."""
        show_command("kubectl", "wait", "--for=condition=available",
                     *([f"deployment/{name}" for name in names] if names else ["deployment", "--all"]),
                     f"--timeout={timeout:g}s")
        deployed = self.deployments()
        unknown = sorted(set(names or []) - set(deployed))
        if unknown:
            raise LabError(f"no deployment {', '.join(unknown)} is running here. "
                           "Fix: apply it first (target.apply()), or check the name.")
        names = names or deployed
        if not names:
            raise LabError("nothing is deployed. Fix: run the cell with target.apply() first.")
        try:
            wait_until(lambda: not self._not_ready(names), timeout=timeout, what="every deployment to be ready",
                       interval=0.5)
        except LabTimeout:
            problems = "; ".join(self._not_ready(names))
            raise LabTimeout(f"not ready after {timeout:g}s: {problems}") from None
        print(f"all {len(names)} deployments ready: {', '.join(names)}")

    def _not_ready(self, names: List[str]) -> List[str]:
        reasons = (health.not_ready_reason(name, pod_container(name)) for name in names)
        return [reason for reason in reasons if reason]

    # -- the kubelet's job, done in the foreground ------------------------------------
    def watch(self, seconds: float, *, until: Optional[Callable[[], bool]] = None,
              on_tick: Optional[Callable[[float], None]] = None,
              on_event: Optional[Callable[[Row], None]] = None, interval: float = 1,
              deployments: Optional[Iterable[str]] = None) -> List[Row]:
        """Follow every deployment's probe (or those ``deployments``) for at most ``seconds``;
        restart one that turns unhealthy or exits, as the kubelet would. Returns the rows."""
        print(f"watching for up to {seconds:g}s (Docker never restarts an unhealthy container: "
              "the lab does it here, as the kubelet would)")
        timeline, seen = Timeline(on_event), set()  # seen: the failed probe runs already noted

        def note(deployment: str, event: str, detail: str) -> None:
            timeline.note(deployment, event, detail, self.restart_count(deployment))

        def look() -> None:
            for name in (list(deployments) if deployments is not None else self.deployments()):
                container = pod_container(name)
                state = health.health_of(container)
                retries = (container.attrs["Config"].get("Healthcheck") or {}).get("Retries", 3)
                for failed in health.failed_runs(container, state):  # every failed probe run, once
                    if failed["key"] not in seen:
                        seen.add(failed["key"])
                        note(name, "probe failed",
                             f"{failed['output']} [failing streak: {state.get('FailingStreak', '?')} of {retries}]")
                plan = pods.plan_of(container)
                unhealthy = state.get("Status") == "unhealthy" and plan.restart_when_unhealthy
                if container.status != "running" or unhealthy:
                    why = "liveness probe failed" if container.status == "running" else f"container {container.status}"
                    self._restart_container(name, reason=why)
                    note(name, "restarted", why)

        return timeline.follow(seconds, look, on_tick=on_tick, until=until, interval=interval)

    def _restart_container(self, deployment: str, *, reason: str) -> None:
        """What the kubelet does after failed liveness probes: stop the container and start
        it again in the same pod, restartCount + 1."""
        print(f"  kubelet would log: Container {deployment} failed liveness probe, will be restarted"
              if reason == "liveness probe failed" else f"  restarting {deployment}: {reason}")
        self._replace(deployment, restarts=self.restart_count(deployment) + 1)

    def restart(self, deployment: str, *, reason: str = "") -> None:
        """`kubectl delete pod`: a new pod (container) replaces the current one, restartCount 0;
        returns once it is ready."""
        if reason:
            print(f"  restarting {deployment}: {reason}")
        show_command("kubectl", "delete", "pod", "-l", f"app={deployment}")
        self._replace(deployment, restarts=0)
        self.wait_ready(timeout=120, names=[deployment])

    def _replace(self, deployment: str, *, restarts: int) -> None:
        plan = pods.stop_pod(pod_container(deployment))
        pods.start_pod(plan, self._ensure_network(), restarts=restarts)

    # -- exec, logs, addresses -----------------------------------------------------------
    def exec(self, deployment: str, command: Union[str, Sequence[str]], *, timeout: float = 10, quiet: bool = False) -> ExecResult:
        argv = shlex.split(command) if isinstance(command, str) else list(command)  # as on Kubernetes
        if not quiet:
            show_command("kubectl", "exec", f"deploy/{deployment}", "--", *argv)
        return exec_in(pod_container(deployment), argv, timeout=timeout, quiet=True)

    def logs(self, deployment: str, *, tail: Union[int, str] = "all") -> str:
        show_command("kubectl", "logs", f"deploy/{deployment}", *([f"--tail={tail}"] if tail != "all" else []))
        return logs(pod_container(deployment), tail=tail, quiet=True)

    def url(self, service: str, port: int = 80) -> str:
        """The 127.0.0.1 address of a published (NodePort) service: the container it selects
        (here, the deployment of the same name) publishes it."""
        bindings = pod_container(service).attrs["HostConfig"]["PortBindings"] or {}
        for binding in bindings.get(f"{port}/tcp") or []:
            return f"http://127.0.0.1:{binding['HostPort']}"
        raise LabError(f"{service} publishes no port {port}: is its Service a NodePort in kind-config.yaml?")

    def endpoints(self, service: str, *, quiet: bool = False) -> List[str]:
        raise LabError(f"the docker target has no Service endpoints: the network alias {service} always points at "
                       "the container, ready or not. Fix: look at target.has_service_endpoints before asking.")

    # -- delete --------------------------------------------------------------------------
    def delete(self, deployments: Iterable[str] = (), *, wait: bool = True) -> None:
        """`kubectl delete`: remove the deployments' containers (and sandboxes), every named
        one that exists; all of them and the network when ``deployments`` is empty. Docker
        removes them at once, so ``wait`` changes nothing here."""
        wanted = set(deployments)
        show_command("kubectl", "delete", *(["deployment", *sorted(wanted)] if wanted else ["-f", "k8s/"]))
        for label in (DEPLOYMENT_LABEL, SANDBOX_LABEL):
            for container in pods.labelled_containers(label):
                if not wanted or container.labels[label] in wanted:
                    pods.remove_quietly(container)
        if not wanted:
            network = pods.network(self.network_name())
            if network is not None:
                with docker_errors(f"removing network {network.name}"):
                    network.remove()
