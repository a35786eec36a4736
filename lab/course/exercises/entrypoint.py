"""Lesson 2's exercise: the learner's Dockerfile, work/02-redis-tini/Dockerfile: FROM the
official redis, tini installed, and the ENTRYPOINT and CMD that make tini PID 1. The check
reads the instructions as Docker does; the learner then builds and runs it with `docker
build` and `docker run`, and the lesson's checks read the running container."""

import json
import os
import re
from pathlib import Path

from lab.core import config, settings
from lab.core.errors import LabError
from lab.course.exercises.registry import (
    PLACEHOLDER,
    SOLUTIONS_DIR,
    Exercise,
    Mistake,
    answer_or_solution,
    fail,
    passed,
)
from lab.course.exercises.tini import (
    is_tini,
    redundant_subreaper_note,
    starts_redis_server,
    what_tini_runs,
)
from lab.course.learner_copy import replace_learner_file

DOCKERFILE = Path("work") / "02-redis-tini" / "Dockerfile"  # as the learner types it, from the repository's root
ENTRYPOINT_ANSWER = 'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]'
CMD_ANSWER = 'CMD ["redis-server"]'

ENTRYPOINT_MISTAKES = {
    "no-entrypoint": Mistake(
        "PID 1 of a container is the first word of its ENTRYPOINT. In the official image that is "
        "docker-entrypoint.sh, which execs redis-server, and redis-server does not reap orphans (only by "
        "accident, while it waits for a BGSAVE child).",
        "add an ENTRYPOINT instruction, in exec form, that starts tini first and hands over to the official entrypoint.",
        ENTRYPOINT_ANSWER,
    ),
    "entrypoint-shell-form": Mistake(
        "the shell form hands the line to /bin/sh -c, and Docker then ignores CMD: docker-entrypoint.sh "
        "would get no arguments and never start redis-server. Single quotes are not JSON, so Docker reads "
        "such a list as shell form too.",
        "write ENTRYPOINT as a JSON list: square brackets, each word in double quotes, commas between.",
        ENTRYPOINT_ANSWER,
    ),
    "tini-not-first": Mistake(
        "the first word of the ENTRYPOINT runs as PID 1, and an orphan that no child subreaper adopts is "
        "reparented to PID 1: it must be a process that reaps, and tini does.",
        "put tini first in the ENTRYPOINT list, before docker-entrypoint.sh.",
        ENTRYPOINT_ANSWER,
    ),
    "tini-path": Mistake(
        "the course's image installs Debian's tini package: /usr/bin/tini, on the PATH. /tini is where "
        "the lecture's image ADDs a download; it does not exist here.",
        'name it "tini" (found on the PATH) or "/usr/bin/tini".',
        ENTRYPOINT_ANSWER,
    ),
    "tini-without-dashes": Mistake(
        "'--' ends tini's own options: every word after it is the program tini runs and its arguments, "
        "so an argument meant for redis (like --save) is never read as one of tini's.",
        "after tini (and any options of its own, such as -g), put '--', then docker-entrypoint.sh.",
        ENTRYPOINT_ANSWER,
    ),
    "no-docker-entrypoint": Mistake(
        "the official image's docker-entrypoint.sh steps down from root to the redis user, then execs "
        "redis-server: without it redis would run as root.",
        "after '--', name docker-entrypoint.sh; CMD then gives it redis-server to start.",
        ENTRYPOINT_ANSWER,
    ),
    "no-cmd": Mistake(
        "setting ENTRYPOINT in a Dockerfile resets the CMD inherited from the base image: without a CMD "
        "docker-entrypoint.sh gets no arguments, and redis-server never starts.",
        "add a CMD instruction, in exec form, naming the server to start.",
        CMD_ANSWER,
    ),
    "cmd-shell-form": Mistake(
        'after an exec-form ENTRYPOINT, a shell-form CMD is passed on as "/bin/sh", "-c", "...": '
        "docker-entrypoint.sh runs a shell, and steps down to the redis user only when its first "
        "argument is redis-server.",
        "write CMD as a JSON list, like the ENTRYPOINT.",
        CMD_ANSWER,
    ),
    "cmd-not-redis-server": Mistake(
        "Docker appends CMD to the ENTRYPOINT, and docker-entrypoint.sh execs exactly what it is given: "
        "that must start the server.",
        "make redis-server the first word of CMD (its own options may follow).",
        CMD_ANSWER,
    ),
    "from-not-redis": Mistake(
        "the image starts from the official redis image, which has redis-server, redis-cli and the "
        "docker-entrypoint.sh this ENTRYPOINT runs.",
        "the FROM line names the redis image with a fixed tag (never latest: a rebuild would change under you).",
        f"FROM {settings.REDIS_BASE.official}",
    ),
    "no-tini-installed": Mistake(
        "the official redis image has no tini: the ENTRYPOINT would name a program that is not there, and "
        "the container would fail to start.",
        "add a RUN line that installs Debian's tini package with apt-get (the image is Debian).",
        "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*",
    ),
    "redis-server-twice": Mistake(
        "Docker appends CMD to the ENTRYPOINT: the second redis-server becomes an argument of the first, "
        "which reads it as the name of a config file and exits.",
        "name redis-server once: end the ENTRYPOINT at docker-entrypoint.sh and put redis-server in CMD.",
        f"{ENTRYPOINT_ANSWER} then {CMD_ANSWER}",
    ),
}

