"""Bounded polling: the lab's one loop that waits. Every wait, watch, sampler and live view
iterates over ``ticks``, so every one of them ends, and a wait that gives up says what it
was waiting for."""

import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from lab.core.errors import LabTimeout

T = TypeVar("T")


def ticks(seconds: float, *, interval: float) -> Iterator[float]:
    """Yield the seconds elapsed: at once, then ``interval`` after the caller's loop body
    has run each time, and a last time when ``seconds`` are up. The pause comes after the
    body, however long it took, so a slow look at Docker or the API server still leaves
    the machine (and the pod's probes) a breather between two looks."""
    started = time.monotonic()
    while True:
        yield time.monotonic() - started
        left = started + seconds - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(interval, left))


def wait_until(check: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.1) -> T:
    """Call ``check`` until it returns something truthy, for at most ``timeout`` seconds
    (so what it returns is never None)."""
    for _ in ticks(timeout, interval=interval):
        result = check()
        if result:
            return result
    raise LabTimeout(f"Gave up after {timeout:g}s waiting for {what}.")
