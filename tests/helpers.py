"""Small helpers shared by the tests."""
import socket


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kubernetes_or_fail() -> str:
    """The real Kubernetes to test on ("kind" or "standin"; the stand-in is started if it can
    be), or the test fails with the one-line fix. Never a skip."""
    import pytest

    from lab import LabError
    from lab.kubernetes_here import ensure_kubernetes
    try:
        return ensure_kubernetes()
    except LabError as error:
        pytest.fail(str(error), pytrace=False)
