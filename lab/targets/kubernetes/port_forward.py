"""The lab's own `kubectl port-forward`: a listener on 127.0.0.1 that carries each
connection through the API server to a pod behind a Service.

Used on every cluster (the course has no node ports). Each connection asks
for a ready pod anew, so a restarted redis or webui pod is found again. The forwarder has
an API client of its own: the kubernetes client switches a client into websocket mode
while it opens a stream, which must not happen under the notebook's own calls.
"""

import select
import socket
import socketserver
import threading
from collections.abc import Callable

IDLE_SECONDS = 30  # a connection with no traffic either way for this long is closed


class PortForward:
    def __init__(self, open_stream: Callable[[], socket.socket]):
        """``open_stream()`` returns a socket-like object connected to the pod's port."""
        self._open_stream = open_stream
        forward = self

        class Relay(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                forward._relay(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Relay)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="lab-port-forward", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _relay(self, client: socket.socket) -> None:
        try:
            remote = self._open_stream()
        except Exception:  # no ready pod, or the API server refused: the client sees a closed connection
            return
        try:
            while True:
                readable, _, _ = select.select([client, remote], [], [], IDLE_SECONDS)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (remote if source is client else client).sendall(data)
        except OSError:
            return
        finally:
            remote.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
