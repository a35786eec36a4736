"""Bounded waits: every wait ends, and says what it was waiting for when it gives up."""
import time
from typing import Callable, TypeVar

from lab.core.errors import LabTimeout

T = TypeVar("T")


def wait_until(check: Callable[[], T], *, timeout: float, what: str, interval: float = 0.1) -> T:
    """Call ``check`` until it returns something truthy, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise LabTimeout(f"Gave up after {timeout:g}s waiting for {what}.")
        time.sleep(interval)
