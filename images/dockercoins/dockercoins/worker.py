"""worker: get 32 random bytes from rng, hash them with hasher, and about once a second
add the number of hashes done to `hashes` in redis. A hash starting with "0" is a coin:
it goes into the `wallet` hash.

Redis restarts are the point of lesson 4: when redis is away the worker logs the error,
waits (0.5 s, doubling up to 5 s) and carries on, keeping the hashes it has not yet counted.
"""

import logging
import os
import time
import urllib.request

from .redisclient import Redis
from .shutdown import exit_on_sigterm

log = logging.getLogger("worker")
RNG = os.environ.get("RNG_URL", "http://rng")
HASHER = os.environ.get("HASHER_URL", "http://hasher")
MAX_BACKOFF = 5.0


def random_bytes(count: int) -> bytes:
    with urllib.request.urlopen(f"{RNG}/{count}", timeout=5) as response:
        return response.read()


def hash_bytes(data: bytes) -> str:
    request = urllib.request.Request(
        HASHER, data=data, method="POST", headers={"Content-Type": "application/octet-stream"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode()


def work_forever() -> None:
    redis = Redis()
    uncounted, last_report, backoff = 0, time.monotonic(), 0.5
    while True:
        try:
            data = random_bytes(32)
            digest = hash_bytes(data)
            uncounted += 1
            if digest.startswith("0"):
                log.info("coin found: %s...", digest[:8])
                redis.command("HSET", "wallet", digest, data)
            if time.monotonic() - last_report > 1:
                redis.command("INCRBY", "hashes", uncounted)
                log.info("%d units of work done, updating hash counter", uncounted)
                uncounted, last_report = 0, time.monotonic()
            backoff = 0.5
        except Exception as error:  # rng, hasher or redis away: log, wait, retry
            log.warning("%s: %s; retrying in %.1fs", type(error).__name__, error, backoff)
            time.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    exit_on_sigterm()
    work_forever()
