"""A learner opens a lesson first, after a reset (no images, nothing deployed): the lesson
prepares what it needs (lesson 1 needs only the base image; 2 and 3 build; 4 and 5 deploy
DockerCoins when it is missing) and passes."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import lab
from lab.core import settings

LESSONS = sorted(path for path in (settings.REPO_ROOT / "notebooks").glob("0[1-5]-*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_passes_on_its_own_after_a_reset(scenario, path: Path):
    lab.reset()  # images too: as if nothing had been done before this lesson
    notebook = nbformat.read(path, as_version=4)
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name}, started on its own after a reset:\n{str(error)[-1500:]}", pytrace=False)
