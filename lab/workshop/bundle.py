"""Everything the course downloads, in one folder, for a workshop room with bad Wi-Fi:
`python -m lab bundle` on a machine with internet writes bundle/ with

- images.tar: every image the course needs (`docker save`);
- wheels/: the pinned Python packages (`pip download`), for this platform and Python.

On each laptop, with the folder copied into the clone: `./course lab` installs the Python
side from bundle/wheels with pip --no-index, and `python -m lab load bundle` loads the images.
"""

import shutil
import sys
from pathlib import Path

from lab.core import settings
from lab.core.console import show_command
from lab.core.errors import LabError
from lab.engine.docker_client import client, docker_errors
from lab.engine.images import build_course_images, build_image, resolve_base
from lab.engine.tools import run_tool


def kind_node_images() -> list[str]:
    """The kind node image(s) present locally (kind pulls kindest/node on its first cluster)."""
    if shutil.which("kind") is None:
        return []
    with docker_errors("listing kind's node images"):
        return [tag for image in client().images.list(name="kindest/node") for tag in image.tags]


def images_for_the_course() -> list[str]:
    """The lab's images (built now if missing), their bases, and kind's node image."""
    lab_images = build_course_images()
    bases = sorted({resolve_base(spec.base) for spec in settings.ALL_IMAGES})
    return lab_images + bases + kind_node_images()


DOCKER_CLI_TIMEOUT = 900  # seconds: `docker save` of every image, to a slow disk


def _docker_cli(argv: list[str], what: str) -> str:
    return run_tool(argv, timeout=DOCKER_CLI_TIMEOUT, show=True, cwd=Path.cwd(), what=what).stdout


BUNDLE = settings.REPO_ROOT / "bundle"  # where ./course looks for wheels (git-ignored)
# pip itself (./course runs it from its wheel), and what installing the lab (pyproject.toml) needs.
INSTALL_REQUIREMENTS = ["pip==25.3", "setuptools==84.2.1", "wheel==0.48.0"]


def bundle(folder: Path = BUNDLE) -> list[str]:
    """The images into ``folder``/images.tar and the wheels into ``folder``/wheels."""
    folder.mkdir(parents=True, exist_ok=True)
    images = save_images(folder / "images.tar")
    download_wheels(folder / "wheels")
    return images


def save_images(archive: Path) -> list[str]:
    """`docker save` every image into ``archive`` (one archive, layers shared between images)."""
    images = images_for_the_course()
    _docker_cli(["docker", "save", "-o", str(archive), *images], "saving the images")
    print(f"{archive}: {len(images)} images, {archive.stat().st_size / 2**20:.0f} MiB")
    return images


def download_wheels(wheels: Path) -> list[Path]:
    """`pip download` the pinned requirements, the tests' too (and what installing needs)."""
    argv = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--dest",
        str(wheels),
        "-r",
        str(settings.REPO_ROOT / "requirements-test.txt"),
        *INSTALL_REQUIREMENTS,
    ]
    show_command("pip", "download", "--dest", str(wheels), "-r", "requirements-test.txt", *INSTALL_REQUIREMENTS)
    run_tool(argv, timeout=900, what="pip download")
    found = sorted(wheels.glob("*"))
    print(
        f"{wheels}: {len(found)} packages, {sum(f.stat().st_size for f in found) / 2**20:.0f} MiB "
        f"(for Python {sys.version_info.major}.{sys.version_info.minor} on this platform)"
    )
    return found


def load(archive: Path) -> list[str]:
    """`docker load` the images (a bundle folder, or its images.tar); returns their names."""
    if archive.is_dir():
        archive = archive / "images.tar"
    if not archive.exists():
        raise LabError(
            f"{archive} does not exist. Fix: make it with 'python -m lab bundle' (it writes bundle/images.tar)."
        )
    out = _docker_cli(["docker", "load", "-i", str(archive)], "loading the images")
    names = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("Loaded image: ")]
    print(f"loaded {len(names)} images: {', '.join(names)}")
    return names


def push(registry: str) -> list[str]:
    """Tag and push the lab's images to ``registry``, for a shared cluster (LAB_REGISTRY)."""
    from lab.targets.kubernetes.clusters import registry_image

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
                    raise LabError(
                        f"pushing {target} failed: {line['error']}. Fix: 'docker login {registry.split('/')[0]}'."
                    )
        pushed.append(target)
    return pushed
