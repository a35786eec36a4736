"""Lessons 3 to 5 on a real Kubernetes, under nbval: the notebooks in notebooks/ (linked
from tests/kubernetes/notebooks/) run again with LAB_TARGET set to the Kubernetes this
machine has: kind on a laptop, the stand-in in CI (started here if it is not up yet).
No Kubernetes is a failure with the fix, never a skip."""
import os

import pytest

from tests.helpers import kubernetes_or_fail

_saved = {}


@pytest.fixture(scope="session")
def kube_target_name():
    return kubernetes_or_fail()


def _in_notebooks(item) -> bool:
    return item.fspath.ext == ".ipynb"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before nbval starts a notebook's kernel: point it at the real Kubernetes (the kernel
    inherits this process's environment when it starts)."""
    if not _in_notebooks(item):
        return
    name = kubernetes_or_fail()
    if "LAB_TARGET" not in _saved:
        _saved["LAB_TARGET"] = os.environ.get("LAB_TARGET")
    os.environ["LAB_TARGET"] = name


def pytest_runtest_teardown(item, nextitem):
    """After the last notebook here: the rest of the run gets its own LAB_TARGET back."""
    if _in_notebooks(item) and (nextitem is None or not _in_notebooks(nextitem)
                                or nextitem.fspath.dirname != item.fspath.dirname) and "LAB_TARGET" in _saved:
        previous = _saved.pop("LAB_TARGET")
        if previous is None:
            os.environ.pop("LAB_TARGET", None)
        else:
            os.environ["LAB_TARGET"] = previous


