"""The connection to Docker Engine, and Docker's errors turned into one-line fixes."""

import contextlib
import functools
import re
from collections.abc import Iterator

import docker
import docker.errors
import requests.exceptions

from lab.core.errors import LabError

DOCKER_NOT_RUNNING = (
    "Docker is not running (or this user cannot reach it). Fix: start Docker Desktop, "
    "or on Linux 'sudo systemctl start docker' (no systemd: 'sudo dockerd &'), then re-run this cell."
)


@functools.cache
def _client() -> docker.DockerClient:
    return docker.from_env(timeout=120)


def client() -> docker.DockerClient:
    """A Docker client that answers, or a LabError with the fix."""
    try:
        engine = _client()
        engine.ping()
        return engine
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        _client.cache_clear()  # so the next call reconnects once Docker is back
        raise LabError(DOCKER_NOT_RUNNING) from error


def server_version() -> str:
    version: str = client().version()["Version"]
    return version


@contextlib.contextmanager
def docker_errors(action: str) -> Iterator[None]:
    """Translate what Docker says into a one-line, actionable LabError."""
    try:
        yield
    except docker.errors.ImageNotFound as error:
        raise LabError(
            f"{action}: image not found ({_explanation(error)}). Fix: build it first with lab.build_image(...), see notebook 00."
        ) from error
    except docker.errors.NotFound as error:
        raise LabError(f"{action}: {_explanation(error)}. Fix: run the cell that creates it first.") from error
    except docker.errors.APIError as error:
        raise LabError(f"{action}: {_friendly_api_error(_explanation(error))}") from error
    except requests.exceptions.ConnectionError as error:
        _client.cache_clear()
        raise LabError(DOCKER_NOT_RUNNING) from error
    except requests.exceptions.ReadTimeout as error:
        raise LabError(
            f"{action}: Docker did not answer in time. Fix: check that Docker is not overloaded "
            "('docker info'), then re-run the cell."
        ) from error
    except docker.errors.DockerException as error:
        raise LabError(f"{action}: {error}") from error


def _explanation(error: docker.errors.APIError) -> str:
    return str(getattr(error, "explanation", None) or error).strip()


def _friendly_api_error(text: str) -> str:
    port = re.search(
        r"(?:Bind for )?([\d.]+):(\d+) failed: port is already allocated|listen tcp[46]? ([\d.]+):(\d+): bind: address already in use",
        text,
    )
    if port:
        address = port.group(1) or port.group(3)
        number = port.group(2) or port.group(4)
        return (
            f"port {number} on {address} is already taken by another program. "
            f"Fix: stop what uses it (Linux: 'ss -ltnp | grep :{number}') or choose another port."
        )
    if "executable file not found" in text or "no such file or directory" in text:
        return (
            f"{text}. Fix: check the command exists in the image (the image has no shell tools beyond Debian's base)."
        )
    return text
