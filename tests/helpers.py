"""Small helpers shared by the tests."""

import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

from lab.core.errors import LabError
from lab.targets.kubernetes.clusters import STANDIN_SCRIPT, StandinCluster
from lab.targets.kubernetes.kubernetes_here import NONE_HERE, kubernetes_target_name

STANDIN_UP_LOG = Path("/var/log/redis-tini-lab/standin-up.log")
STANDIN_UP_TIMEOUT = 1800  # a first build takes about 6 minutes on 2 cores, more on a busy machine


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

    if "answer" not in _KUBERNETES:
        try:
            _KUBERNETES["answer"] = ensure_kubernetes()
        except LabError as error:
            _KUBERNETES["answer"] = error
    if isinstance(_KUBERNETES["answer"], LabError):
        pytest.fail(str(_KUBERNETES["answer"]), pytrace=False)
    return _KUBERNETES["answer"]


def _can_run_standin() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def ensure_kubernetes() -> str:
    """The name of a real Kubernetes to test on, starting the stand-in when that is the way."""
    name = kubernetes_target_name()
    if name == "kind" or (name == "standin" and StandinCluster.is_up()):
        return name
    if not _can_run_standin():
        raise LabError(NONE_HERE)
    print(
        f"starting the Kubernetes stand-in (scripts/k8s-standin.sh up, log: {STANDIN_UP_LOG}); "
        "a first build takes about 6 minutes"
    )
    STANDIN_UP_LOG.parent.mkdir(parents=True, exist_ok=True)
    with STANDIN_UP_LOG.open("w") as log:
        # In a session of its own, so that on timeout the whole script (build, apt) is stopped.
        process = subprocess.Popen(
            [str(STANDIN_SCRIPT), "up"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            process.wait(timeout=STANDIN_UP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            raise LabError(f"the stand-in was not up within {STANDIN_UP_TIMEOUT}s; see {STANDIN_UP_LOG}") from None
    if process.returncode != 0:
        last = STANDIN_UP_LOG.read_text().strip().splitlines()[-1:] or ["no output"]
        raise LabError(f"the stand-in did not come up: {last[0]} (whole log: {STANDIN_UP_LOG})")
    return "standin"
