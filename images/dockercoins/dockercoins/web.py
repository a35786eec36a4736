"""The small HTTP server every DockerCoins service uses (standard library only)."""

import http.server
import logging
import os

from .shutdown import exit_on_sigterm

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")


def serve(handler_class, port: int = int(os.environ.get("PORT", "80"))) -> None:
    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), handler_class)
    server.daemon_threads = True
    exit_on_sigterm()
    logging.getLogger(handler_class.__module__).info("listening on port %d", port)
    server.serve_forever()


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # one quiet line per request is enough
        pass
