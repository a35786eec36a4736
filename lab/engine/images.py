"""Build the lab's images from images/, with visible progress.

The base image is a build argument: learners get the official image from Docker Hub;
machines without Hub (CI, an offline workshop room) get the stand-in that
scripts/standin-bases.sh made from Debian packages. The lab picks the stand-in only
when the official image is not present locally and the stand-in is.
"""

import os
import time
from collections.abc import Iterable

import docker.errors

from lab.core import config, settings
from lab.core.console import show_command
from lab.core.errors import LabError
from lab.core.json_types import JsonObject
from lab.core.settings import BaseImage, ImageSpec
from lab.engine.docker_client import client, docker_errors


def image_exists(name: str) -> bool:
    with docker_errors(f"looking up the image {name}"):  # any other Docker error: one line, with its fix
        try:
            client().images.get(name)
            return True
        except docker.errors.ImageNotFound:
            return False


def resolve_base(base: BaseImage) -> str:
    """Which base to build from: $REDIS_IMAGE-style override, official, else stand-in."""
    override = config.current().base_images.get(base.build_arg)
    if override:
        return override
    if not image_exists(base.official) and image_exists(base.standin):
        return base.standin
    return base.official  # present, or Docker will pull it


def build_image(spec: ImageSpec = settings.REDIS_TINI, *, quiet: bool = False) -> str:
    """Build ``spec`` (cached layers make a re-run take about a second); return its tag."""
    base = resolve_base(spec.base)
    context = settings.IMAGES_DIR / spec.context
    show_command(
        "docker",
        "build",
        "--build-arg",
        f"{spec.base.build_arg}={base}",
        "-t",
        spec.tag,
        os.path.relpath(context, settings.REPO_ROOT),
    )
    if base == spec.base.standin:
        print(f"  (base: stand-in {base}, because {spec.base.official} is not available here)")
    started = time.monotonic()
    with docker_errors(f"building {spec.tag}"):
        stream = client().api.build(
            path=str(context),
            tag=spec.tag,
            buildargs={spec.base.build_arg: base},
            labels={settings.IMAGE_LABEL: spec.context},
            rm=True,
            forcerm=True,
            decode=True,
        )
        _follow_build(stream, spec.tag, quiet=quiet)
    print(f"  built {spec.tag} in {time.monotonic() - started:.1f}s")
    return spec.tag


def _follow_build(stream: Iterable[JsonObject], tag: str, *, quiet: bool) -> None:
    """Print each build step as it starts; raise a LabError with the failing output."""
    recent: list[str] = []
    for chunk in stream:
        if "error" in chunk:
            detail = "".join(recent[-8:]).strip()
            message = chunk["error"].strip()
            if any(word in message for word in ("pull access", "manifest", "dial tcp", "TLS handshake")):
                message += (
                    ". Fix: check the internet connection to Docker Hub, or build offline "
                    "stand-in bases with 'bash scripts/standin-bases.sh'"
                )
            raise LabError(f"building {tag} failed: {message}" + (f"\n{detail}" if detail else ""))
        text = chunk.get("stream", "")
        if not text:
            continue
        recent.append(text)
        if not quiet and text.startswith("Step "):
            print("  " + text.strip())


def pull_if_missing(name: str) -> str:
    """`docker pull NAME` unless the image is here already (where Docker Hub is unreachable,
    scripts/standin-bases.sh tags its stand-in with the official name); return ``name``."""
    if not image_exists(name):
        show_command("docker", "pull", name)
        with docker_errors(f"pulling {name}"):
            client().images.pull(name)
    return name


def build_course_images(*, quiet: bool = True) -> list[str]:
    """Every image the course deploys: the official redis that k8s/redis.yaml names (pulled),
    then the tini redis and DockerCoins (built, or found in the cache)."""
    return [pull_if_missing(settings.REDIS_BASE.official)] + [
        build_image(spec, quiet=quiet) for spec in settings.ALL_IMAGES
    ]
