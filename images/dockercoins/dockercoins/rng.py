"""rng: `GET /<n>` returns n random bytes, after 0.1 s (random numbers are slow, on purpose)."""

import os
import time

from .web import Handler, serve


class RngHandler(Handler):
    def do_GET(self):
        count = self.path.strip("/")
        if not count:
            return self.reply(200, b"RNG running\n")
        if not count.isdigit() or int(count) > 1_000_000:
            return self.reply(400, b"usage: GET /<number of bytes>\n")
        time.sleep(0.1)
        self.reply(200, os.urandom(int(count)), "application/octet-stream")


if __name__ == "__main__":
    serve(RngHandler)
