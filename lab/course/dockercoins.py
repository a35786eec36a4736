"""Watching DockerCoins mine: its webui's /json, sampled in the foreground for a bounded time."""

import json
import urllib.error
import urllib.request
from collections.abc import Callable

from lab.core.console import show_command
from lab.core.errors import CheckFailed, LabTimeout
from lab.core.json_types import JsonObject
from lab.core.waiting import ticks, wait_until
from lab.course.checks import passed
from lab.targets.contract import Target


def stats(url: str) -> JsonObject:
    """`curl URL/json`: {coins, hashes, now}; {} while the webui or redis is not answering."""
    try:
        with urllib.request.urlopen(f"{url}/json", timeout=2) as response:
            data: JsonObject = json.loads(response.read())
            return data
    except (urllib.error.URLError, OSError, ValueError):
        return {}


def sample_hashes(url: str, seconds: float = 10, interval: float = 1) -> list[tuple[float, int]]:
    """(elapsed seconds, total hashes) every ``interval`` for ``seconds``."""
    show_command("curl", "-s", f"{url}/json")
    samples: list[tuple[float, int]] = []
    for elapsed in ticks(seconds, interval=interval):
        data = stats(url)
        if "hashes" in data:
            samples.append((elapsed, data["hashes"]))
    return samples


def hash_rate(samples: list[tuple[float, int]]) -> float:
    if len(samples) < 2:
        return 0.0
    (t0, h0), (t1, h1) = samples[0], samples[-1]
    return (h1 - h0) / (t1 - t0) if t1 > t0 else 0.0


def expect_mining(url: str, *, at_least: int = 5, timeout: float = 60) -> int:
    """Wait (bounded) until the hash counter has grown by ``at_least``."""

    def hashes_when(condition: Callable[[int], bool]) -> Callable[[], dict[str, int] | None]:
        """The hash count once ``condition(count)`` holds: one /json request per try."""

        def check() -> dict[str, int] | None:
            count = stats(url).get("hashes")
            return {"hashes": count} if count is not None and condition(count) else None

        return check

    first = wait_until(hashes_when(lambda count: True), timeout=timeout, what=f"the webui at {url}/json to answer")[
        "hashes"
    ]
    try:
        latest = wait_until(
            hashes_when(lambda count: count >= first + at_least), timeout=timeout, what="hashes to grow", interval=0.5
        )["hashes"]
    except LabTimeout:
        raise CheckFailed(
            f"hashes stayed near {first} for {timeout:g}s: is the worker running? "
            "Look at its logs (target.logs('worker'))."
        ) from None
    passed(f"DockerCoins is mining: hashes went from {first} to {latest}")
    return latest - first


COMPONENTS = {"redis", "rng", "hasher", "worker", "webui"}


def ensure_running(target: Target) -> str:
    """What lesson 3 leaves behind, for a lesson started on its own: build and deploy
    DockerCoins if any component is missing; return the webui's address."""
    from lab.engine.images import build_course_images

    missing = COMPONENTS - set(target.deployments())
    if missing:
        print(f"DockerCoins is not (fully) deployed, missing: {', '.join(sorted(missing))}: doing lesson 3's steps")
        target.prepare(build_course_images())
        target.apply()
    target.wait_ready(timeout=180)
    return target.url("webui")
