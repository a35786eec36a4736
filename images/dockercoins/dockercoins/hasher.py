"""hasher: `POST /` returns the sha256 hex digest of the body, after 0.1 s."""

import hashlib
import time

from .web import Handler, serve


class HasherHandler(Handler):
    def do_GET(self):
        self.reply(200, b"HASHER running\n")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(0.1)
        self.reply(200, hashlib.sha256(body).hexdigest().encode())


if __name__ == "__main__":
    serve(HasherHandler)
