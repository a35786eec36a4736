"""Just enough of the Redis protocol (RESP) for DockerCoins: send a command, read one reply."""

import os
import socket


class RedisError(Exception):
    pass


class Redis:
    def __init__(self, host: str = os.environ.get("REDIS_HOST", "redis"), port: int = 6379, timeout: float = 2):
        self.address = (host, port)
        self.timeout = timeout
        self._file = None

    def command(self, *parts):
        """Send one command; return its reply (int, bytes, None, or a list). Reconnects lazily."""
        try:
            if self._file is None:
                connection = socket.create_connection(self.address, timeout=self.timeout)
                self._file = connection.makefile("rwb")
            payload = b"*%d\r\n" % len(parts)
            for part in parts:
                data = part if isinstance(part, bytes) else str(part).encode()
                payload += b"$%d\r\n%s\r\n" % (len(data), data)
            self._file.write(payload)
            self._file.flush()
            return self._read_reply()
        except (OSError, RedisError):
            self.close()
            raise

    def _read_reply(self):
        line = self._file.readline()
        if not line:
            raise RedisError("connection closed by redis")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            return None if int(rest) < 0 else self._file.read(int(rest) + 2)[:-2]
        if kind == b"*":
            return None if int(rest) < 0 else [self._read_reply() for _ in range(int(rest))]
        raise RedisError(f"unexpected reply {line!r}")

    def close(self):
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass
        self._file = None
