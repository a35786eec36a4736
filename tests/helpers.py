"""Small helpers shared by the tests."""

import socket


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_KUBERNETES = {}


def kubernetes_or_fail() -> str:
    """The real Kubernetes to test on ("kind" or "standin"; the stand-in is started if it can
    be), or the test fails with the one-line fix. Never a skip. Asked once per session: a
    stand-in that could not start is not tried again for every notebook cell."""
    import pytest

    from lab import LabError
    from lab.targets.kubernetes.kubernetes_here import ensure_kubernetes

    if "answer" not in _KUBERNETES:
        try:
            _KUBERNETES["answer"] = ensure_kubernetes()
        except LabError as error:
            _KUBERNETES["answer"] = error
    if isinstance(_KUBERNETES["answer"], LabError):
        pytest.fail(str(_KUBERNETES["answer"]), pytrace=False)
    return _KUBERNETES["answer"]
