"""Lesson 3's exercise, the lecture's own step: change the redis image in your copy of
DockerCoins' YAML, work/k8s/redis.yaml, to an image with tini as PID 1: yours from lesson 2
(redis-tini-lab/my-redis:1), or the course's (redis-tini-lab/redis:7.2.4-tini, built by
lesson 0 from images/redis-tini/Dockerfile).

The learner edits the file itself (JupyterLab's editor, or any editor); the check reads
it. Under CI (LAB_SOLUTIONS=1) an unchanged file gets the course's solution written into
its image line, the only line that changes, so the learner's comments and layout stay."""

import re

from lab.core import config, settings
from lab.course.exercises.registry import SOLUTIONS_DIR, Exercise, Mistake, fail, passed
from lab.course.learner_copy import REDIS_COPY, read_redis_copy, redis_container, replace_redis_copy

LEARNERS_IMAGE = "redis-tini-lab/my-redis:1"  # lesson 2's `docker build -t`
IMAGE_ANSWER = f"image: {settings.REDIS_TINI.tag}"

REDIS_IMAGE_MISTAKES = {
    "unchanged": Mistake(
        "the Deployment still runs the official image, where redis-server is PID 1 and reaps no orphan. The "
        "lecture's step is to run an image with tini as PID 1 instead: yours from lesson 2, or the course's.",
        "in work/k8s/redis.yaml, change the value of `image:` under the container named redis, then save the file.",
        IMAGE_ANSWER,
    ),
    "floating-tag": Mistake(
        "with :latest (or no tag) Kubernetes' imagePullPolicy defaults to Always: the node tries a registry that "
        "does not have your image, and the pod stays in ErrImagePull.",
        "give the image its fixed tag, as it was built (`docker images 'redis-tini-lab/*'` lists them).",
        IMAGE_ANSWER,
    ),
    "other-image": Mistake(
        "the cluster can only run an image its nodes have, and only an image with tini as PID 1 changes "
        "anything: yours from lesson 2, or the course's that lesson 0 built and loaded.",
        f"use {LEARNERS_IMAGE} or {settings.REDIS_TINI.tag}, exactly as `docker images 'redis-tini-lab/*'` shows them.",
        IMAGE_ANSWER,
    ),
    "pull-always": Mistake(
        "imagePullPolicy: Always makes the node ask a registry at every start, and no registry has your image.",
        "keep imagePullPolicy: IfNotPresent: the node uses the image loaded onto it.",
        "imagePullPolicy: IfNotPresent",
    ),
}
REDIS_IMAGE = Exercise("03-redis-image.yaml", "03", "the redis image in work/k8s/redis.yaml", REDIS_IMAGE_MISTAKES)


def _write_solution(text: str) -> str:
    """The course's image written into the redis container's image line (CI only)."""
    wanted = (SOLUTIONS_DIR / REDIS_IMAGE.key).read_text().split(":", 1)[1].strip()
    changed = re.sub(
        rf"(\n\s*image:\s*){re.escape(settings.REDIS_BASE.official)}\s*\n", rf"\g<1>{wanted}\n", text, count=1
    )
    replace_redis_copy(changed)
    print(f"(LAB_SOLUTIONS=1: the course's solution, solutions/{REDIS_IMAGE.key}, written into {REDIS_COPY})")
    return changed


def _tag(image: str) -> str | None:
    name = image.rsplit("/", 1)[-1]
    return name.split(":", 1)[1] if ":" in name else None


def check_redis_image(registry: str | None = None) -> str:
    """Read work/k8s/redis.yaml: PASS when the redis container runs an image with tini as PID 1
    (yours or the course's) with a fixed tag (under ``registry``/ on a shared cluster); else
    the mistake and its next hint."""
    text = read_redis_copy()
    container = redis_container(text)
    image = str(container.get("image", ""))
    if image == settings.REDIS_BASE.official and config.current().solutions:
        container = redis_container(_write_solution(text))
        image = str(container.get("image", ""))
    wanted = {f"{registry}/{tag}" if registry else tag for tag in (settings.REDIS_TINI.tag, LEARNERS_IMAGE)}
    if image == settings.REDIS_BASE.official:
        fail(REDIS_IMAGE, "unchanged", f"the image is still {image}.")
    if _tag(image) in (None, "latest"):
        fail(REDIS_IMAGE, "floating-tag", f"{image} has {'no tag' if _tag(image) is None else 'the tag latest'}.")
    if image not in wanted:
        fail(
            REDIS_IMAGE,
            "other-image",
            f"{image} is neither your lesson 2 image nor the course's ({', '.join(sorted(wanted))}).",
        )
    if container.get("imagePullPolicy") == "Always":
        fail(REDIS_IMAGE, "pull-always", "imagePullPolicy is Always.")
    passed(REDIS_IMAGE, f"it runs {image}: apply it to put tini on the cluster")
    return image
