"""Exercises: the learner writes the line that matters; a check says precisely what is
wrong and hints at the fix. Solutions live in solutions/; CI checks them (LAB_SOLUTIONS=1).

Each check first looks at the text (fast, specific hints), then, where it can, runs the
answer for real (builds the Dockerfile, or deploys the pod and stalls it).
"""
import difflib
import json
import os
import re
from dataclasses import dataclass
from typing import Callable, List, Optional

import yaml

from . import progress, settings
from .checks import CheckFailed
from .console import passed

PLACEHOLDER = "# your answer here"
SOLUTIONS_DIR = settings.REPO_ROOT / "solutions"


@dataclass(frozen=True)
class Exercise:
    key: str            # also the solution's file name in solutions/
    lesson: str
    title: str


ENTRYPOINT = Exercise("02-entrypoint.Dockerfile", "02", "the ENTRYPOINT and CMD that make tini PID 1")
LIVENESS = Exercise("04-liveness-probe.yaml", "04", "the livenessProbe for redis")
ZOMBIE_FIX = Exercise("05-zombie-fix.yaml", "05", "a redis pod whose shell-form probe leaves no zombies")
ALL = (ENTRYPOINT, LIVENESS, ZOMBIE_FIX)


def answer_or_solution(exercise: Exercise, answer: str) -> str:
    """The learner's answer; under CI (LAB_SOLUTIONS=1) an unanswered exercise is checked
    with the course's own solution, so every exercise is proven solvable."""
    if answer.strip() and answer.strip() != PLACEHOLDER:
        return answer
    if os.environ.get("LAB_SOLUTIONS") == "1":
        print(f"(LAB_SOLUTIONS=1: checking the course's solution, solutions/{exercise.key})")
        return (SOLUTIONS_DIR / exercise.key).read_text()
    raise CheckFailed(f"{exercise.title}: no answer yet. Write it in the cell above, in place of '{PLACEHOLDER}'.")


def _fail(exercise: Exercise, what: str, hint: str) -> None:
    raise CheckFailed(f"{exercise.title}: {what} Hint: {hint}")


def _passed(exercise: Exercise, message: str) -> None:
    progress.record(exercise.key)
    passed(f"{exercise.title}: {message}")


# -- lesson 2: the Dockerfile's ENTRYPOINT ---------------------------------------------------

def _instructions(text: str) -> dict:
    """Dockerfile instructions by keyword (last one wins, as in Docker), with continuations joined."""
    joined = re.sub(r"\\\n", " ", text)
    found = {}
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found[keyword.upper()] = rest.strip()
    return found


