"""Docker's health state of a pod's container, read as a kubelet would read its probes.

Docker keeps the last five probe runs (State.Health.Log) and a failing streak; it emits no
events per container. These functions turn that state into what `kubectl describe` and
`kubectl rollout status` would say.
"""
from typing import Any, Dict, List, Optional

from docker.models.containers import Container

from lab.engine.docker_client import docker_errors
from lab.targets.docker.pods import plan_of, restarts_of
from lab.targets.docker.translate import SECOND

Health = Dict[str, Any]   # State.Health: Status, FailingStreak, Log (the last 5 runs)


def refreshed(container: Container) -> Container:
    with docker_errors(f"inspecting {container.name}"):
        container.reload()
    return container


def health_of(container: Container) -> Health:
    """Docker's health state: Status, FailingStreak, and the last 5 probe results."""
    found: Health = refreshed(container).attrs["State"].get("Health") or {}
    return found


def one_line(output: Optional[str], width: int) -> str:
    return " ".join((output or "").split())[:width]


def describe(container: Container, *, events: int) -> str:
    """What `kubectl describe pod` would show: the healthcheck standing for the probe,
    restartCount, health status and failing streak, and the last probe results."""
    plan, health = plan_of(container), health_of(container)
    lines = [f"Name:           {container.name}", f"Restart Count:  {restarts_of(container)}"]
    if plan.healthcheck:
        check = plan.healthcheck
        kind = "Liveness" if plan.restart_when_unhealthy else "Readiness"
        lines.append(f"{kind}:       exec [{' '.join(check['test'][1:])}] delay={check['start_period'] // SECOND}s "
                     f"timeout={check['timeout'] // SECOND}s period={check['interval'] // SECOND}s "
                     f"#failure={check['retries']}   (a Docker healthcheck)")
    lines.append(f"Health:         {health.get('Status', 'none')}, failing streak {health.get('FailingStreak', 0)}")
    lines.append("Last probe runs (Docker keeps five):")
    lines += [f"  exit {entry['ExitCode']}: {one_line(entry.get('Output'), 100) or '(no output)'}"
              for entry in (health.get("Log") or [])[-events:]] or ["  <none>"]
    return "\n".join(lines)


def not_ready_reason(name: str, container: Container) -> Optional[str]:
    """Why this pod is not ready (stopped, or its probe failing), or None if it is."""
    state = refreshed(container).attrs["State"]
    health = state.get("Health", {}).get("Status")
    if container.status != "running":
        with docker_errors(f"reading logs of {container.name}"):
            tail = container.logs(tail=3).decode(errors="replace").strip().replace("\n", " | ")
        return f"{name} is {container.status} (exit code {state['ExitCode']}): {tail}"
    if health not in (None, "healthy"):
        output = one_line((state["Health"].get("Log") or [{}])[-1].get("Output"), 160)
        return f"{name} is {health}" + (f", its probe says: {output}" if output else "")
    return None


def failed_runs(container: Container, health: Health) -> List[Dict[str, Any]]:
    """The failed probe runs in Docker's log (the last 5), each with a key that stays the same
    across reads: poll at least every 5 probe periods and take the union."""
    return [{"key": f"{container.id[:12]}:{entry['Start']}", "output": one_line(entry.get("Output"), 70)}
            for entry in health.get("Log") or [] if entry["ExitCode"] != 0]
