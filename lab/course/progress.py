"""What this participant has passed: the exercises, and each lesson's checks.

Kept in a small JSON file per participant. In a workshop room (LAB_KUBE_CONTEXT) it is
also mirrored into a ConfigMap in the participant's own namespace, which is where the
instructor's `python -m lab room status` reads it: the participant needs no rights
beyond their namespace, and the instructor needs no access to their machine.
"""

import datetime
import json
import os
import re
from pathlib import Path
from typing import TypedDict

from lab.core import config, current_lesson, settings
from lab.core.config import session
from lab.core.errors import LabError
from lab.targets import room_progress

CONFIGMAP = "redis-tini-lab-progress"


class Guess(TypedDict):
    """A prediction: the answer committed before the demonstration, and what it measured
    (None until the measurement is in)."""

    predicted: str
    measured: str | None


class State(TypedDict):
    """The progress file: the exercises passed (their keys), each lesson's checks passed
    (by check_key, under the lesson's number), and the predictions (by question key)."""

    exercises: list[str]
    checks: dict[str, list[str]]
    predictions: dict[str, Guess]


def _path() -> Path:
    return config.current().state_home / "redis-tini-lab" / f"progress-{settings.prefix()}.json"


def _load() -> State:
    try:
        saved = json.loads(_path().read_text())
    except (FileNotFoundError, ValueError):
        saved = {}
    if isinstance(saved, list):  # the first format: a list of exercise keys
        saved = {"exercises": saved}
    return {
        "exercises": saved.get("exercises", []),
        "checks": saved.get("checks", {}),
        "predictions": saved.get("predictions", {}),
    }


def _save(state: State) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state))
    _mirror(state)


def passed_keys() -> list[str]:
    return _load()["exercises"]


def lesson(number: str) -> None:
    """Which lesson the checks that follow belong to (each notebook's first cell says), and
    the kernel's working directory becomes the repository's root: the lessons' `%%bash`
    cells (`docker build images/...`, `kubectl apply -f work/k8s/`) then read as a person
    types them in a terminal opened there, whichever folder the notebook was started from."""
    current_lesson.set_to(number)
    os.chdir(settings.REPO_ROOT)


def record(key: str) -> None:
    """An exercise passed."""
    state = _load()
    if key not in state["exercises"]:
        state["exercises"].append(key)
        _save(state)


def check_key(message: str) -> str:
    """The check a PASS line is from, without what it measured: re-running a cell that
    says "mining at 3.1 hashes/second" and then "at 2.9" passes one check, not two."""
    return re.sub(r"\d+(\.\d+)?", "#", message)


def record_check(message: str) -> None:
    """A check passed in the current lesson (nothing is recorded outside a lesson)."""
    number = current_lesson.get()
    if number is None:
        return
    state = _load()
    passed_here = state["checks"].setdefault(number, [])
    if check_key(message) not in passed_here:
        passed_here.append(check_key(message))
        _save(state)


def record_prediction(key: str, predicted: str, measured: str | None = None) -> None:
    """A prediction committed (measured None), or its measurement in."""
    state = _load()
    state["predictions"][key] = {"predicted": predicted, "measured": measured}
    _save(state)


def predictions() -> dict[str, Guess]:
    return _load()["predictions"]


def predictions_right(guesses: dict[str, Guess]) -> str:
    """`3/4`: predictions that matched their measurement, of those measured."""
    measured = [guess for guess in guesses.values() if guess["measured"] is not None]
    return f"{sum(guess['predicted'] == guess['measured'] for guess in measured)}/{len(measured)}"


def checks_passed() -> dict[str, int]:
    return {number: len(messages) for number, messages in sorted(_load()["checks"].items())}


def configmap_data(state: State) -> dict[str, str]:
    """The ConfigMap's data (strings only): `lesson-03: "3"`, the exercises, and when."""
    data = {f"lesson-{number}": str(len(messages)) for number, messages in state["checks"].items()}
    data["exercises"] = ",".join(state["exercises"])
    data["predictions"] = predictions_right(state.get("predictions", {}))
    data["updated"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return data


def _mirror(state: State) -> None:
    """Into the room's ConfigMap, when the lab runs in a room; a failure is a note, once."""
    context = config.current().kube_context
    if not context or session().progress_mirror_failed:
        return
    try:
        room_progress.write(context, settings.prefix(), CONFIGMAP, configmap_data(state), settings.labels())
    except LabError as error:
        session().progress_mirror_failed = True
        print(f"note: your progress is saved on this machine only ({error})")
