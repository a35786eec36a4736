"""The real Kubernetes for the tests here: kind on a laptop, the stand-in in CI (started
here if it is not up yet). No Kubernetes is a failure with the fix, never a skip. (The
root conftest.py points lessons 3-6 and tests/kubernetes/notebooks/ at it.)"""

import pytest

from tests.helpers import kubernetes_or_fail


@pytest.fixture(scope="session")
def kube_target_name():
    return kubernetes_or_fail()
