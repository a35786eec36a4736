"""Every notebook again, right after nbval ran them, with no reset in between; then the
lab's reset. So each notebook runs twice in a row, as a learner who re-runs them would,
with containers and deployments left from the first run; and reset leaves nothing labelled.
"""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import lab

# Lesson 5 ends by deleting everything it made, so a second run right after the first
# starts from the same state; its re-run that matters, with leftovers after a kernel
# restart in the middle, is in tests/faults/test_interruptions.py.
NOTEBOOKS = [path for path in sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]-*.ipynb"))
             if not path.name.startswith("05-")]


def run_notebook(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
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