def _exec_form(text: str) -> Optional[List[str]]:
    """A Dockerfile instruction's exec form (a JSON list of strings), or None for shell form."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


def check_entrypoint(answer: str) -> List[str]:
    """Check the Dockerfile lines; return the ENTRYPOINT as a list when right."""
    ex = ENTRYPOINT
    text = answer_or_solution(ex, answer)
    lines = _instructions(text)
    if "ENTRYPOINT" not in lines:
        _fail(ex, "there is no ENTRYPOINT line.", 'write ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]')
    raw = lines["ENTRYPOINT"]
    entrypoint = _exec_form(raw)
    if entrypoint is None:
        _fail(ex, f"ENTRYPOINT {raw} is in shell form (or not valid JSON).",
              "with the shell form, /bin/sh -c becomes PID 1, not tini, and signals never reach redis. "
              'Use the exec form, a JSON list with double quotes: ["tini", "--", ...]')
    if not entrypoint or os.path.basename(entrypoint[0]) != "tini":
        _fail(ex, f"the ENTRYPOINT starts with {entrypoint[:1]}, so that is what runs as PID 1.",
              "tini must come first, so that tini is PID 1 and reaps orphans.")
    if "--" not in entrypoint[1:2]:
        _fail(ex, "tini is not followed by '--'.",
              "'--' ends tini's own options, so arguments meant for redis are never read as tini's.")
    if "docker-entrypoint.sh" not in entrypoint[2:]:
        _fail(ex, "the official entrypoint script is missing after '--'.",
              "docker-entrypoint.sh steps down to the redis user and then execs redis-server: keep it.")
    if "-s" in entrypoint:
        _fail(ex, "'-s' (subreaper) is for when tini is not PID 1.", "as PID 1, tini reaps everything already; drop -s.")
    command = lines.get("CMD")
    if command is None:
        _fail(ex, "there is no CMD line.", 'setting ENTRYPOINT clears the base image\'s CMD: add CMD ["redis-server"]')
    cmd = _exec_form(command)
    if cmd is None:
        _fail(ex, f"CMD {command} is in shell form.",
              'after an ENTRYPOINT, a shell-form CMD is passed on as "/bin/sh -c ..."; use CMD ["redis-server"]')
    if cmd[:1] != ["redis-server"]:
        _fail(ex, f"CMD is {command}, so redis-server is not started.", 'use CMD ["redis-server"]')
    _passed(ex, f"ENTRYPOINT {json.dumps(entrypoint)} with CMD {json.dumps(cmd)}")
    return entrypoint


# -- lesson 4: the livenessProbe ------------------------------------------------------------

PROBE_FIELDS = ["exec", "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold",
                "successThreshold", "terminationGracePeriodSeconds", "httpGet", "tcpSocket", "grpc"]


def _load_yaml(exercise: Exercise, text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        _fail(exercise, f"this is not valid YAML{where} ({getattr(error, 'problem', None) or error}).",
              "indent with spaces, two per level, and put a colon after each key.")


def _did_you_mean(word: str, choices: List[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def check_liveness_probe(answer: str) -> dict:
    """Check a `livenessProbe:` block for the redis container; return the probe when right."""
    ex = LIVENESS
    block = _load_yaml(ex, answer_or_solution(ex, answer))
    if not isinstance(block, dict) or len(block) != 1:
        _fail(ex, "write one key, livenessProbe, with the probe under it.", "start with 'livenessProbe:'")
    key, probe = next(iter(block.items()))
    if key == "readinessProbe":
        _fail(ex, "this is a readiness probe.",
              "with one redis replica, a failing readiness probe only removes the only endpoint; use livenessProbe.")
    if key != "livenessProbe":
        _fail(ex, f"'{key}' is not a probe field.{_did_you_mean(key, ['livenessProbe', 'readinessProbe'])}",
              "the key is livenessProbe")
    if not isinstance(probe, dict):
        _fail(ex, "livenessProbe needs fields under it.", "indent 'exec:' under 'livenessProbe:'")
    for field in probe:
        if field not in PROBE_FIELDS:
            _fail(ex, f"'{field}' is not a probe field.{_did_you_mean(field, PROBE_FIELDS)}",
                  "see kubectl explain pod.spec.containers.livenessProbe")
    if "exec" not in probe:
        kind = next((k for k in ("httpGet", "tcpSocket", "grpc") if k in probe), None)
        _fail(ex, f"the probe is {kind or 'missing its handler'}, not exec.",
              "redis speaks neither HTTP nor gRPC, and an open port does not mean it answers: "
              "use exec with redis-cli ping.")
    command = (probe["exec"] or {}).get("command") if isinstance(probe["exec"], dict) else None
    if isinstance(command, str):
        _fail(ex, f"command is the string {command!r}.",
              'it must be a list, one item per argument: ["redis-cli", "ping"]')
    if not isinstance(command, list) or not command:
        _fail(ex, "exec needs a command list.", 'exec:\\n  command: ["redis-cli", "ping"]')
    if command[0] in ("sh", "/bin/sh", "bash", "/bin/bash"):
        _fail(ex, f"the probe runs through a shell ({' '.join(command)}).",
              "on a timeout the runtime kills the shell only; its redis-cli child becomes a zombie under "
              'redis-server. Run redis-cli directly: ["redis-cli", "ping"]')
    if "tini" in os.path.basename(command[0]):
        _fail(ex, "tini in the probe does not protect anything today.",
              "the runtime SIGKILLs tini on timeout, orphaning redis-cli (lesson 5). Use [\"redis-cli\", \"ping\"].")
    if command != ["redis-cli", "ping"]:
        _fail(ex, f"the command is {command}.", 'the course probes with ["redis-cli", "ping"], which answers PONG.')
    for field in ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold"):
        value = probe.get(field)
        if value is not None and (not isinstance(value, int) or value < (0 if field == "initialDelaySeconds" else 1)):
            _fail(ex, f"{field} is {value!r}.", f"{field} is a whole number of seconds (or a count), at least 1.")
    period, timeout, threshold = (probe.get("periodSeconds", 10), probe.get("timeoutSeconds", 1),
                                  probe.get("failureThreshold", 3))
    if period * threshold + timeout > 60:
        _fail(ex, f"a stalled redis would be restarted only after about {period * threshold + timeout}s.",
              "for this lesson keep periodSeconds x failureThreshold under a minute (e.g. 5 and 3).")
    _passed(ex, f"exec {command}, every {probe.get('periodSeconds', 10)}s, timeout {probe.get('timeoutSeconds', 1)}s, "
                f"restart after {probe.get('failureThreshold', 3)} failures")
    return probe


# -- lesson 5: the fix for the zombies --------------------------------------------------------

def check_zombie_fix(answer: str, measure: Optional[Callable[[dict], dict]] = None) -> dict:
    """Check a pod `spec:` for redis with the shell-form probe kept. With ``measure``, also
    deploy it and stall redis: the check passes only if no zombie is left."""
    ex = ZOMBIE_FIX
    spec = _load_yaml(ex, answer_or_solution(ex, answer))
    if not isinstance(spec, dict) or "containers" not in spec:
        _fail(ex, "write a pod spec: the fields under the template's 'spec:', with 'containers:'.",
              "start from the exhaustion experiment's redis container (lesson 5, section 3).")
    containers = spec["containers"]
    if not isinstance(containers, list) or len(containers) != 1 or not isinstance(containers[0], dict):
        _fail(ex, "containers must be a list with the one redis container.", "start it with '- name: redis'")
    container = containers[0]
    probe = ((container.get("livenessProbe") or {}).get("exec") or {}).get("command") or []
    if probe[:2] != ["sh", "-c"]:
        _fail(ex, "keep the shell-form probe (sh -c \"redis-cli ping\"): the exercise is to make it safe.",
              "change who is PID 1, not the probe.")
    command = container.get("command") or []
    if command and os.path.basename(command[0]) == "tini" and "-s" in command:
        _fail(ex, "tini -s in the command is not PID 1.", "tini reaps as PID 1: keep the image's ENTRYPOINT.")
    image = container.get("image", "")
    if not command and image != settings.REDIS_TINI.tag:
        _fail(ex, f"the image {image or '(none)'} does not start tini as PID 1.",
              f"use the course's image {settings.REDIS_TINI.tag}, whose ENTRYPOINT is tini.")
    tini_pid1 = (not command) or (os.path.basename(command[0]) == "tini" and command[1:2] == ["--"])
    shared = spec.get("shareProcessNamespace") is True
    if not (tini_pid1 or shared):
        _fail(ex, f"redis-server is still PID 1 (command {command} replaces the image's tini ENTRYPOINT).",
              "drop the command override so tini is PID 1, or set shareProcessNamespace: true so pause is.")
    how = "tini is PID 1" if tini_pid1 else "the pod's pause container is PID 1"
    if measure is None:
        _passed(ex, f"{how}, so the probe's orphans are reaped")
        return {"how": how}
    measured = measure(spec)
    if measured["timed-out probes"] == 0:
        _fail(ex, "no probe timed out during the stall, so nothing was tested.",
              "keep a probe that runs every few seconds (periodSeconds 2) with timeoutSeconds 1.")
    if measured["zombies"] != 0:
        _fail(ex, f"measured {measured['timed-out probes']} timed-out probes and {measured['zombies']} zombies.",
              "zombies remain: is PID 1 really a reaper? Look at the process table.")
    _passed(ex, f"{how}: measured {measured['timed-out probes']} timed-out probes, 0 zombies")
    return measured


# -- running the answers for real ------------------------------------------------------------

def verify_entrypoint_live(answer: str) -> None:
    """Build images/redis-tini/Dockerfile with your ENTRYPOINT and CMD in place of ours, run it,
    and make orphans: tini must be PID 1 and no zombie may be left."""
    import tempfile
    from pathlib import Path

    from .checks import expect_pid1, expect_zombies
    from .containers import exec_in, remove, run
    from .images import build_image
    from .redis import make_orphans
    from .settings import ImageSpec
    from .waiting import wait_until

    text = answer_or_solution(ENTRYPOINT, answer)
    ours = (settings.IMAGES_DIR / "redis-tini" / "Dockerfile").read_text()
    kept = [line for line in ours.splitlines() if not line.startswith(("ENTRYPOINT", "CMD"))]
    with tempfile.TemporaryDirectory(prefix="lab-exercise-") as context:
        (Path(context) / "Dockerfile").write_text("\n".join(kept + text.strip().splitlines()) + "\n")
        image = build_image(ImageSpec("redis-tini-lab/redis:exercise", context, settings.REDIS_BASE), quiet=True)
    try:
        container = run("exercise", image)  # no command: your CMD is what starts redis
        wait_until(lambda: exec_in(container, ["redis-cli", "ping"], quiet=True).stdout.strip() == "PONG",
                   timeout=20, what="redis from your image to answer PING", interval=0.2)
        expect_pid1(container, "tini", hint="your ENTRYPOINT must start tini first")
        make_orphans(container, 2)
        expect_zombies(container, 0)
    finally:
        remove("exercise")


def redis_yaml_with_probe(answer: str) -> str:
    """k8s/redis.yaml's text with your livenessProbe block inserted into the redis container,
    indented as it would be in the file: what you would have typed there."""
    from .manifests import MANIFESTS_DIR
    text = answer_or_solution(LIVENESS, answer)
    block = [line for line in text.strip("\n").splitlines() if line.strip() and not line.lstrip().startswith("#")]
    lines = (MANIFESTS_DIR / "redis.yaml").read_text().splitlines()
    anchor = next(i for i, line in enumerate(lines) if line.strip() == "- containerPort: 6379")
    indent = " " * (len(lines[anchor - 1]) - len(lines[anchor - 1].lstrip()))  # the level of `ports:`
    return "\n".join(lines[:anchor + 1] + [indent + line for line in block] + lines[anchor + 1:]) + "\n"


def redis_with_probe(answer: str) -> list:
    """The manifests of redis_yaml_with_probe, parsed and validated, ready to apply."""
    from .manifests import parse, validate
    objects = parse(redis_yaml_with_probe(answer), "k8s/redis.yaml with your livenessProbe")
    for manifest in objects:
        validate(manifest)
    return objects
