"""The learner's copy of DockerCoins' YAML, work/k8s/ (lesson 3 makes it with
`cp -Rn k8s work/`): read, its redis container found, and written back atomically.

k8s/ stays as upstream ships it; the lessons' exercises are edits of the copy, which the
learner applies with `kubectl apply -f work/k8s/`."""

import os
from pathlib import Path

import yaml

from lab.core import settings
from lab.core.errors import LabError
from lab.core.json_types import KubeDict

REDIS_COPY = Path("work") / "k8s" / "redis.yaml"  # as the learner types it, from the repository's root
START_OVER = "Fix: start over with: cp k8s/redis.yaml work/k8s/redis.yaml"
MAKE_IT = "Fix: run the copy cell above (mkdir -p work && cp -Rn k8s work/), then edit work/k8s/redis.yaml."


def redis_yaml() -> Path:
    """The redis the learner has: their copy when they made one, else k8s/redis.yaml."""
    copy = settings.REPO_ROOT / REDIS_COPY
    return copy if copy.is_file() else settings.REPO_ROOT / "k8s" / "redis.yaml"


def read_learner_file(path: Path, make_it: str) -> str:
    """One of the learner's files (``path`` from the repository's root), or a one-line
    LabError that ends with ``make_it``, the fix."""
    try:
        return (settings.REPO_ROOT / path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabError(f"{path} does not exist yet. {make_it}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise LabError(f"{path} could not be read ({error}). {make_it}") from None


def read_redis_copy() -> str:
    return read_learner_file(REDIS_COPY, MAKE_IT)


def _mapping(value: object) -> KubeDict:
    return value if isinstance(value, dict) else {}


def redis_container(text: str) -> KubeDict:
    """The container named redis of the Deployment named redis, or a one-line LabError."""
    try:
        documents = [_mapping(d) for d in yaml.safe_load_all(text)]
    except yaml.YAMLError as error:
        raise LabError(
            f"{REDIS_COPY} is not valid YAML any more ({getattr(error, 'problem', None) or error}). "
            f"Fix: undo your last edit. Or {START_OVER[5:]}"
        ) from None
    for document in documents:
        if document.get("kind") == "Deployment" and _mapping(document.get("metadata")).get("name") == "redis":
            pod_spec = _mapping(_mapping(_mapping(document.get("spec")).get("template")).get("spec"))
            containers = pod_spec.get("containers")
            for container in containers if isinstance(containers, list) else []:
                if isinstance(container, dict) and container.get("name") == "redis":
                    return container
    raise LabError(f"{REDIS_COPY} has no Deployment redis with a container named redis. {START_OVER}")


def replace_redis_copy(text: str) -> None:
    replace_learner_file(settings.REPO_ROOT / REDIS_COPY, text)


def replace_learner_file(path: Path, text: str) -> None:
    """Write one of the learner's files atomically (a solution under CI): two participants of
    one checkout (CI's room test) may write the same solution at once, and kubectl or docker
    must never read half a file."""
    temporary = path.with_name(f"{path.name}.lab-tmp-{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