ENTRYPOINT = Exercise(
    "02-entrypoint.Dockerfile", "02", "the ENTRYPOINT and CMD that make tini PID 1", ENTRYPOINT_MISTAKES
)


def _all_instructions(text: str) -> list[tuple[str, str]]:
    """Every instruction as (KEYWORD, the rest), in order, with continuations joined."""
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _instructions(text: str) -> dict[str, str]:
    """Dockerfile instructions by keyword (last one wins, as in Docker)."""
    return dict(_all_instructions(text))


def _exec_form(text: str) -> list[str] | None:
    """A Dockerfile instruction's exec form (a JSON list of strings), or None for shell form."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


def _entrypoint_list(ex: Exercise, lines: dict[str, str]) -> list[str]:
    if "ENTRYPOINT" not in lines:
        fail(ex, "no-entrypoint", "there is no ENTRYPOINT line.")
    entrypoint = _exec_form(lines["ENTRYPOINT"])
    if entrypoint is None:
        fail(ex, "entrypoint-shell-form", f"ENTRYPOINT {lines['ENTRYPOINT']} is in shell form (or not valid JSON).")
    if not entrypoint or not is_tini(entrypoint[0]):
        fail(
            ex,
            "tini-not-first",
            f"the ENTRYPOINT starts with {json.dumps(entrypoint[:1])}, so that is what runs as PID 1.",
        )
    return entrypoint


def _cmd_list(ex: Exercise, lines: dict[str, str], program: list[str]) -> list[str]:
    """CMD, checked with what it is appended to: the rest of the ENTRYPOINT after tini."""
    raw = lines.get("CMD")
    cmd = [] if raw is None else _exec_form(raw)
    if cmd is None:
        fail(ex, "cmd-shell-form", f"CMD {raw} is in shell form.")
    given = program[1:] + cmd  # what docker-entrypoint.sh receives
    if not given:
        fail(ex, "no-cmd", "there is no CMD line." if raw is None else "CMD is empty.")
    if not starts_redis_server(program + cmd):
        fail(
            ex,
            "cmd-not-redis-server",
            f"docker-entrypoint.sh is given {json.dumps(given)}, so redis-server is not started.",
        )
    if [os.path.basename(word) for word in given].count("redis-server") > 1:
        fail(ex, "redis-server-twice", f"docker-entrypoint.sh is given {json.dumps(given)}: redis-server twice.")
    return cmd


def check_entrypoint(answer: str) -> list[str]:
    """Check the Dockerfile lines; return the ENTRYPOINT as a list when right."""
    ex = ENTRYPOINT
    lines = _instructions(answer_or_solution(ex, answer))
    entrypoint = _entrypoint_list(ex, lines)
    program = what_tini_runs(ex, entrypoint, "the ENTRYPOINT")
    if not program or os.path.basename(program[0]) != "docker-entrypoint.sh":
        fail(
            ex,
            "no-docker-entrypoint",
            f"after '--' tini runs {json.dumps(program)}, not the official entrypoint script.",
        )
    cmd = _cmd_list(ex, lines, program)
    passed(ex, f"ENTRYPOINT {json.dumps(entrypoint)} with CMD {json.dumps(cmd)}{redundant_subreaper_note(entrypoint)}")
    return entrypoint


def _with_solution(path: Path, text: str) -> str:
    """The placeholder line replaced by the course's solution, written back (CI only)."""
    solution = (SOLUTIONS_DIR / ENTRYPOINT.key).read_text().strip()
    changed = text.replace(PLACEHOLDER, solution, 1)
    replace_learner_file(path, changed)
    print(f"(LAB_SOLUTIONS=1: the course's solution, solutions/{ENTRYPOINT.key}, written into {DOCKERFILE})")
    return changed


def check_dockerfile() -> list[str]:
    """Read work/02-redis-tini/Dockerfile: FROM the official redis with a fixed tag, a RUN that
    installs tini, and the ENTRYPOINT and CMD that make tini PID 1; return the ENTRYPOINT."""
    path = settings.REPO_ROOT / DOCKERFILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LabError(
            f"{DOCKERFILE} could not be read ({getattr(error, 'strerror', None) or error}). "
            "Fix: run the %%writefile cell above, which saves it."
        ) from None
    if PLACEHOLDER in text and config.current().solutions:
        text = _with_solution(path, text)
    lines = _instructions(text)
    image = lines.get("FROM", "")
    if not image.startswith("redis:") or image.endswith(":latest"):
        fail(
            ENTRYPOINT,
            "from-not-redis",
            f"FROM {image or '(missing)'} is not the official redis image with a fixed tag.",
        )
    if not any(keyword == "RUN" and "tini" in line for keyword, line in _all_instructions(text)):
        fail(ENTRYPOINT, "no-tini-installed", "no RUN line installs tini.")
    return check_entrypoint(text)
