"""Exit promptly on SIGTERM.

Each service runs as PID 1 of its container, and the kernel gives PID 1 no default action
for SIGTERM: without a handler the signal is ignored, so `kubectl delete pod` (and
`docker stop`) waits out the whole grace period (30 s, 10 s) before SIGKILL. That is the
PID 1 problem this course teaches, so the course's own app handles the signal.
"""

import signal
import sys


def exit_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit (SystemExit unwinds the main thread, so open
    connections close and the process ends with status 0)."""
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(0))
