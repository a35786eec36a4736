"""Progress for the slow, once-only work (creating a cluster, loading images): each step
says where it is in the list and, when it is done, how long it took."""

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Steps:
    """`[2/4] load redis-tini-lab/redis:7.2.4-tini` ... `      done in 12 s`."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        number = self.done + 1
        print(f"[{number}/{self.total}] {what}", flush=True)
        started = time.monotonic()
        yield
        self.done = number
        print(f"      done in {time.monotonic() - started:.0f} s", flush=True)
