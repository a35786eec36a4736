"""Who is PID 1 in the zombie fix's redis container, by Kubernetes' rules: what the image
starts (the course's image starts tini, the official one docker-entrypoint.sh), what the
pod's command and args replace, what a shell's last `exec` becomes, and whether that PID 1,
or the pod's pause container, reaps the probe's orphans."""

import json
import os
import shlex
from typing import NoReturn

from lab.core import config, settings
from lab.core.json_types import KubeDict
from lab.course.exercises.registry import Exercise, fail
from lab.course.exercises.tini import (
    is_tini,
    redundant_subreaper_note,
    starts_redis_server,
    what_tini_runs,
)

ImageStart = tuple[list[str], list[str]]  # an image's (ENTRYPOINT, CMD)

# What each image starts when the pod sets neither command nor args: (ENTRYPOINT, CMD)
COURSE_IMAGE_START: ImageStart = (
    ["tini", "--", "docker-entrypoint.sh"],
    ["redis-server"],
)  # images/redis-tini/Dockerfile
PLAIN_REDIS_START: ImageStart = (["docker-entrypoint.sh"], ["redis-server"])  # the official image, and its stand-in


def _is_official_redis(image: str) -> bool:
    """An image of Docker Hub's `redis` repository, whatever its tag, digest or registry prefix."""
    name = image.split("@")[0]
    repository = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
    for prefix in ("docker.io/", "index.docker.io/", "library/"):
        repository = repository[len(prefix) :] if repository.startswith(prefix) else repository
    return repository == "redis"


def is_plain_redis(image: str) -> bool:
    """The official image, or a base resolve_base may give for it (its stand-in, or $REDIS_IMAGE)."""
    base = settings.REDIS_BASE
    return _is_official_redis(image) or image in (base.standin, config.current().base_images.get(base.build_arg))


def _image_start(ex: Exercise, container: KubeDict) -> ImageStart:
    """The image's (ENTRYPOINT, CMD), for the images whose start the check knows."""
    image = container.get("image")
    if not image:
        fail(ex, "no-image", "the container has no image.")
    if image == settings.REDIS_TINI.tag:
        return COURSE_IMAGE_START
    if isinstance(image, str) and is_plain_redis(image):
        return PLAIN_REDIS_START
    fail(ex, "unknown-image", f"the image {image} is neither the course's image nor the official redis image.")


def _started_argv(ex: Exercise, container: KubeDict, image_start: ImageStart) -> list[str]:
    """What the container runs, by Kubernetes' rules: command replaces the image's ENTRYPOINT
    and, when set, drops the image's CMD too; args replace CMD."""
    for field in ("command", "args"):
        value = container.get(field)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            fail(ex, "command-not-a-list", f"{field} is {value!r}, not a list of strings.")
    command, args = container.get("command") or [], container.get("args") or []
    entrypoint, cmd = image_start
    return command + args if command else entrypoint + (args or cmd)


PUNCTUATION = ";&|()\n"


def _top_level_commands(script: str) -> list[list[str]]:
    """The script's commands outside ( ) subshells, split at ; & | and newlines (shlex joins
    neighbouring punctuation such as `;\n` or `);` into one token: read it a character at a time)."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=PUNCTUATION)
    lexer.whitespace = " \t"
    commands: list[list[str]] = [[]]
    depth = 0
    for token in lexer:
        if not token or not all(char in PUNCTUATION for char in token):  # a word (maybe an empty one: "")
            if depth == 0:
                commands[-1].append(token)
            continue
        for char in token:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and char in ";&|\n" and commands[-1]:
                commands.append([])
    return [command for command in commands if command]


def after_shell_exec(argv: list[str]) -> list[str]:
    """`sh -c "...; exec PROGRAM ARGS"`: the shell is PID 1 until its last command execs, and
    PROGRAM then *is* PID 1 (exec replaces the process, PID and all). Anything else: argv."""
    if len(argv) < 3 or os.path.basename(argv[0]) not in ("sh", "bash", "dash") or argv[1] != "-c":
        return argv
    try:
        commands = _top_level_commands(argv[2])
    except ValueError:  # unbalanced quotes: the shell would refuse it too
        return argv
    last = commands[-1] if commands else []
    return last[1:] if len(last) > 1 and last[0] == "exec" else argv


def _pid1_is_not_a_reaper(ex: Exercise, container: KubeDict, argv: list[str]) -> NoReturn:
    pid1 = "redis-server" if starts_redis_server(argv) else os.path.basename(argv[0])
    command = container.get("command")
    cause = (
        f"command {json.dumps(command)} replaces the image's ENTRYPOINT"
        if command
        else f"the image {container['image']} starts docker-entrypoint.sh, which execs redis-server"
    )
    fail(ex, "no-reaper-pid1", f"PID 1 is {pid1} ({cause}), not tini, and the pod does not share its PID namespace.")


def who_reaps(ex: Exercise, spec: KubeDict, container: KubeDict) -> tuple[str, str]:
    """Check that the container starts redis and that PID 1 of the pod reaps; return how,
    and a note for the PASS line."""
    image_start = _image_start(ex, container)
    if spec.get("hostPID") is True:
        fail(ex, "host-pid", "hostPID: true puts the pod in the node's PID namespace.")
    argv = after_shell_exec(_started_argv(ex, container, image_start))
    program = argv
    if is_tini(argv[0]):
        if image_start is PLAIN_REDIS_START:
            fail(ex, "tini-not-in-image", f"the command starts tini, but {container['image']} has no tini.")
        program = what_tini_runs(ex, argv, "the container's command")
    if starts_redis_server(program) is False:
        fail(ex, "redis-not-started", f"the container runs {json.dumps(argv)}, which never starts redis-server.")
    if spec.get("shareProcessNamespace") is True:
        return "the pod's pause container is PID 1", ""
    if not is_tini(argv[0]):
        _pid1_is_not_a_reaper(ex, container, argv)
    return "tini is PID 1", redundant_subreaper_note(argv)
