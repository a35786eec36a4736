"""What a watch saw, as rows, printed as it happens."""

import time
from collections.abc import Callable

from lab.core.json_types import Row
from lab.core.waiting import ticks


class Timeline:
    def __init__(self, on_event: Callable[[Row], None] | None = None):
        self.started = time.monotonic()
        self.rows: list[Row] = []
        self.on_event = on_event

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def note(self, deployment: str, event: str, detail: str, restarts: int) -> Row:
        row: Row = {
            "t": round(self.elapsed(), 1),
            "deployment": deployment,
            "event": event,
            "detail": detail,
            "restarts": restarts,
        }
        self.rows.append(row)
        print(f"{row['t']:6.1f}s  {deployment}: {event}: {detail}")
        if self.on_event is not None:
            self.on_event(row)
        return row

    def follow(
        self,
        seconds: float,
        look: Callable[[], None],
        *,
        on_tick: Callable[[float], None] | None = None,
        until: Callable[[], bool] | None = None,
        interval: float = 0.5,
    ) -> list[Row]:
        """Call ``look`` (which notes what it sees) every ``interval`` for at most ``seconds``,
        or until ``until()``; return the rows noted."""
        for _ in ticks(seconds - self.elapsed(), interval=interval):
            look()
            if on_tick is not None:
                on_tick(self.elapsed())
            if until is not None and until():
                look()  # note what ended the wait (e.g. the restart), seen after this round's look
                break
        return self.rows
