"""A Deployment's pod on Docker: one labelled container (and a sandbox for a shared PID namespace).

The labels carry what Kubernetes would keep in the API: the plan (to recreate the pod on
restart), its fingerprint (to tell `apply` what changed), and the restartCount.
"""
from typing import Any, List, Optional

import docker.errors
from docker.models.containers import Container

from lab.core import settings
from lab.core.console import show_command
from lab.core.errors import LabError
from lab.engine.containers import get, remove, run
from lab.engine.docker_client import client, docker_errors
from lab.targets.docker.translate import ContainerPlan

PLAN_LABEL = "io.redis-tini-lab.plan"            # the plan, as JSON: what to recreate on restart
FINGERPRINT_LABEL = "io.redis-tini-lab.spec"     # changes exactly when the plan changes
DEPLOYMENT_LABEL = "io.redis-tini-lab.deployment"
RESTARTS_LABEL = "io.redis-tini-lab.restarts"    # the pod's restartCount
SANDBOX_LABEL = "io.redis-tini-lab.sandbox"      # the shared-PID-namespace sandbox of a deployment


def container_short_name(deployment: str) -> str:
    """A Deployment's pod is the container `<prefix>-k8s-<deployment>`: apart from the
    containers lessons 1 and 2 run by hand (`lab-redis`), so neither replaces the other."""
    return f"k8s-{deployment}"


def pod_container(deployment: str) -> Container:
    return get(container_short_name(deployment))


def plan_of(container: Container) -> ContainerPlan:
    return ContainerPlan.from_json(container.labels[PLAN_LABEL])


def restarts_of(container: Container) -> int:
    return int(container.labels.get(RESTARTS_LABEL, "0"))


def labelled_containers(label: str) -> List[Container]:
    """This participant's containers that carry ``label`` (``key`` or ``key=value``)."""
    mine = {"label": [f"{settings.LABEL}={settings.prefix()}", label]}
    with docker_errors("listing deployments"):
        # ignore_removed: a container removed between the listing and its inspection
        # (an experiment replacing its variants meanwhile) is simply not listed.
        found: List[Container] = client().containers.list(all=True, filters=mine, ignore_removed=True)
    return found


def start_pod(plan: ContainerPlan, network: str, *, restarts: int) -> None:
    if plan.share_process_namespace:
        pid_mode: Optional[str] = f"container:{_start_sandbox(plan)}"
    else:
        pid_mode = None
        remove(f"{container_short_name(plan.deployment)}-sandbox")  # shareProcessNamespace turned off
    run(container_short_name(plan.deployment), plan.image, plan.command, entrypoint=plan.entrypoint, ports=plan.ports,
        pids_limit=plan.pids_limit, memory_limit=plan.memory_limit,
        environment=plan.environment, network=network, aliases=plan.aliases, healthcheck=plan.healthcheck,
        pid_mode=pid_mode, extra_labels={
            PLAN_LABEL: plan.to_json(), FINGERPRINT_LABEL: plan.fingerprint(),
            DEPLOYMENT_LABEL: plan.deployment, RESTARTS_LABEL: str(restarts)})


def _start_sandbox(plan: ContainerPlan) -> str:
    """shareProcessNamespace: Kubernetes makes the pod's `pause` container PID 1 of one PID
    namespace for all its containers, and pause reaps (build/pause/linux/pause.c, in a
    SIGCHLD handler). Docker has no pods: a sandbox container run with --init stands in
    for the pod. Its PID 1 is docker-init (Docker's tini), which reaps too; the pod's
    container joins its PID namespace."""
    print("  shareProcessNamespace: a sandbox run with --init; its PID 1, docker-init (tini), reaps like pause")
    sandbox = run(f"{container_short_name(plan.deployment)}-sandbox", plan.image, ["infinity"],
                  entrypoint=["sleep"], init=True,
                  extra_labels={SANDBOX_LABEL: plan.deployment})
    return str(sandbox.name)


def stop_pod(container: Container) -> ContainerPlan:
    """Stop the pod's container within its grace period; returns its plan, to start again."""
    plan = plan_of(container)
    show_command("docker", "stop", "-t", str(plan.grace_seconds), container.name)
    with docker_errors(f"stopping {container.name}"):
        container.stop(timeout=plan.grace_seconds)
    return plan


def remove_quietly(container: Container) -> None:
    """Remove it, whether or not it is already gone."""
    with docker_errors(f"removing {container.name}"):
        try:
            container.remove(force=True)
        except docker.errors.NotFound:
            pass


def network(name: str) -> Any:
    """The lab's network ``name``, or None; an unlabelled one of that name is not ours to use."""
    with docker_errors(f"looking up network {name}"):
        try:
            found = client().networks.get(name)  # exact name, unlike list(names=)
        except docker.errors.NotFound:
            return None
    if found.attrs.get("Labels", {}).get(settings.LABEL) != settings.prefix():
        raise LabError(f"a network named {found.name} exists and was not made by this lab for "
                       f"{settings.prefix()!r}. Fix: remove it ('docker network rm {found.name}') or set another LAB_PREFIX.")
    return found


def ensure_network(name: str) -> str:
    if network(name) is None:
        show_command("docker", "network", "create", "--label", f"{settings.LABEL}={settings.prefix()}", name)
        with docker_errors(f"creating network {name}"):
            client().networks.create(name, labels=settings.labels())
    return name
