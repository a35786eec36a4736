"""How a locally built image gets into a kind cluster's nodes, which have no registry to pull from.

`kind load docker-image IMAGE` runs `docker save` and imports the archive into each node's
containerd, skipping nodes that have the image already. With Docker's containerd image
store (Docker Engine 29's default, an option of Docker Desktop) that import fails with
`ctr: content digest sha256:...: not found` (kubernetes-sigs/kind#3795). The workaround
given there: save the image to a file yourself (`docker save`, with `--platform` where
Docker supports it, so that only this machine's platform is in it), then
`kind load image-archive FILE`.
"""

import re
from pathlib import Path

from lab.core import settings
from lab.engine.docker_client import client, docker_errors

CONTAINERD_SNAPSHOTTER = "io.containerd.snapshotter.v1"
SAVE_PLATFORM_API = (1, 48)  # `docker save --platform` needs Docker 28 (API 1.48) or newer
ARCHIVES = settings.WORK_DIR / "images"


def image_store() -> str:
    """'containerd' when Docker keeps images in containerd's store, else 'classic' (overlay2 & co).
    `docker info` says which: DriverStatus has ["driver-type", "io.containerd.snapshotter.v1"]."""
    with docker_errors("reading docker info"):
        status = dict(client().info().get("DriverStatus") or [])
    return "containerd" if status.get("driver-type") == CONTAINERD_SNAPSHOTTER else "classic"


def engine_platform() -> str:
    """linux/amd64, linux/arm64: the one platform of this machine's images."""
    with docker_errors("reading docker version"):
        version = client().version()
    return f"{version.get('Os', 'linux')}/{version.get('Arch', 'amd64')}"


def save_takes_platform() -> bool:
    with docker_errors("reading docker version"):
        api = client().version().get("ApiVersion", "1.0")
    return tuple(int(part) for part in api.split(".")[:2]) >= SAVE_PLATFORM_API


def archive_path(image: str) -> Path:
    """work/images/redis-tini-lab_redis_7.2.4-tini.tar: one archive per image, a name a shell needs no quotes for."""
    return ARCHIVES / (re.sub(r"[^A-Za-z0-9._-]", "_", image) + ".tar")


def load_commands(image: str, cluster: str, store: str, platform: str = "") -> list[list[str]]:
    """The commands that put IMAGE on the nodes of kind cluster CLUSTER, as a person types them.
    `platform` is only used with the containerd store, and only when `docker save` takes it."""
    if store != "containerd":
        return [["kind", "load", "docker-image", image, "--name", cluster]]
    archive = str(archive_path(image).relative_to(settings.REPO_ROOT))
    save = ["docker", "save", *(["--platform", platform] if platform else []), "-o", archive, image]
    return [save, ["kind", "load", "image-archive", archive, "--name", cluster]]


def how_this_machine_loads() -> tuple[str, str]:
    """(image store, platform for `docker save`), read once per prepare: `docker info` and
    `docker version` do not change between two images."""
    store = image_store()
    platform = engine_platform() if store == "containerd" and save_takes_platform() else ""
    return store, platform
