"""Lessons in a learner's order, with no reset: pytest.ini runs lesson 4 (on its own), then
lesson 3 under nbval, then this runs 3 and 4 again, then lesson 5 runs under nbval:
4, 3, 3, 4, 5.

Going back is the hard part: when lesson 3 runs after lesson 4, lesson 4's liveness probe is still on
the live redis Deployment, and lesson 3's `kubectl apply -f k8s/` must take it off (on
Kubernetes 1.20, a server-side apply could not: "livenessProbe: Required value: must
specify a handler")."""

import pytest

from lab.core import settings
from tests.rerun.test_notebooks_twice import run_notebook

AGAIN = ["03-dockercoins.ipynb", "04-liveness-probe.ipynb"]


@pytest.mark.parametrize("name", AGAIN)
def test_a_lesson_taken_again_after_the_next_one_passes(kube_target_name, monkeypatch, name):
    monkeypatch.setenv("LAB_TARGET", kube_target_name)
    run_notebook(settings.REPO_ROOT / "notebooks" / name)
