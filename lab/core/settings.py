"""Names the lab gives to what it creates, and the images it builds.

Everything the lab creates carries ``LABEL`` with the participant's prefix as its
value, so ``lab.reset()`` removes exactly that and nothing else. Several people can
share one Docker host by choosing different prefixes (``LAB_PREFIX``).
"""

import re
from dataclasses import dataclass
from pathlib import Path

from lab.core import config
from lab.core.errors import LabError

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGES_DIR = REPO_ROOT / "images"
WORK_DIR = REPO_ROOT / "work"  # what the lab writes for the learner to read and re-apply (not in git)

LABEL = "io.redis-tini-lab.participant"  # on containers, networks and volumes
IMAGE_LABEL = "io.redis-tini-lab.image"  # on images the lab builds (shared by participants)
ROOM_LABEL = "io.redis-tini-lab.workshop.room"  # on a workshop room's namespaces
# On every object of the course in a participant's namespace: written in k8s/, so what the
# learner applies with kubectl carries it too (the namespace itself carries LABEL).
PART_OF = ("app.kubernetes.io/part-of", "redis-tini-lab")
PART_OF_SELECTOR = "=".join(PART_OF)
ROOM_CONFIGMAP = "redis-tini-lab-room"  # what the instructor read about the nodes, for the participant

DEFAULT_PIDS_LIMIT = 64  # every container the lab runs gets a pids cgroup limit
PREFIX_PATTERN = re.compile(r"[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?")  # a namespace name, at most 20 (a full match)


def prefix() -> str:
    """The participant prefix: ``LAB_PREFIX``, default ``lab``."""
    value = config.current().prefix
    if not PREFIX_PATTERN.fullmatch(value):  # fullmatch: "alice\n" is not "alice"
        raise LabError(
            f"LAB_PREFIX={value!r} is not valid: use 1-20 lowercase letters, digits or '-' (not first or last), e.g. LAB_PREFIX=alice"
        )
    return value


def container_name(short_name: str) -> str:
    """``redis`` becomes ``lab-redis`` (or ``alice-redis`` with LAB_PREFIX=alice)."""
    return f"{prefix()}-{short_name}"


def labels() -> dict[str, str]:
    return {LABEL: prefix()}


@dataclass(frozen=True)
class BaseImage:
    """A base image the Dockerfiles take as a build argument.

    ``official`` is what learners pull from Docker Hub; ``standin`` is what
    scripts/standin-bases.sh builds from Debian packages where Hub is unreachable.
    """

    build_arg: str
    official: str
    standin: str


REDIS_BASE = BaseImage("REDIS_IMAGE", "redis:7.2.4-bookworm", "lab-standin/redis:7")
PYTHON_BASE = BaseImage("PYTHON_IMAGE", "python:3.11-slim-bookworm", "lab-standin/python:3")


@dataclass(frozen=True)
class ImageSpec:
    """An image the lab builds from a folder of images/."""

    tag: str
    context: str  # folder under images/
    base: BaseImage


REDIS_TINI = ImageSpec("redis-tini-lab/redis:7.2.4-tini", "redis-tini", REDIS_BASE)
DOCKERCOINS = ImageSpec("redis-tini-lab/dockercoins:1.0", "dockercoins", PYTHON_BASE)
ALL_IMAGES = (REDIS_TINI, DOCKERCOINS)
