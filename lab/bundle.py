"""Every image the course needs, in one archive, for a workshop room with bad Wi-Fi:
`python -m lab bundle` on a machine with internet, `python -m lab load` on each laptop."""
import shutil
import subprocess
from pathlib import Path
from typing import List

from . import settings
from .console import show_command
from .engine import client, docker_errors
from .errors import LabError
from .images import build_image, resolve_base


def kind_node_images() -> List[str]:
    """The kind node image(s) present locally (kind pulls kindest/node on its first cluster)."""
    if shutil.which("kind") is None:
        return []
    with docker_errors("listing kind's node images"):
        return [tag for image in client().images.list(name="kindest/node") for tag in image.tags]


def images_for_the_course() -> List[str]:
    """The lab's images (built now if missing), their bases, and kind's node image."""
    lab_images = [build_image(spec, quiet=True) for spec in settings.ALL_IMAGES]
    bases = sorted({resolve_base(spec.base) for spec in settings.ALL_IMAGES})
    return lab_images + bases + kind_node_images()


def _docker_cli(argv: List[str], what: str) -> str:
    if shutil.which("docker") is None:
        raise LabError("the docker command is not installed. Fix: install Docker's CLI (it comes with Docker Desktop).")
    show_command(*argv)
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise LabError(f"{what} failed: {(result.stderr or result.stdout).strip().splitlines()[-1]}")
    return result.stdout


def bundle(output: Path) -> List[str]:
    """`docker save` every image into ``output`` (one archive, layers shared between images)."""
    images = images_for_the_course()
    _docker_cli(["docker", "save", "-o", str(output), *images], "saving the images")
    print(f"{output}: {len(images)} images, {output.stat().st_size / 2**20:.0f} MiB")
    return images


def load(archive: Path) -> List[str]:
    """`docker load` the archive; returns the image names it held."""
    if not archive.exists():
        raise LabError(f"{archive} does not exist. Fix: make it with 'python -m lab bundle -o {archive}'.")
    out = _docker_cli(["docker", "load", "-i", str(archive)], "loading the images")
    names = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("Loaded image: ")]
    print(f"loaded {len(names)} images: {', '.join(names)}")
    return names


def push(registry: str) -> List[str]:
    """Tag and push the lab's images to ``registry``, for a shared cluster (LAB_REGISTRY)."""
    from .kubernetes_target import registry_image
    pushed = []
    for spec in settings.ALL_IMAGES:
        build_image(spec, quiet=True)
        target = registry_image(spec.tag, registry)
        repository, tag = target.rsplit(":", 1)
        show_command("docker", "tag", spec.tag, target)
        show_command("docker", "push", target)
        with docker_errors(f"pushing {target}"):
            client().images.get(spec.tag).tag(repository, tag)
            for line in client().images.push(repository, tag, stream=True, decode=True):
                if "error" in line:
                    raise LabError(f"pushing {target} failed: {line['error']}. Fix: 'docker login {registry.split('/')[0]}'.")
        pushed.append(target)
    return pushed
