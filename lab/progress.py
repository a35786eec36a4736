"""Which exercise checks this participant has passed, kept in a small JSON file."""
import json
import os
from pathlib import Path

from . import settings


def _path() -> Path:
    state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    return state / "redis-tini-lab" / f"progress-{settings.prefix()}.json"


def passed_keys() -> list:
    try:
        return json.loads(_path().read_text())
    except (FileNotFoundError, ValueError):
        return []


def record(key: str) -> None:
    keys = passed_keys()
    if key not in keys:
        path = _path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(keys + [key]))


def summary() -> str:
    """One line per exercise: passed or not yet."""
    from .exercises import ALL
    done = set(passed_keys())
    lines = [f"[{'x' if e.key in done else ' '}] lesson {e.lesson}: {e.title}" for e in ALL]
    return "\n".join(lines + [f"{len(done & {e.key for e in ALL})} of {len(ALL)} exercises passed"])
