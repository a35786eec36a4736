"""A learner opens a lesson first, after a reset, and the lesson prepares what it needs and
passes. Lessons 1 and 2 run on Docker Engine after `lab.reset()` (no images, no containers:
lesson 1 needs only the base image, 2 builds). Lesson 4's run on its own is in the main run
(see below)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import lab
from conftest import KUBERNETES_LESSONS  # noqa: E402  (the lessons that run on Kubernetes)
from lab.core import settings

# Lessons 1 and 2. Lesson 4 runs on its own in the main run (pytest.ini: right after
# tests/kubernetes/test_lesson_4_starts_alone.py empties its namespace), which saves CI a
# second run of it; lesson 3 starts from an empty namespace in the room's run
# (test_two_participants.py); lesson 5 prepares what it needs the way lesson 4 does
# (DockerCoins deployed when missing, dockercoins.ensure_running); lesson 6 runs in the main
# run after lesson 5 deleted the namespace, so that run is already "on its own".
LESSONS = sorted(path for path in (settings.REPO_ROOT / "notebooks").glob("0[12]-*.ipynb"))


def reset_for(path: Path, request, monkeypatch) -> None:
    """The reset of the engine the lesson runs on; a Kubernetes lesson's kernel inherits
    LAB_TARGET from the on_kubernetes fixture, which also deletes the namespace afterwards.
    A Docker lesson runs as the participant `lab`, whose name its cells type (`docker run
    --name lab-my-redis --label io.redis-tini-lab.participant=lab`), as a learner's would."""
    if path.name.startswith(KUBERNETES_LESSONS):
        request.getfixturevalue("on_kubernetes").delete()
    else:
        monkeypatch.setenv("LAB_PREFIX", "lab")
        lab.reset()  # images too: as if nothing had been done before this lesson


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_passes_on_its_own_after_a_reset(scenario, request, monkeypatch, path: Path):
    reset_for(path, request, monkeypatch)
    notebook = nbformat.read(path, as_version=4)
    try:
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name}, started on its own after a reset:\n{str(error)[-1500:]}", pytrace=False)
