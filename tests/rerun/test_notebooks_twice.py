"""Lessons 0-2 again, right after nbval ran them, with no reset in between; then the
lab's reset. So each runs twice in a row, as a learner who re-runs them would, with the
containers left from the first run; and reset leaves nothing labelled. (Lessons 3 and 4
run again on Kubernetes in a learner's order: tests/kubernetes/test_learner_order.py.)
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import lab

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("0[0-2]-*.ipynb"))


def run_notebook(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name} failed on a re-run:\n{str(error)[-1500:]}", pytrace=False)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_passes_again_without_a_reset(docker_engine, path):
    run_notebook(path)


def test_reset_leaves_nothing_labelled(docker_engine):
    lab.reset()
    leftovers = lab.labelled()
    assert leftovers.is_empty(), f"left behind: {leftovers}"
