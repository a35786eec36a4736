"""webui: `GET /json` returns {coins, hashes, now}; `GET /` is a page that polls it every
second and plots hashes per second. It keeps serving while redis is away (503 on /json)."""

import json
import logging
import threading
import time
from pathlib import Path

from .redisclient import Redis
from .web import Handler, serve

log = logging.getLogger("webui")
PAGE = (Path(__file__).parent / "index.html").read_bytes()
_redis = Redis()
_redis_lock = threading.Lock()  # one connection, shared by the server's threads


def stats() -> dict:
    with _redis_lock:
        coins = _redis.command("HLEN", "wallet")
        hashes = _redis.command("GET", "hashes")
    return {"coins": coins, "hashes": int(hashes or 0), "now": time.time()}


class WebuiHandler(Handler):
    def do_GET(self):
        if self.path in ("/", "/index.html"):
            return self.reply(200, PAGE, "text/html; charset=utf-8")
        if self.path == "/json":
            try:
                body, status = stats(), 200
            except Exception as error:  # redis away: say so, keep serving
                log.warning("redis unavailable: %s", error)
                body, status = {"error": f"redis unavailable: {error}", "now": time.time()}, 503
            return self.reply(status, json.dumps(body).encode(), "application/json")
        self.reply(404, b"not found\n")


if __name__ == "__main__":
    serve(WebuiHandler)
