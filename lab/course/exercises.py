"""Exercises: the learner writes the line that matters; a check says precisely what is
wrong and hints at the fix. Solutions live in solutions/; CI checks them (LAB_SOLUTIONS=1).

Each check first looks at the text (fast, specific hints), then, where it can, runs the
answer for real (builds the Dockerfile, or deploys the pod and stalls it).

Hints escalate. Each kind of wrong answer (a *mistake*, with a stable id such as
"shell-in-probe") has three hints: 1 says why it is wrong, 2 which field or instruction
to change, 3 what to write. Making the same mistake again in the same exercise shows the
next hint; passing the exercise starts its hints over. The CheckFailed raised carries
``.mistake`` (the id) and ``.hint_level`` (1 to 3).
"""
import copy
import difflib
import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, NoReturn, Optional, Tuple

import yaml

from lab.core import settings
from lab.core.console import passed
from lab.core.errors import LabError
from lab.course import progress
from lab.course.checks import CheckFailed
from lab.targets.manifests import MANIFESTS_DIR, Manifest, parse, validate

PLACEHOLDER = "# your answer here"
SOLUTIONS_DIR = settings.REPO_ROOT / "solutions"
REDIS_MANIFEST = MANIFESTS_DIR / "redis.yaml"
WORK_DIR = settings.WORK_DIR
HINT_LEVELS = 3


@dataclass(frozen=True)
class Exercise:
    key: str            # also the solution's file name in solutions/
    lesson: str
    title: str


ENTRYPOINT = Exercise("02-entrypoint.Dockerfile", "02", "the ENTRYPOINT and CMD that make tini PID 1")
LIVENESS = Exercise("04-liveness-probe.yaml", "04", "the livenessProbe for redis")
ZOMBIE_FIX = Exercise("05-zombie-fix.yaml", "05", "a redis pod whose shell-form probe leaves no zombies")
MYSTERY = Exercise("05-mystery-restarts.yaml", "05", "redis-cache, which restarts every few minutes: the fix")
ALL = (ENTRYPOINT, LIVENESS, ZOMBIE_FIX, MYSTERY)


@dataclass(frozen=True)
class Mistake:
    """One kind of wrong answer, and its hints from the general to the exact."""
    concept: str    # hint 1: why it is wrong
    field: str      # hint 2: which field or instruction to change
    answer: str     # hint 3: the text to write

    def hint(self, level: int) -> str:
        return (self.concept, self.field, self.answer)[level - 1]


# (exercise key, mistake id) -> the hint level shown last; in memory, so a new kernel starts over
_hint_levels: Dict[Tuple[str, str], int] = {}


def reset_hints() -> None:
    """Start every exercise's hints over at level 1."""
    _hint_levels.clear()


def _next_hint_level(exercise: Exercise, mistake_id: str) -> int:
    key = (exercise.key, mistake_id)
    _hint_levels[key] = min(_hint_levels.get(key, 0) + 1, HINT_LEVELS)
    return _hint_levels[key]


def _check_failed(message: str, mistake: str, hint_level: Optional[int]) -> CheckFailed:
    """A CheckFailed that tests (and curious learners) can ask which mistake it was."""
    error = CheckFailed(message)
    error.mistake, error.hint_level = mistake, hint_level
    return error


def _fail(exercise: Exercise, mistake_id: str, what: str) -> NoReturn:
    """Fail with what is wrong in this answer, and the next hint for this kind of mistake."""
    level = _next_hint_level(exercise, mistake_id)
    hint = MISTAKES[exercise.key][mistake_id].hint(level)
    more = " (run the cell again for a more specific hint)" if level < HINT_LEVELS else ""
    raise _check_failed(f"{exercise.title}: {what} Hint {level} of {HINT_LEVELS}: {hint}{more}", mistake_id, level)


def _passed(exercise: Exercise, message: str) -> None:
    for key in [k for k in _hint_levels if k[0] == exercise.key]:
        del _hint_levels[key]
    progress.record(exercise.key)
    passed(f"{exercise.title}: {message}")


def answer_or_solution(exercise: Exercise, answer: str) -> str:
    """The learner's answer; under CI (LAB_SOLUTIONS=1) an unanswered exercise is checked
    with the course's own solution, so every exercise is proven solvable."""
    if answer.strip() and answer.strip() != PLACEHOLDER:
        return answer
    if os.environ.get("LAB_SOLUTIONS") == "1":
        print(f"(LAB_SOLUTIONS=1: checking the course's solution, solutions/{exercise.key})")
        return (SOLUTIONS_DIR / exercise.key).read_text()
    raise _check_failed(f"{exercise.title}: no answer yet. Write it in the cell above, in place of '{PLACEHOLDER}'.",
                        "no-answer", None)


