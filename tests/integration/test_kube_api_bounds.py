"""Every Kubernetes API call is bounded: against an API server that accepts connections and
then never answers (a real listening socket), a call ends within its request timeout with
one line that says what happened, instead of hanging the cell forever."""

import socket
import threading
import time

import pytest

import lab
from lab.targets.kubernetes.clusters import SharedCluster
from lab.targets.kubernetes.kube_api import REQUEST_TIMEOUT, WEBSOCKET_TIMEOUT
from lab.targets.kubernetes.target import KubernetesTarget

KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: hung
  cluster: {{server: "https://127.0.0.1:{port}", insecure-skip-tls-verify: true}}
users:
- name: hung
  user: {{token: not-a-real-token}}
contexts:
- name: hung
  context: {{cluster: hung, user: hung}}
current-context: hung
"""


@pytest.fixture
def hung_api_server(tmp_path):
    """A TCP listener that accepts and then says nothing, not even a TLS handshake."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(KUBECONFIG.format(port=server.getsockname()[1]))
    yield str(kubeconfig)
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_a_hung_api_server_gives_a_one_line_error_in_bounded_time(hung_api_server):
    target = KubernetesTarget(SharedCluster("hung", kubeconfig=hung_api_server))
    started = time.monotonic()
    with pytest.raises(lab.LabError) as error:
        target.deployments()
    seconds = time.monotonic() - started
    assert seconds < REQUEST_TIMEOUT[0] + 5, f"took {seconds:.0f}s: more than one bounded attempt"
    assert "the cluster does not answer" in str(error.value) and "Fix:" in str(error.value)
    assert "\n" not in str(error.value)


def test_an_exec_stream_to_a_hung_api_server_is_bounded_too(hung_api_server):
    """The exec websocket itself (past the REST lookups): its handshake has a bound."""
    from lab.targets.kubernetes.kube_api import kube_errors

    target = KubernetesTarget(SharedCluster("hung", kubeconfig=hung_api_server))
    started = time.monotonic()
    with pytest.raises(lab.LabError) as error, kube_errors("exec in the pod"):
        target._stream_exec("redis-pod", ["redis-cli", "ping"], timeout=5)
    seconds = time.monotonic() - started
    assert seconds < WEBSOCKET_TIMEOUT + 5, f"took {seconds:.0f}s"
    assert "the cluster does not answer" in str(error.value) and "Fix:" in str(error.value)
    assert "\n" not in str(error.value)
