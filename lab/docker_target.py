"""The docker target: the manifests in k8s/ run on Docker Engine (see translate.py).

What kubectl would do, and what the lab does instead, are printed side by side.
"""
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import docker.errors

from . import manifests, settings
from .console import show_command
from .containers import ExecResult, exec_in, get, logs, run
from .engine import client, docker_errors
from .errors import LabError, LabTimeout
from .translate import ContainerPlan, translate
from .waiting import wait_until

FINGERPRINT_LABEL = "io.redis-tini-lab.spec"
DEPLOYMENT_LABEL = "io.redis-tini-lab.deployment"


class DockerTarget:
    name = "docker"

    def __init__(self, node_ports: Optional[Dict[int, int]] = None):
        """``node_ports``: nodePort -> 127.0.0.1 port; default: kind-config.yaml's mappings."""
        self.node_ports = node_ports

    def prepare(self, images: Iterable[str]) -> None:
        """Nothing to do: the containers use the images in the local Docker Engine."""
        print(f"docker target: {', '.join(images)} are used straight from the local Docker Engine")

    def network_name(self) -> str:
        return settings.container_name("k8s")

    def apply(self, paths: Iterable[Path] = ()) -> List[str]:
        """`kubectl apply -f k8s/`: create what is missing, recreate what changed, keep the rest."""
        paths = list(paths)
        show_command("kubectl", "apply", "-f", *( [str(p) for p in paths] or ["k8s/"]))
        print("  (docker target: the same manifests, run as containers; the docker commands follow)")
        plans = translate(manifests.load(paths), self.node_ports)
        network = self._ensure_network()
        results = [self._apply_plan(plan, network) for plan in plans]
        for line in results:
            print(line)
        return results

    def _ensure_network(self) -> str:
        name = self.network_name()
        with docker_errors(f"creating network {name}"):
            if not client().networks.list(names=[name]):
                show_command("docker", "network", "create", name)
                client().networks.create(name, labels=settings.labels())
        return name

    def _apply_plan(self, plan: ContainerPlan, network: str) -> str:
        fingerprint = plan.fingerprint()
        try:
            current = get(plan.deployment)
            current.reload()
            if current.labels.get(FINGERPRINT_LABEL) == fingerprint and current.status == "running":
                return f"deployment.apps/{plan.deployment} unchanged"
            verb = "configured"
        except LabError:
            verb = "created"
        run(plan.deployment, plan.image, plan.command, entrypoint=plan.entrypoint, ports=plan.ports,
            environment=plan.environment, network=network, aliases=plan.aliases, healthcheck=plan.healthcheck,
            extra_labels={FINGERPRINT_LABEL: fingerprint, DEPLOYMENT_LABEL: plan.deployment})
        return f"deployment.apps/{plan.deployment} {verb}"

    def deployments(self) -> List[str]:
        mine = {"label": [f"{settings.LABEL}={settings.prefix()}", DEPLOYMENT_LABEL]}
        with docker_errors("listing deployments"):
            return sorted(c.labels[DEPLOYMENT_LABEL] for c in client().containers.list(all=True, filters=mine))

    def wait_ready(self, timeout: float = 120) -> None:
        """`kubectl rollout status`: every deployment running (and healthy, if it has a probe)."""
        show_command("kubectl", "rollout", "status", "deployment", "--timeout", f"{timeout:g}s")
        names = self.deployments()
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
        problems = []
        for name in names:
            container = get(name)
            container.reload()
            state = container.attrs["State"]
            health = state.get("Health", {}).get("Status")
            if container.status != "running":
                tail = container.logs(tail=3).decode(errors="replace").strip().replace("\n", " | ")
                problems.append(f"{name} is {container.status} (exit code {state['ExitCode']}): {tail}")
            elif health not in (None, "healthy"):
                problems.append(f"{name} is {health}")
        return problems

    def exec(self, deployment: str, command, *, timeout: float = 10, quiet: bool = False) -> ExecResult:
        if not quiet:
            argv = command if isinstance(command, list) else [command]
            show_command("kubectl", "exec", f"deploy/{deployment}", "--", *argv)
        return exec_in(deployment, command, timeout=timeout, quiet=True)

    def logs(self, deployment: str, *, tail="all") -> str:
        show_command("kubectl", "logs", f"deploy/{deployment}", *([f"--tail={tail}"] if tail != "all" else []))
        return logs(deployment, tail=tail, quiet=True)

    def container_name(self, deployment: str) -> str:
        return get(deployment).name

    def url(self, deployment: str, port: int = 80) -> str:
        """The 127.0.0.1 address of a published (NodePort) service."""
        bindings = get(deployment).attrs["HostConfig"]["PortBindings"] or {}
        for binding in bindings.get(f"{port}/tcp") or []:
            return f"http://127.0.0.1:{binding['HostPort']}"
        raise LabError(f"{deployment} publishes no port {port}: is its Service a NodePort in kind-config.yaml?")

    def delete(self) -> None:
        """`kubectl delete -f k8s/`: remove the deployments' containers and the network."""
        show_command("kubectl", "delete", "-f", "k8s/")
        for name in self.deployments():
            with docker_errors(f"removing {name}"):
                get(name).remove(force=True)
        try:
            client().networks.get(self.network_name()).remove()
        except docker.errors.NotFound:
            pass
