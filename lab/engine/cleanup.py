"""Reset: remove what the lab labelled for this participant, and nothing else."""

from dataclasses import dataclass, field
from typing import Any

import docker.errors

from lab.core import settings
from lab.core.console import show_shell
from lab.engine.docker_client import client, docker_errors


@dataclass
class Leftovers:
    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.containers or self.networks or self.volumes or self.images)


def labelled(*, images: bool = True) -> Leftovers:
    """What the lab labelled for this participant (and the images it built)."""
    engine = client()
    mine = {"label": f"{settings.LABEL}={settings.prefix()}"}
    with docker_errors("listing the lab's resources"):
        return Leftovers(
            containers=[c.name for c in engine.containers.list(all=True, filters=mine, ignore_removed=True)],
            networks=[n.name for n in engine.networks.list(filters=mine)],
            volumes=[v.name for v in engine.volumes.list(filters=mine)],
            images=[tag for image in engine.images.list(filters={"label": settings.IMAGE_LABEL}) for tag in image.tags]
            if images
            else [],
        )


def reset(*, images: bool = True) -> Leftovers:
    """Remove this participant's labelled containers, networks and volumes, and the
    lab's images unless ``images=False``. Returns what was removed."""
    engine = client()
    mine = f"label={settings.LABEL}={settings.prefix()}"
    found = labelled(images=images)
    # Each line printed only when there is something to remove: typed with nothing to
    # remove, `docker rm` (and the others) would fail for want of an argument.
    with docker_errors("removing the lab's containers"):
        if found.containers:
            show_shell(f"docker rm -f -v $(docker ps -aq --filter {mine})")
        for name in found.containers:
            _ignore_gone(engine.containers, name, force=True, v=True)
        if found.networks:
            show_shell(f"docker network rm $(docker network ls -q --filter {mine})")
        for name in found.networks:
            _ignore_gone(engine.networks, name)
        if found.volumes:
            show_shell(f"docker volume rm -f $(docker volume ls -q --filter {mine})")
        for name in found.volumes:
            _ignore_gone(engine.volumes, name, force=True)
    if images and found.images:
        show_shell(f"docker rmi $(docker images -q --filter label={settings.IMAGE_LABEL})")
        for tag in found.images:
            with docker_errors(f"removing image {tag}"):
                try:
                    engine.images.remove(tag, noprune=False)
                except docker.errors.APIError as error:  # e.g. still used by another participant
                    print(f"  kept {tag}: {getattr(error, 'explanation', error)}")
    print(
        f"reset: removed {len(found.containers)} containers, {len(found.networks)} networks, "
        f"{len(found.volumes)} volumes, {len(found.images)} images"
    )
    return found


def _ignore_gone(collection: Any, name: str, **remove_options: Any) -> None:
    """``collection.get(name).remove(...)`` (containers, networks, volumes); gone is fine."""
    try:
        collection.get(name).remove(**remove_options)
    except docker.errors.NotFound:
        pass  # removed meanwhile: that is what we wanted