def _did_you_mean(word: str, choices: List[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def _load_yaml(exercise: Exercise, text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        _fail(exercise, "invalid-yaml", f"this is not valid YAML{where} ({getattr(error, 'problem', None) or error}).")


# -- tini and the official entrypoint, as lessons 2 and 5 start them ------------------------

# Debian's tini package (the course's image, lesson 2) installs tini and tini-static in
# /usr/bin, which is also /bin on bookworm. /tini is where the lecture's image ADDs its own.
TINI_PATHS = {directory + name for directory in ("", "/usr/bin/", "/bin/") for name in ("tini", "tini-static")}
TINI_OPTIONS_WITH_VALUE = ("-p", "-e")  # -p SIGNAL, -e EXIT_CODE


def _is_tini(word: str) -> bool:
    return os.path.basename(word).startswith("tini")


def _tini_options(argv: List[str]) -> Optional[List[str]]:
    """tini's own options, when '--' ends them; None when it does not."""
    i = 1
    while i < len(argv) and argv[i] != "--":
        if not argv[i].startswith("-"):
            return None  # a program before any '--'
        i += 2 if argv[i] in TINI_OPTIONS_WITH_VALUE else 1
    return argv[1:i] if i < len(argv) else None


def _what_tini_runs(exercise: Exercise, argv: List[str], where: str) -> List[str]:
    """The program tini starts: after tini (at a path it has in the course's image), its options and '--'."""
    if argv[0] not in TINI_PATHS:
        _fail(exercise, "tini-path", f"{where} starts tini as {argv[0]!r}, a path the course's image does not have.")
    options = _tini_options(argv)
    if options is None:
        _fail(exercise, "tini-without-dashes", f"in {where} {json.dumps(argv)}, no '--' ends tini's options.")
    return argv[len(options) + 2:]


def _redundant_subreaper_note(argv: List[str]) -> str:
    """-s is harmless as PID 1; say so rather than fail."""
    if "-s" in (_tini_options(argv) or []):
        return (" (-s is redundant here: -s registers tini as a child subreaper, which matters only when"
                " tini is not PID 1; as PID 1 it reaps every orphan already)")
    return ""


def _starts_redis_server(argv: List[str]) -> Optional[bool]:
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


# -- lesson 2: the Dockerfile's ENTRYPOINT ---------------------------------------------------

ENTRYPOINT_ANSWER = 'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]'
CMD_ANSWER = 'CMD ["redis-server"]'

ENTRYPOINT_MISTAKES = {
    "no-entrypoint": Mistake(
        "PID 1 of a container is the first word of its ENTRYPOINT. In the official image that is "
        "docker-entrypoint.sh, which execs redis-server, and redis-server does not reap orphans (only by "
        "accident, while it waits for a BGSAVE child).",
        "add an ENTRYPOINT instruction, in exec form, that starts tini first and hands over to the official entrypoint.",
        ENTRYPOINT_ANSWER),
    "entrypoint-shell-form": Mistake(
        "the shell form hands the line to /bin/sh -c, and Docker then ignores CMD: docker-entrypoint.sh "
        "would get no arguments and never start redis-server. Single quotes are not JSON, so Docker reads "
        "such a list as shell form too.",
        "write ENTRYPOINT as a JSON list: square brackets, each word in double quotes, commas between.",
        ENTRYPOINT_ANSWER),
    "tini-not-first": Mistake(
        "the first word of the ENTRYPOINT runs as PID 1, and an orphan that no child subreaper adopts is "
        "reparented to PID 1: it must be a process that reaps, and tini does.",
        "put tini first in the ENTRYPOINT list, before docker-entrypoint.sh.",
        ENTRYPOINT_ANSWER),
    "tini-path": Mistake(
        "the course's image installs Debian's tini package: /usr/bin/tini, on the PATH. /tini is where "
        "the lecture's image ADDs a download; it does not exist here.",
        'name it "tini" (found on the PATH) or "/usr/bin/tini".',
        ENTRYPOINT_ANSWER),
    "tini-without-dashes": Mistake(
        "'--' ends tini's own options: every word after it is the program tini runs and its arguments, "
        "so an argument meant for redis (like --save) is never read as one of tini's.",
        "after tini (and any options of its own, such as -g), put '--', then docker-entrypoint.sh.",
        ENTRYPOINT_ANSWER),
    "no-docker-entrypoint": Mistake(
        "the official image's docker-entrypoint.sh steps down from root to the redis user, then execs "
        "redis-server: without it redis would run as root.",
        "after '--', name docker-entrypoint.sh; CMD then gives it redis-server to start.",
        ENTRYPOINT_ANSWER),
    "no-cmd": Mistake(
        "setting ENTRYPOINT in a Dockerfile resets the CMD inherited from the base image: without a CMD "
        "docker-entrypoint.sh gets no arguments, and redis-server never starts.",
        "add a CMD instruction, in exec form, naming the server to start.",
        CMD_ANSWER),
    "cmd-shell-form": Mistake(
        'after an exec-form ENTRYPOINT, a shell-form CMD is passed on as "/bin/sh", "-c", "...": '
        "docker-entrypoint.sh runs a shell, and steps down to the redis user only when its first "
        "argument is redis-server.",
        "write CMD as a JSON list, like the ENTRYPOINT.",
        CMD_ANSWER),
    "cmd-not-redis-server": Mistake(
        "Docker appends CMD to the ENTRYPOINT, and docker-entrypoint.sh execs exactly what it is given: "
        "that must start the server.",
        "make redis-server the first word of CMD (its own options may follow).",
        CMD_ANSWER),
    "redis-server-twice": Mistake(
        "Docker appends CMD to the ENTRYPOINT: the second redis-server becomes an argument of the first, "
        "which reads it as the name of a config file and exits.",
        "name redis-server once: end the ENTRYPOINT at docker-entrypoint.sh and put redis-server in CMD.",
        f"{ENTRYPOINT_ANSWER} then {CMD_ANSWER}"),
}


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


def _entrypoint_list(ex: Exercise, lines: dict) -> List[str]:
    if "ENTRYPOINT" not in lines:
        _fail(ex, "no-entrypoint", "there is no ENTRYPOINT line.")
    entrypoint = _exec_form(lines["ENTRYPOINT"])
    if entrypoint is None:
        _fail(ex, "entrypoint-shell-form", f"ENTRYPOINT {lines['ENTRYPOINT']} is in shell form (or not valid JSON).")
    if not entrypoint or not _is_tini(entrypoint[0]):
        _fail(ex, "tini-not-first", f"the ENTRYPOINT starts with {json.dumps(entrypoint[:1])}, so that is what runs as PID 1.")
    return entrypoint


def _cmd_list(ex: Exercise, lines: dict, program: List[str]) -> List[str]:
    """CMD, checked with what it is appended to: the rest of the ENTRYPOINT after tini."""
    raw = lines.get("CMD")
    cmd = [] if raw is None else _exec_form(raw)
    if cmd is None:
        _fail(ex, "cmd-shell-form", f"CMD {raw} is in shell form.")
    given = program[1:] + cmd   # what docker-entrypoint.sh receives
    if not given:
        _fail(ex, "no-cmd", "there is no CMD line." if raw is None else "CMD is empty.")
    if not _starts_redis_server(program + cmd):
        _fail(ex, "cmd-not-redis-server", f"docker-entrypoint.sh is given {json.dumps(given)}, "
                                          "so redis-server is not started.")
    if [os.path.basename(word) for word in given].count("redis-server") > 1:
        _fail(ex, "redis-server-twice", f"docker-entrypoint.sh is given {json.dumps(given)}: redis-server twice.")
    return cmd


def check_entrypoint(answer: str) -> List[str]:
    """Check the Dockerfile lines; return the ENTRYPOINT as a list when right."""
    ex = ENTRYPOINT
    lines = _instructions(answer_or_solution(ex, answer))
    entrypoint = _entrypoint_list(ex, lines)
    program = _what_tini_runs(ex, entrypoint, "the ENTRYPOINT")
    if not program or os.path.basename(program[0]) != "docker-entrypoint.sh":
        _fail(ex, "no-docker-entrypoint", f"after '--' tini runs {json.dumps(program)}, not the official entrypoint script.")
    cmd = _cmd_list(ex, lines, program)
    _passed(ex, f"ENTRYPOINT {json.dumps(entrypoint)} with CMD {json.dumps(cmd)}{_redundant_subreaper_note(entrypoint)}")
    return entrypoint


# -- lesson 4: the livenessProbe ------------------------------------------------------------

PROBE_FIELDS = ["exec", "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold",
                "successThreshold", "terminationGracePeriodSeconds", "httpGet", "tcpSocket", "grpc"]
MAX_INITIAL_DELAY = 60  # longer belongs in a startupProbe (lesson 4, section 6)
TIMING_FIELDS = ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# The whole answer, on one line (flow style is YAML too): what hint 3 gives when the block itself is the problem.
PROBE_ANSWER = ('livenessProbe: {exec: {command: ["redis-cli", "ping"]}, initialDelaySeconds: 5, '
                'periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3}')
PROBE_COMMAND_ANSWER = 'command: ["redis-cli", "ping"]'
YAML_CONCEPT = "YAML nests by indentation: a key's fields sit under it, indented further, and every key ends with a colon."
YAML_FIELD = "look at the line and column named: indent with spaces (two per level, never tabs), a colon after each key."
UNKNOWN_FIELD_CONCEPT = ("kubectl apply rejects a field the API does not know (strict field validation), "
                         "so every name must be exact, capitals included.")

LIVENESS_MISTAKES = {
    "invalid-yaml": Mistake(YAML_CONCEPT, YAML_FIELD, PROBE_ANSWER),
    "not-one-key": Mistake(
        "the block sits under the redis container in k8s/redis.yaml, next to image and ports: "
        "one key, whose value is the probe.",
        "start with 'livenessProbe:' on its own line and indent the probe's fields under it.",
        PROBE_ANSWER),
    "readiness-probe": Mistake(
        "a failing readiness probe takes the pod out of the Service's endpoints and restarts nothing: with "
        "one redis replica that removes the only endpoint, and nothing repairs redis.",
        "the key must be the probe whose failures restart the container.",
        "rename readinessProbe to livenessProbe."),
    "not-a-probe-key": Mistake(
        UNKNOWN_FIELD_CONCEPT,
        "the key is the liveness probe's field of a container (kubectl explain pod.spec.containers).",
        "livenessProbe:"),
    "probe-not-a-mapping": Mistake(
        "a probe is a mapping: its handler (exec) and its timings, indented under livenessProbe.",
        "indent 'exec:' under 'livenessProbe:', and 'command:' under 'exec:'.",
        PROBE_ANSWER),
    "unknown-probe-field": Mistake(
        UNKNOWN_FIELD_CONCEPT,
        "check the name against kubectl explain pod.spec.containers.livenessProbe.",
        "the fields this probe needs: exec, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold."),
    "not-exec": Mistake(
        "redis speaks neither HTTP nor gRPC, and an open TCP port does not mean redis answers: only a "
        "command that talks to redis tests it.",
        "use the exec handler: exec.command runs inside the container, and exit code 0 means alive.",
        'exec: {command: ["redis-cli", "ping"]}'),
    "command-is-a-string": Mistake(
        "Kubernetes runs exec.command directly, with no shell to split a string into words: it is a "
        "list, one item per argument.",
        "write command as a YAML list: [first, second], or one '- item' per line.",
        PROBE_COMMAND_ANSWER),
    "no-command": Mistake(
        "the exec handler runs the list under exec.command inside the container: without it there is nothing to run.",
        "put 'command:' under 'exec:', with a list of words.",
        PROBE_COMMAND_ANSWER),
    "not-all-strings": Mistake(
        "every item of command is a string; YAML reads an unquoted 6379 as a number and true as a boolean.",
        "quote that item.",
        PROBE_COMMAND_ANSWER),
    "shell-in-probe": Mistake(
        "on a probe timeout, containerd and Docker (>= 20.10.18) SIGKILL the exec'd process only, here the "
        "shell: its redis-cli child is orphaned and keeps waiting for redis, and where PID 1 does not reap "
        "it becomes a zombie (lesson 5).",
        "make redis-cli itself the exec'd process: the first item of command, with no shell around it.",
        PROBE_COMMAND_ANSWER),
    "tini-in-probe": Mistake(
        "on a probe timeout, containerd and Docker (>= 20.10.18) SIGKILL the exec'd process only, here tini: "
        "tini dies without reaping, and its redis-cli child is orphaned. -s does not help: the subreaper "
        "that would adopt it is the tini that was killed. The reaper belongs in PID 1 (lesson 2).",
        "drop tini, its options and '--' from the probe: start the command with redis-cli.",
        PROBE_COMMAND_ANSWER),
    "other-command": Mistake(
        "a liveness probe asks redis itself whether it answers: PING does only that, and redis-cli's "
        "defaults reach the redis of this very container.",
        "run redis-cli with the ping command.",
        PROBE_COMMAND_ANSWER + ' (or ["redis-cli", "-e", "ping"], which also fails on an error reply)'),
    "bad-number": Mistake(
        "probe timings are whole numbers: seconds (initialDelaySeconds, periodSeconds, timeoutSeconds) or a "
        "count (failureThreshold); all but initialDelaySeconds are at least 1.",
        'write each as a plain whole number, no quotes and no unit: 5, not "5" or 5s.',
        "initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3"),
    "success-threshold": Mistake(
        "for a liveness probe Kubernetes accepts only successThreshold 1: one success after failures means alive.",
        "remove successThreshold, or set it to 1.",
        "successThreshold: 1 (or leave it out)"),
    "slow-start": Mistake(
        "initialDelaySeconds holds the probe off after every start, restarts included: a redis that hangs in "
        "that window is not noticed. A redis that needs long to load its data wants a startupProbe instead "
        "(section 6), which ends as soon as redis answers.",
        f"keep initialDelaySeconds at most {MAX_INITIAL_DELAY} (the lecture uses 30; this empty redis starts in a second).",
        "initialDelaySeconds: 5"),
    "too-slow": Mistake(
        "the restart comes after failureThreshold failed probes in a row, one every periodSeconds: about "
        "periodSeconds x failureThreshold (+ timeoutSeconds) after redis stalls.",
        "lower periodSeconds or failureThreshold so that their product stays under a minute.",
        "periodSeconds: 5, failureThreshold: 3 (a restart about 15 s after a stall)"),
}


def _ping_options(command: List[str]) -> Optional[List[str]]:
    """redis-cli's options when ``command`` is `redis-cli [options] ping`, else None."""
    if len(command) < 2 or command[0] != "redis-cli" or command[-1].lower() != "ping":
        return None
    return command[1:-1]


def _pings_this_redis(options: List[str]) -> bool:
    """Only options that keep the probe on this container's redis: -e, and -h/-p for the defaults."""
    i = 0
    while i < len(options):
        if options[i] == "-e":
            i += 1
        elif options[i] == "-h" and options[i + 1:i + 2] and options[i + 1] in LOCAL_HOSTS:
            i += 2
        elif options[i] == "-p" and options[i + 1:i + 2] == ["6379"]:
            i += 2
        else:
            return False
    return True


def _probe_of(ex: Exercise, block) -> dict:
    """The probe under the one key `livenessProbe`, its field names checked."""
    if not isinstance(block, dict) or len(block) != 1:
        _fail(ex, "not-one-key", "write one key, livenessProbe, with the probe under it.")
    key, probe = next(iter(block.items()))
    if key == "readinessProbe":
        _fail(ex, "readiness-probe", "this is a readiness probe.")
    if key != "livenessProbe":
        _fail(ex, "not-a-probe-key", f"'{key}' is not a probe field.{_did_you_mean(key, ['livenessProbe', 'readinessProbe'])}")
    if not isinstance(probe, dict):
        _fail(ex, "probe-not-a-mapping", "livenessProbe has no fields under it.")
    for field in probe:
        if field not in PROBE_FIELDS:
            _fail(ex, "unknown-probe-field", f"'{field}' is not a probe field.{_did_you_mean(field, PROBE_FIELDS)}")
    return probe


def _probe_command(ex: Exercise, probe: dict) -> List[str]:
    """exec.command, as a list of strings that runs redis-cli ... ping directly."""
    if "exec" not in probe:
        handler = next((k for k in ("httpGet", "tcpSocket", "grpc") if k in probe), None)
        _fail(ex, "not-exec", f"the probe is {handler or 'missing its handler'}, not exec.")
    command = probe["exec"].get("command") if isinstance(probe["exec"], dict) else None
    if isinstance(command, str):
        _fail(ex, "command-is-a-string", f"command is the string {command!r}.")
    if not isinstance(command, list) or not command:
        _fail(ex, "no-command", "exec needs a command list.")
    not_a_string = next((item for item in command if not isinstance(item, str)), None)
    if not_a_string is not None:
        _fail(ex, "not-all-strings", f"command has {not_a_string!r}, which is not a string.")
    if os.path.basename(command[0]) in ("sh", "bash", "dash", "ash"):
        _fail(ex, "shell-in-probe", f"the probe runs through a shell ({' '.join(command)}).")
    if _is_tini(command[0]):
        _fail(ex, "tini-in-probe", f"tini is inside the probe ({' '.join(command)}).")
    options = _ping_options(command)
    if options is None or not _pings_this_redis(options):
        _fail(ex, "other-command", f"the command is {command}.")
    return command


def _check_timings(ex: Exercise, probe: dict) -> Tuple[int, int, int]:
    """periodSeconds, timeoutSeconds, failureThreshold (Kubernetes' defaults where absent)."""
    for field in (f for f in TIMING_FIELDS if f in probe):  # present but null is a mistake too
        value = probe[field]
        lowest = 0 if field == "initialDelaySeconds" else 1
        if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
            _fail(ex, "bad-number", f"{field} is {value!r}.")
    if probe.get("successThreshold", 1) != 1:
        _fail(ex, "success-threshold", f"successThreshold is {probe['successThreshold']!r}.")
    period, timeout, threshold = (probe.get("periodSeconds", 10), probe.get("timeoutSeconds", 1),
                                  probe.get("failureThreshold", 3))
    if period * threshold + timeout > 60:
        _fail(ex, "too-slow", f"a stalled redis would be restarted only after about {period * threshold + timeout}s.")
    if probe.get("initialDelaySeconds", 0) > MAX_INITIAL_DELAY:
        _fail(ex, "slow-start", f"initialDelaySeconds is {probe['initialDelaySeconds']}: no probe for that long "
                                "after every start.")
    return period, timeout, threshold


def _why_this_command(options: List[str]) -> str:
    if "-e" in options:
        return ("; -e makes redis-cli exit 1 on an error reply (NOAUTH, -LOADING), where plain `redis-cli ping` "
                "exits 0: the probe also fails when redis answers with an error")
    return " (`redis-cli -e ping` would also fail on an error reply such as NOAUTH, where plain ping exits 0)"


def check_liveness_probe(answer: str) -> dict:
    """Check a `livenessProbe:` block for the redis container; return the probe when right."""
    ex = LIVENESS
    probe = _probe_of(ex, _load_yaml(ex, answer_or_solution(ex, answer)))
    command = _probe_command(ex, probe)
    period, timeout, threshold = _check_timings(ex, probe)
    _passed(ex, f"exec {command}, every {period}s, timeout {timeout}s, restart after {threshold} failures"
                f"{_why_this_command(_ping_options(command))}")
    return probe


# -- lesson 5: the fix for the zombies --------------------------------------------------------

# Every field of a PodSpec and of a Container (Kubernetes 1.33, the version manifests are checked against)
POD_SPEC_FIELDS = [
    "activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "containers", "dnsConfig", "dnsPolicy",
    "enableServiceLinks", "ephemeralContainers", "hostAliases", "hostIPC", "hostNetwork", "hostPID", "hostUsers",
    "hostname", "imagePullSecrets", "initContainers", "nodeName", "nodeSelector", "os", "overhead",
    "preemptionPolicy", "priority", "priorityClassName", "readinessGates", "resourceClaims", "resources",
    "restartPolicy", "runtimeClassName", "schedulerName", "schedulingGates", "securityContext", "serviceAccount",
    "serviceAccountName", "setHostnameAsFQDN", "shareProcessNamespace", "subdomain",
    "terminationGracePeriodSeconds", "tolerations", "topologySpreadConstraints", "volumes"]
CONTAINER_FIELDS = [
    "args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "name", "ports",
    "readinessProbe", "resizePolicy", "resources", "restartPolicy", "securityContext", "startupProbe", "stdin",
    "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices", "volumeMounts",
    "workingDir"]
SHELLS = ("sh", "/bin/sh")
# What each image starts when the pod sets neither command nor args: (ENTRYPOINT, CMD)
COURSE_IMAGE_START = (["tini", "--", "docker-entrypoint.sh"], ["redis-server"])   # images/redis-tini/Dockerfile
PLAIN_REDIS_START = (["docker-entrypoint.sh"], ["redis-server"])                 # the official image, and its stand-in
FIX_ANSWER = (f"image: {settings.REDIS_TINI.tag} and no command (its ENTRYPOINT makes tini PID 1); "
              "or shareProcessNamespace: true in the pod spec (the pause container is PID 1)")
SHELL_PROBE_ANSWER = ('livenessProbe: {exec: {command: ["sh", "-c", "redis-cli ping"]}, periodSeconds: 2, '
                      'timeoutSeconds: 1, failureThreshold: 1000}')

ZOMBIE_FIX_MISTAKES = {
    "invalid-yaml": Mistake(
        YAML_CONCEPT, YAML_FIELD,
        "start from solutions/05-zombie-fix.yaml's layout: containers:, then '- name: redis' and its fields "
        "indented under it."),
    "not-a-pod-spec": Mistake(
        "the answer is a pod spec: the fields under the Deployment template's 'spec:', whose main field is "
        "containers.",
        "start with 'containers:' at the top level (no 'spec:' above it), then '- name: redis'.",
        "the redis container of the exhaustion experiment (lesson 5, section 3), under 'containers:'"),
    "unknown-field": Mistake(
        UNKNOWN_FIELD_CONCEPT,
        "check the name against kubectl explain pod.spec (and pod.spec.containers).",
        "the fields this answer needs: containers, maybe shareProcessNamespace; in the container name, image, "
        "imagePullPolicy, args, maybe command, and livenessProbe."),
    "containers-not-one": Mistake(
        "containers is a list, and this pod has one: redis, with its probe.",
        "write containers: then one item that starts with '- name: redis'.",
        f"containers: [{{name: redis, image: {settings.REDIS_TINI.tag}, ...}}]"),
    "probe-changed": Mistake(
        "the exercise keeps the shell-form probe on purpose: its timeouts orphan redis-cli, and the fix is a "
        "PID 1 that reaps those orphans, not a different probe.",
        'keep livenessProbe.exec.command as ["sh", "-c", "redis-cli ping"]; change the image, the command '
        "or the pod instead.",
        SHELL_PROBE_ANSWER),
    "command-not-a-list": Mistake(
        "Kubernetes runs command and args directly, with no shell to split a string: each is a list of strings.",
        "write command (and args) as YAML lists of quoted words.",
        'command: ["tini", "--", "docker-entrypoint.sh"] and args: ["redis-server", "--save", ""]'),
    "no-image": Mistake(
        "Kubernetes needs an image for every container of a Deployment, and the image's ENTRYPOINT decides "
        "what runs as PID 1 unless command replaces it.",
        f"set image: to the course's image ({settings.REDIS_TINI.tag}) or the official redis image.",
        f"image: {settings.REDIS_TINI.tag}"),
    "unknown-image": Mistake(
        "the check must know what the image runs as PID 1: the course's image starts tini, the official "
        "redis image starts docker-entrypoint.sh, which execs redis-server.",
        f"use {settings.REDIS_TINI.tag} (the course's) or {settings.REDIS_BASE.official} (the official image).",
        f"image: {settings.REDIS_TINI.tag}"),
    "host-pid": Mistake(
        "hostPID puts the pod in the node's PID namespace: the probe's orphans are then adopted outside the "
        "pod, and the container can see every process on the node. It trades the pod's isolation for a reaper.",
        "remove hostPID; for a reaper shared by the pod, shareProcessNamespace is the field.",
        "shareProcessNamespace: true, and no hostPID"),
    "tini-not-in-image": Mistake(
        "the official redis image has no tini; the course's image adds Debian's package (lesson 2). A command "
        "that names a program the image lacks fails to start the container.",
        f"use the course's image, {settings.REDIS_TINI.tag}, for tini; or keep the official image, drop tini, "
        "and let the pod's pause container be PID 1.",
        FIX_ANSWER),
    "tini-path": Mistake(
        ENTRYPOINT_MISTAKES["tini-path"].concept,
        ENTRYPOINT_MISTAKES["tini-path"].field,
        'command: ["tini", "--", "docker-entrypoint.sh"]'),
    "tini-without-dashes": Mistake(
        ENTRYPOINT_MISTAKES["tini-without-dashes"].concept,
        "after tini (and any options of its own, such as -s or -g), put '--', then docker-entrypoint.sh.",
        'command: ["tini", "--", "docker-entrypoint.sh"]'),
    "redis-not-started": Mistake(
        "Kubernetes' command replaces the image's ENTRYPOINT, and when command is set without args the "
        "image's CMD is dropped too: only the command runs.",
        "give the server in args (or at the end of the command).",
        'args: ["redis-server", "--save", ""]'),
    "no-reaper-pid1": Mistake(
        "when the runtime SIGKILLs the timed-out sh, its redis-cli child is reparented to the nearest "
        "ancestor registered as child subreaper, else to PID 1 of the PID namespace; nothing here is a "
        "subreaper, and redis-server reaps only by accident (while it waits for a BGSAVE child), so the "
        "orphans stay zombies.",
        "make PID 1 a reaper: tini first in the container (the course image's ENTRYPOINT, or command), or "
        "shareProcessNamespace in the pod spec so that the pause container is PID 1.",
        FIX_ANSWER),
    "nothing-timed-out": Mistake(
        "a zombie appears only when a probe times out and the runtime kills its shell: without a timeout "
        "during the stall, the measurement proves nothing.",
        "make the probe run often with a short timeout: periodSeconds and timeoutSeconds.",
        "periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 1000"),
    "zombies-measured": Mistake(
        "a zombie stays until its parent reaps it, and the orphaned redis-cli's parent is now PID 1 (no "
        "subreaper here): that PID 1 does not reap.",
        "look at PID 1 in the pod's process table (lab.pod_process_table) and at whose children the zombies are.",
        FIX_ANSWER),
}

MYSTERY_ANSWERS = ("one of: the probe in exec form, livenessProbe: {exec: {command: [redis-cli, ping]}, ...}; "
                   "or tini as PID 1, command: [tini, --, sh, -c, <the same line>]; "
                   "or shareProcessNamespace: true beside containers:")
MYSTERY_MISTAKES = {
    **{key: ZOMBIE_FIX_MISTAKES[key] for key in ("invalid-yaml", "not-a-pod-spec", "unknown-field",
                                                 "containers-not-one")},
    "maintenance-removed": Mistake(
        "the job belongs to the other team and pauses redis for a reason; a redis that stalls 2.5 s must not "
        "restart. Without the pauses nothing times out, and the bug is only hidden until the next stall.",
        "keep the container's command as it is, with its maintenance loop; change who is PID 1, or the probe.",
        MYSTERY_ANSWERS),
    "probe-removed": Mistake(
        "without a liveness probe nothing restarts, and nothing would restart a redis that really hangs either.",
        "keep the livenessProbe, an exec probe; change how its command runs.",
        MYSTERY_ANSWERS),
    "bad-number": Mistake(
        "probe timings are whole numbers of seconds (or, for failureThreshold, a count), at least 1.",
        'write each as a plain whole number, no quotes and no unit: 1, not "1" or 1s.',
        "periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 3 (the other team's values)"),
    "probe-loosened": Mistake(
        "a looser probe only delays the restart: every timed-out shell probe still leaves a zombie, and the "
        "zombies still fill the pod's PIDs.",
        "keep periodSeconds 1, timeoutSeconds 1 and failureThreshold 3; look at who the zombies' parent is.",
        MYSTERY_ANSWERS),
    "nothing-timed-out": Mistake(
        "the fix is proven only while the job pauses redis and probes time out.",
        "keep the maintenance loop and a probe with timeoutSeconds 1.",
        MYSTERY_ANSWERS),
    "still-leaking": Mistake(
        "each timed-out probe's sh is killed and its redis-cli orphaned to PID 1; zombies pile up when PID 1 "
        "does not reap. The clues showed which process is PID 1 and whose children the zombies are.",
        "change one of: the probe's command (no process between the runtime and redis-cli), the container's "
        "command (a reaper as PID 1), or the pod (shareProcessNamespace).",
        MYSTERY_ANSWERS),
}

MISTAKES = {ENTRYPOINT.key: ENTRYPOINT_MISTAKES, LIVENESS.key: LIVENESS_MISTAKES, ZOMBIE_FIX.key: ZOMBIE_FIX_MISTAKES,
            MYSTERY.key: MYSTERY_MISTAKES}


def _expect_known_fields(ex: Exercise, fields: dict, known: List[str], where: str) -> None:
    for field in fields:
        if field not in known:
            _fail(ex, "unknown-field", f"'{field}' is not a field of {where}.{_did_you_mean(field, known)}")


def _the_container(ex: Exercise, spec) -> dict:
    """The pod spec's one container, field names checked."""
    if not isinstance(spec, dict) or "containers" not in spec:
        _fail(ex, "not-a-pod-spec", "write a pod spec: the fields under the template's 'spec:', with 'containers:'.")
    _expect_known_fields(ex, spec, POD_SPEC_FIELDS, "a pod spec")
    containers = spec["containers"]
    if not isinstance(containers, list) or len(containers) != 1 or not isinstance(containers[0], dict):
        _fail(ex, "containers-not-one", "containers must be a list with the one redis container.")
    _expect_known_fields(ex, containers[0], CONTAINER_FIELDS, "a container")
    return containers[0]


def _expect_shell_form_probe(ex: Exercise, container: dict) -> None:
    probe = container.get("livenessProbe")
    handler = probe.get("exec") if isinstance(probe, dict) else None
    command = handler.get("command") if isinstance(handler, dict) else None
    if not isinstance(command, list) or not command or command[0] not in SHELLS or command[1:2] != ["-c"]:
        _fail(ex, "probe-changed", f"the probe is {command or 'missing'}: keep the shell-form probe "
                                   '(sh -c "redis-cli ping"), the exercise is to make it safe.')


def _is_official_redis(image: str) -> bool:
    """An image of Docker Hub's `redis` repository, whatever its tag, digest or registry prefix."""
    name = image.split("@")[0]
    repository = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
    for prefix in ("docker.io/", "index.docker.io/", "library/"):
        repository = repository[len(prefix):] if repository.startswith(prefix) else repository
    return repository == "redis"


def _is_plain_redis(image: str) -> bool:
    """The official image, or a base resolve_base may give for it (its stand-in, or $REDIS_IMAGE)."""
    base = settings.REDIS_BASE
    return _is_official_redis(image) or image in (base.standin, os.environ.get(base.build_arg))


def _image_start(ex: Exercise, container: dict) -> Tuple[List[str], List[str]]:
    """The image's (ENTRYPOINT, CMD), for the images whose start the check knows."""
    image = container.get("image")
    if not image:
        _fail(ex, "no-image", "the container has no image.")
    if image == settings.REDIS_TINI.tag:
        return COURSE_IMAGE_START
    if isinstance(image, str) and _is_plain_redis(image):
        return PLAIN_REDIS_START
    _fail(ex, "unknown-image", f"the image {image} is neither the course's image nor the official redis image.")


def _started_argv(ex: Exercise, container: dict, image_start: Tuple[List[str], List[str]]) -> List[str]:
    """What the container runs, by Kubernetes' rules: command replaces the image's ENTRYPOINT
    and, when set, drops the image's CMD too; args replace CMD."""
    for field in ("command", "args"):
        value = container.get(field)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            _fail(ex, "command-not-a-list", f"{field} is {value!r}, not a list of strings.")
    command, args = container.get("command") or [], container.get("args") or []
    entrypoint, cmd = image_start
    return command + args if command else entrypoint + (args or cmd)


PUNCTUATION = ";&|()\n"


def _top_level_commands(script: str) -> List[List[str]]:
    """The script's commands outside ( ) subshells, split at ; & | and newlines (shlex joins
    neighbouring punctuation such as `;\n` or `);` into one token: read it a character at a time)."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=PUNCTUATION)
    lexer.whitespace = " \t"
    commands: List[List[str]] = [[]]
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


def _after_shell_exec(argv: List[str]) -> List[str]:
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


def _pid1_is_not_a_reaper(ex: Exercise, container: dict, argv: List[str]) -> NoReturn:
    pid1 = "redis-server" if _starts_redis_server(argv) else os.path.basename(argv[0])
    command = container.get("command")
    cause = (f"command {json.dumps(command)} replaces the image's ENTRYPOINT" if command
             else f"the image {container['image']} starts docker-entrypoint.sh, which execs redis-server")
    _fail(ex, "no-reaper-pid1", f"PID 1 is {pid1} ({cause}), not tini, and the pod does not share its PID namespace.")


def _who_reaps(ex: Exercise, spec: dict, container: dict) -> Tuple[str, str]:
    """Check that the container starts redis and that PID 1 of the pod reaps; return how,
    and a note for the PASS line."""
    image_start = _image_start(ex, container)
    if spec.get("hostPID") is True:
        _fail(ex, "host-pid", "hostPID: true puts the pod in the node's PID namespace.")
    argv = _after_shell_exec(_started_argv(ex, container, image_start))
    program = argv
    if _is_tini(argv[0]):
        if image_start is PLAIN_REDIS_START:
            _fail(ex, "tini-not-in-image", f"the command starts tini, but {container['image']} has no tini.")
        program = _what_tini_runs(ex, argv, "the container's command")
    if _starts_redis_server(program) is False:
        _fail(ex, "redis-not-started", f"the container runs {json.dumps(argv)}, which never starts redis-server.")
    if spec.get("shareProcessNamespace") is True:
        return "the pod's pause container is PID 1", ""
    if not _is_tini(argv[0]):
        _pid1_is_not_a_reaper(ex, container, argv)
    return "tini is PID 1", _redundant_subreaper_note(argv)


def _spec_to_measure(spec: dict) -> dict:
    """The answer as `measure` deploys it. An official redis image becomes the course image
    started the way the official one starts (command docker-entrypoint.sh: redis-server as
    PID 1, tini unused), because the course image is the one every target has: no Docker Hub
    in CI, and only the course images are loaded into a kind or stand-in cluster."""
    measured = copy.deepcopy(spec)
    container = measured["containers"][0]
    if _is_plain_redis(container["image"]):
        print(f"(measuring with {settings.REDIS_TINI.tag} started as {container['image']} starts, "
              "docker-entrypoint.sh as PID 1: every target has that image)")
        container.setdefault("command", ["docker-entrypoint.sh"])
        container["image"], container["imagePullPolicy"] = settings.REDIS_TINI.tag, "IfNotPresent"
    return measured


def check_zombie_fix(answer: str, measure: Optional[Callable[[dict], dict]] = None) -> dict:
    """Check a pod `spec:` for redis with the shell-form probe kept. With ``measure``, also
    deploy it and stall redis: the check passes only if no zombie is left."""
    ex = ZOMBIE_FIX
    spec = _load_yaml(ex, answer_or_solution(ex, answer))
    container = _the_container(ex, spec)
    _expect_shell_form_probe(ex, container)
    how, note = _who_reaps(ex, spec, container)
    if measure is None:
        _passed(ex, f"{how}, so the probe's orphans are reaped{note}")
        return {"how": how}
    measured = measure(_spec_to_measure(spec))
    if measured["timed-out probes"] == 0:
        _fail(ex, "nothing-timed-out", "no probe timed out during the stall, so nothing was tested.")
    if measured["zombies"] != 0:
        _fail(ex, "zombies-measured",
              f"measured {measured['timed-out probes']} timed-out probes and {measured['zombies']} zombies.")
    _passed(ex, f"{how}: measured {measured['timed-out probes']} timed-out probes, 0 zombies{note}")
    return measured


# -- running the answers for real ------------------------------------------------------------

def verify_entrypoint_live(answer: str) -> None:
    """Build images/redis-tini/Dockerfile with your ENTRYPOINT and CMD in place of ours, run it,
    and make orphans: tini must be PID 1 and no zombie may be left. The Dockerfile is
    written to work/02-redis-tini/, so the printed `docker build` is one you can type."""
    from lab.core.settings import ImageSpec
    from lab.core.waiting import wait_until
    from lab.course.checks import expect_pid1, expect_zombies
    from lab.course.redis import make_orphans
    from lab.engine.containers import exec_in, remove, run
    from lab.engine.images import build_image

    text = answer_or_solution(ENTRYPOINT, answer)
    ours = (settings.IMAGES_DIR / "redis-tini" / "Dockerfile").read_text()
    kept = [line for line in ours.splitlines() if not line.startswith(("ENTRYPOINT", "CMD"))]
    context = WORK_DIR / "02-redis-tini"
    context.mkdir(parents=True, exist_ok=True)
    (context / "Dockerfile").write_text("\n".join(kept + text.strip().splitlines()) + "\n")
    image = build_image(ImageSpec("redis-tini-lab/redis:exercise", str(context), settings.REDIS_BASE), quiet=True)
    try:
        container = run("exercise", image)  # no command: your CMD is what starts redis
        wait_until(lambda: exec_in(container, ["redis-cli", "ping"], quiet=True).stdout.strip() == "PONG",
                   timeout=20, what="redis from your image to answer PING", interval=0.2)
        expect_pid1(container, "tini", hint="your ENTRYPOINT must start tini first")
        make_orphans(container, 2)
        expect_zombies(container, 0)
    finally:
        remove("exercise")


# -- lesson 4's answer in k8s/redis.yaml -------------------------------------------------------

def _dump(objects: List[Manifest]) -> str:
    """The manifests as YAML, fields in their original order (comments do not survive)."""
    return yaml.safe_dump_all([m.body for m in objects], sort_keys=False, default_flow_style=False)


def _redis_manifests() -> List[Manifest]:
    return parse(REDIS_MANIFEST.read_text(), "k8s/redis.yaml")


def _redis_container(objects: List[Manifest]) -> dict:
    """The container named redis of the Deployment named redis, or a LabError that says which is missing."""
    deployment = next((m for m in objects if m.kind == "Deployment" and m.name == "redis"), None)
    if deployment is None:
        raise LabError("k8s/redis.yaml has no Deployment named redis to add your probe to. "
                       "Fix: restore it with git checkout k8s/redis.yaml")
    containers = deployment.body.get("spec", {}).get("template", {}).get("spec", {}).get("containers") or []
    container = next((c for c in containers if isinstance(c, dict) and c.get("name") == "redis"), None)
    if container is None:
        raise LabError("k8s/redis.yaml: the Deployment redis has no container named redis to add your probe to. "
                       "Fix: restore it with git checkout k8s/redis.yaml")
    return container


def _answer_probe(answer: str) -> dict:
    """The probe of a `livenessProbe:` answer; a LabError when the answer is not one yet."""
    try:
        block = yaml.safe_load(answer_or_solution(LIVENESS, answer))
    except yaml.YAMLError:
        block = None
    if not (isinstance(block, dict) and isinstance(block.get("livenessProbe"), dict)):
        raise LabError("your answer is not a livenessProbe block yet. Fix: run exercises.check_liveness_probe(answer) "
                       "and follow its hints.")
    return block["livenessProbe"]


def redis_yaml_normalised() -> str:
    """k8s/redis.yaml through the same YAML round trip as redis_yaml_with_probe: the
    `before` of a diff that then shows only the probe."""
    return _dump(_redis_manifests())


def redis_yaml_with_probe(answer: str) -> str:
    """k8s/redis.yaml with your livenessProbe under the redis Deployment's container named
    redis, as YAML (the layout of redis_yaml_normalised)."""
    probe = _answer_probe(answer)
    objects = _redis_manifests()
    _redis_container(objects)["livenessProbe"] = probe
    return _dump(objects)


def _parsed_and_validated(text: str, source: str) -> List[Manifest]:
    objects = parse(text, source)
    for manifest in objects:
        validate(manifest)
    return objects


def redis_with_probe(answer: str) -> List[Manifest]:
    """The manifests of redis_yaml_with_probe, parsed and validated, ready to apply."""
    return _parsed_and_validated(redis_yaml_with_probe(answer), "k8s/redis.yaml with your livenessProbe")


def write_redis_with_probe(answer: str) -> Path:
    """Write redis_yaml_with_probe to work/04-redis.yaml (there to read, and for
    `target.apply([path])`), check it against the Kubernetes schema, and return its path."""
    path = WORK_DIR / "04-redis.yaml"
    text = redis_yaml_with_probe(answer)
    WORK_DIR.mkdir(exist_ok=True)
    path.write_text(text)   # written first, so that a schema error names a file the learner can open
    _parsed_and_validated(text, os.path.relpath(path, settings.REPO_ROOT))
    return path


def summary() -> str:
    """One line per exercise, passed or not yet, and the checks passed per lesson."""
    done = set(progress.passed_keys())
    lines = [f"[{'x' if e.key in done else ' '}] lesson {e.lesson}: {e.title}" for e in ALL]
    lines += [f"lesson {number}: {count} checks passed" for number, count in progress.checks_passed().items()]
    return "\n".join(lines + [f"{len(done & {e.key for e in ALL})} of {len(ALL)} exercises passed"])
