"""tini and the official redis entrypoint as an ENTRYPOINT or a pod's command starts them
(lessons 2 and 5): where tini is, its options and '--', what it runs, and whether a
command line ends up starting redis-server."""

import json
import os

from lab.course.exercises.registry import Exercise, fail

# Debian's tini package (the course's image, lesson 2) installs tini and tini-static in
# /usr/bin, which is also /bin on bookworm. /tini is where the lecture's image ADDs its own.
TINI_PATHS = {directory + name for directory in ("", "/usr/bin/", "/bin/") for name in ("tini", "tini-static")}
TINI_OPTIONS_WITH_VALUE = ("-p", "-e")  # -p SIGNAL, -e EXIT_CODE


def is_tini(word: str) -> bool:
    return os.path.basename(word).startswith("tini")


def tini_options(argv: list[str]) -> list[str] | None:
    """tini's own options, when '--' ends them; None when it does not."""
    i = 1
    while i < len(argv) and argv[i] != "--":
        if not argv[i].startswith("-"):
            return None  # a program before any '--'
        i += 2 if argv[i] in TINI_OPTIONS_WITH_VALUE else 1
    return argv[1:i] if i < len(argv) else None


def what_tini_runs(exercise: Exercise, argv: list[str], where: str) -> list[str]:
    """The program tini starts: after tini (at a path it has in the course's image), its options and '--'."""
    if argv[0] not in TINI_PATHS:
        fail(exercise, "tini-path", f"{where} starts tini as {argv[0]!r}, a path the course's image does not have.")
    options = tini_options(argv)
    if options is None:
        fail(exercise, "tini-without-dashes", f"in {where} {json.dumps(argv)}, no '--' ends tini's options.")
    return argv[len(options) + 2 :]


def redundant_subreaper_note(argv: list[str]) -> str:
    """-s is harmless as PID 1; say so rather than fail."""
    if "-s" in (tini_options(argv) or []):
        return (
            " (-s is redundant here: -s registers tini as a child subreaper, which matters only when"
            " tini is not PID 1; as PID 1 it reaps every orphan already)"
        )
    return ""


def starts_redis_server(argv: list[str]) -> bool | None:
    """Whether ``argv`` starts redis-server: directly, or through the official entrypoint
    script, which puts redis-server in front of an option or a .conf file. None when it
    cannot tell (a shell, another program)."""
    if not argv:
        return False
    program = os.path.basename(argv[0])
    if program == "redis-server":
        return True
    if program == "docker-entrypoint.sh":
        first = argv[1] if len(argv) > 1 else ""
        return os.path.basename(first) == "redis-server" or first.startswith("-") or first.endswith(".conf")
    return None
