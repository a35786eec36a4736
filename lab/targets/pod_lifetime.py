"""When a pod was created, became ready, and was asked to stop: what a rollout is made of."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PodLifetime:
    pod: str  # its name
    created: float  # seconds since the epoch
    ready: float | None = None  # since when it is ready (None: not ready)
    deleting: float | None = None  # when its deletion was asked (None: not being deleted)
