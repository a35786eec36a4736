"""Watching the deployments: probe failures, restarts and new Events, noted into a Timeline as they come."""

from collections.abc import Callable, Iterable

from lab.core.json_types import Row
from lab.targets.kubernetes import pods, probes
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import KubeObject, kube_call
from lab.targets.timeline import Timeline


@kube_call("watching the pods")
def watch(
    apis: Apis,
    seconds: float,
    *,
    until: Callable[[], bool] | None = None,
    on_tick: Callable[[float], None] | None = None,
    on_event: Callable[[Row], None] | None = None,
    interval: float = 1,
    deployments: Iterable[str] | None = None,
) -> list[Row]:
    """Follow probe failures, restarts and events of every deployment (or those
    ``deployments``) for at most ``seconds``. Failures are counted by the kubelet
    (prober_probe_total), so the count stays true after it stops recording Events."""
    print(f"watching for up to {seconds:g}s (the kubelet runs the probes and restarts containers)")
    timeline = Timeline(on_event)
    seen_failures: dict[str, set[str]] = {}
    restarts: dict[str, int] = {}
    seen_events: set[tuple[str, int]] = set()
    first_look = [True]

    def look() -> None:
        names = list(deployments) if deployments is not None else pods.deployments(apis)
        pods_of = {name: pods.pods_of(apis, name) for name in names}
        counts = probes.probe_counts(apis, [pod for found in pods_of.values() for pod in found])  # each node once
        for name, found in pods_of.items():
            failures = probes.failed_ids(apis, found, counts)
            count = pods.restarts_of(found)
            new_events: list[KubeObject] = []
            for pod in found:
                for event in pods.raw_pod_events(apis, pod):
                    key = (event.metadata.uid, event.count or 1)
                    if key not in seen_events:
                        seen_events.add(key)
                        new_events.append(event)
            if first_look[0] or name not in restarts:  # what happened before the watch is not news
                seen_failures[name], restarts[name] = failures, count
                continue
            unhealthy = [e.message for e in new_events if e.reason == "Unhealthy"]
            for index, _failure in enumerate(sorted(failures - seen_failures[name])):
                detail = (
                    unhealthy[index]
                    if index < len(unhealthy)
                    else "counted by the kubelet; no new Event (it records about 25 per pod, then stops)"
                )
                timeline.note(name, "probe failed", " ".join(str(detail).split())[:120], count)
            seen_failures[name] |= failures
            for event in new_events:
                if event.reason != "Unhealthy":
                    timeline.note(name, "event", pods.event_line(event)[:120], count)
            if count > restarts[name]:
                timeline.note(name, "restarted", f"restartCount {count}: the kubelet restarted the container", count)
            restarts[name] = count
        first_look[0] = False

    return timeline.follow(seconds, look, on_tick=on_tick, until=until, interval=interval)
