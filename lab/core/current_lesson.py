"""Which lesson is running: each notebook's first cell says so (``lab.lesson("03")``).

The checks count their PASS lines under it and the printed-commands record files each
command under it. It lives here, below both, so that neither has to import the other.
"""

from lab.core.config import session


def set_to(number: str) -> None:
    session().lesson = str(number)


def get() -> str | None:
    return session().lesson
