"""The lab's configuration: every environment variable it reads, read here and nowhere else.

    LAB_PREFIX          the participant: names and labels everything the lab creates (default: lab)
    LAB_TARGET          auto | kind | standin: the Kubernetes lessons 3-6 run on (default: auto)
    LAB_KUBE_CONTEXT    a workshop room's context: the participant's namespace on a shared cluster
    LAB_REGISTRY        the room's registry, for the course images
    LAB_KUBERNETES      retired (LAB_TARGET names the cluster for the lessons and the tests
                        alike): read only to say so
    LAB_SOLUTIONS       1: the exercises' cells fill in the solutions (instructors, CI)
    REDIS_IMAGE, PYTHON_IMAGE   another base image for the course's Dockerfiles
    KUBECONFIG, XDG_STATE_HOME  as everywhere else

``current()`` reads the environment when it is asked, so a notebook or a test that sets a
variable sees it take effect. The terminal's ``--participant`` does not write to
os.environ: it installs a Config with ``use()``.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

BASE_IMAGE_VARIABLES = ("REDIS_IMAGE", "PYTHON_IMAGE")


@dataclass(frozen=True)
class Config:
    prefix: str = "lab"
    target: str = "auto"
    kube_context: str | None = None
    registry: str | None = None
    retired_kubernetes: str | None = None  # LAB_KUBERNETES, set: an old setting to replace
    solutions: bool = False
    base_images: dict[str, str] = field(default_factory=dict)  # build argument -> image
    kubeconfig: list[Path] = field(default_factory=list)  # KUBECONFIG's files, else ~/.kube/config
    state_home: Path = Path.home() / ".local" / "state"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> "Config":
        return cls(
            prefix=environ.get("LAB_PREFIX", "lab"),
            target=environ.get("LAB_TARGET", "auto").lower(),
            kube_context=environ.get("LAB_KUBE_CONTEXT") or None,
            registry=environ.get("LAB_REGISTRY") or None,
            retired_kubernetes=environ.get("LAB_KUBERNETES") or None,
            solutions=environ.get("LAB_SOLUTIONS") == "1",
            base_images={name: environ[name] for name in BASE_IMAGE_VARIABLES if environ.get(name)},
            kubeconfig=[Path(p).expanduser() for p in environ.get("KUBECONFIG", "").split(os.pathsep) if p]
            or [Path.home() / ".kube" / "config"],  # as kubectl reads them
            state_home=Path(environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"),
        )


@dataclass
class Session:
    """The lab's state in this process (a notebook's kernel, a CLI run): one object, reached
    one way (``session()``). Everything the lab remembers between calls, apart from caches of
    connections, is here:
    - ``config``: the configuration ``use()`` installed; None: the environment's, read afresh
      at each call;
    - ``lesson``: the lesson the notebook's first cell named (``lab.lesson("03")``), under
      which the checks count their PASS lines;
    - ``progress_mirror_failed``: writing the room's progress ConfigMap failed once in this
      process, so it is not tried again at every check."""

    config: Config | None = None
    lesson: str | None = None
    progress_mirror_failed: bool = False


_SESSION = Session()


def session() -> Session:
    """This process's session state."""
    return _SESSION


def current() -> Config:
    """The configuration in force: the one ``use()`` installed, else the environment's."""
    return session().config or Config.from_environment(os.environ)


def use(config: Config | None) -> None:
    """Install ``config`` for this process (None: back to the environment)."""
    session().config = config


def with_participant(prefix: str) -> Config:
    """The configuration in force, for another participant (``python -m lab --participant``)."""
    return replace(current(), prefix=prefix)
