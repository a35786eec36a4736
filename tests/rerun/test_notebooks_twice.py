"""Every notebook, run twice in a row with no reset in between, then the lab's reset.

nbval has already run each notebook once; this checks that a learner who runs them all
again (cells re-run, containers left from before) still passes, and that reset leaves
nothing labelled behind.
"""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import lab

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def run_notebook(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name} failed on a re-run:\n{str(error)[-1500:]}", pytrace=False)


def test_every_notebook_runs_twice_in_a_row(docker_engine):
    assert NOTEBOOKS, "no notebooks found"
    for round_ in (1, 2):
        for path in NOTEBOOKS:
            run_notebook(path)


def test_reset_leaves_nothing_labelled(docker_engine):
    lab.reset()
    leftovers = lab.labelled()
    assert leftovers.is_empty(), f"left behind: {leftovers}"
