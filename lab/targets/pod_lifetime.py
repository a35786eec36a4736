"""When a pod was created, became ready, and was asked to stop: what a rollout is made of."""
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Optional


@dataclass(frozen=True)
class PodLifetime:
    pod: str                       # its name (Docker: the container's ID)
    created: float                 # seconds since the epoch
    ready: Optional[float] = None  # since when it is ready (None: not ready)
    deleting: Optional[float] = None  # when its deletion was asked (None: not being deleted)


def docker_time(text: str) -> Optional[float]:
    """Docker's RFC 3339 times carry nanoseconds, more than datetime parses; its zero time means never."""
    if not text or text.startswith("0001-"):
        return None
    trimmed = re.sub(r"(\.\d{6})\d+", r"\1", text).replace("Z", "+00:00")
    return datetime.fromisoformat(trimmed).timestamp()
