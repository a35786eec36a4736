"""Lesson 4's exercise as the learner does it: the livenessProbe written into their copy,
work/k8s/redis.yaml, under the redis container. The check reads the file and hands the
probe to the answer checks of liveness.py (the same mistakes, the same hints).

Under CI (LAB_SOLUTIONS=1) a copy without a probe gets the course's solution inserted as
text at the end of the redis container's block, so the file's comments stay."""

import re
from typing import NoReturn

import yaml

from lab.core import config
from lab.core.errors import LabError
from lab.core.json_types import KubeDict
from lab.course.exercises.liveness import LIVENESS, check_liveness_probe
from lab.course.exercises.redis_image import LEARNERS_IMAGE
from lab.course.exercises.registry import SOLUTIONS_DIR, did_you_mean, fail
from lab.course.learner_copy import REDIS_COPY, START_OVER, read_redis_copy, redis_container, replace_redis_copy

# A container's fields (kubectl explain pod.spec.containers): a key outside them is misspelt.
CONTAINER_FIELDS = {
    "name",
    "image",
    "imagePullPolicy",
    "command",
    "args",
    "workingDir",
    "ports",
    "env",
    "envFrom",
    "resources",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
    "resizePolicy",
    "restartPolicy",
}
CONTAINER_LINE = re.compile(r"^(?P<dash>\s*)- name: redis\s*$")


def _end_of_container(lines: list[str], start: int, indent: int) -> int:
    """The index of the first line after the container that starts at ``start``: the next
    non-blank line indented less than the container's keys."""
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            return index
    return len(lines)


def _with_solution(text: str) -> str:
    """The copy with solutions/04-liveness-probe.yaml inserted under the redis container."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if CONTAINER_LINE.match(line)]
    if not starts:
        raise LabError(f"{REDIS_COPY}: no line `- name: redis` to add the probe under. {START_OVER}")
    first = CONTAINER_LINE.match(lines[starts[0]])
    assert first is not None  # starts holds only lines it matched
    indent = len(first.group("dash")) + 2
    end = _end_of_container(lines, starts[0], indent)
    while end > starts[0] + 1 and not lines[end - 1].strip():
        end -= 1  # above the blank lines that close the block
    solution = (SOLUTIONS_DIR / LIVENESS.key).read_text()
    block = [" " * indent + line if line.strip() else line for line in solution.splitlines(keepends=True)]
    if lines[end - 1 : end] and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines[:end] + block + lines[end:])


def check_probe_in_copy() -> KubeDict:
    """PASS when work/k8s/redis.yaml's redis container has a good livenessProbe; return it."""
    text = read_redis_copy()
    if "livenessProbe" not in redis_container(text) and config.current().solutions:
        text = _with_solution(text)
        replace_redis_copy(text)
        print(f"(LAB_SOLUTIONS=1: the course's solution, solutions/{LIVENESS.key}, written into {REDIS_COPY})")
    container = redis_container(text)
    probe = container.get("livenessProbe")
    if probe is None:
        _no_liveness_probe(container)
    _tini_path_in(container, probe)
    return check_liveness_probe(yaml.safe_dump({"livenessProbe": probe}, sort_keys=False))


def _tini_path_in(container: KubeDict, probe: object) -> None:
    """The lecture's /tini exists in the lecture's image and the course's, not in the learner's
    lesson 2 image (Debian's tini is at /usr/bin/tini there)."""
    command = (
        probe.get("exec", {}).get("command")
        if isinstance(probe, dict) and isinstance(probe.get("exec"), dict)
        else None
    )
    if isinstance(command, list) and command[:1] == ["/tini"] and container.get("image") == LEARNERS_IMAGE:
        fail(
            LIVENESS,
            "tini-not-in-image",
            f"the probe starts /tini, and {LEARNERS_IMAGE} has tini at /usr/bin/tini only.",
        )


def _no_liveness_probe(container: KubeDict) -> NoReturn:
    """Name what the container has instead: a readiness probe, a misspelt key, or nothing."""
    if "readinessProbe" in container:
        fail(LIVENESS, "readiness-probe", "the redis container has a readinessProbe, and no livenessProbe.")
    unknown = [str(key) for key in container if key not in CONTAINER_FIELDS]
    for key in unknown:
        close = did_you_mean(key, ["livenessProbe"])
        if close:
            fail(
                LIVENESS,
                "not-a-probe-key",
                f"the redis container has a key {key!r}, which Kubernetes does not know.{close}",
            )
    fail(LIVENESS, "no-probe", f"{REDIS_COPY} has no livenessProbe under the redis container.")
