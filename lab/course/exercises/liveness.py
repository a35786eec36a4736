"""Lesson 4's exercise: the livenessProbe for redis. The check reads the answer as YAML and
names the first thing wrong: the key, the handler, a command that goes through a shell
(whose orphans lesson 5 counts), or timings that would restart redis too late.

The lecture's own probe, `/tini -s -- redis-cli ping` (BretFisher/redis-tini), is accepted
as what the lecture teaches: it passes while redis answers. Lesson 5 measures what it
leaves behind when it times out, and says why; lesson 4 does not give that away."""

import os

from lab.core.json_types import KubeDict
from lab.course.exercises.registry import (
    UNKNOWN_FIELD_CONCEPT,
    Exercise,
    Mistake,
    answer_or_solution,
    did_you_mean,
    fail,
    invalid_yaml,
    load_yaml,
    passed,
)
from lab.course.exercises.tini import TINI_OPTIONS_WITH_VALUE, TINI_PATHS, is_tini, tini_options
from lab.course.probe_timing import seconds_to_restart_a_stall

PROBE_FIELDS = [
    "exec",
    "initialDelaySeconds",
    "periodSeconds",
    "timeoutSeconds",
    "failureThreshold",
    "successThreshold",
    "terminationGracePeriodSeconds",
    "httpGet",
    "tcpSocket",
    "grpc",
]
MAX_INITIAL_DELAY = 60  # longer belongs in a startupProbe (lesson 6, section 4)
TIMING_FIELDS = ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# The whole answer, on one line (flow style is YAML too): what hint 3 gives when the block itself is the problem.
PROBE_ANSWER = (
    'livenessProbe: {exec: {command: ["redis-cli", "ping"]}, initialDelaySeconds: 5, '
    "periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3}"
)
PROBE_COMMAND_ANSWER = 'command: ["redis-cli", "ping"]'

LIVENESS_MISTAKES = {
    "no-probe": Mistake(
        "the kubelet runs the probes of the Deployment's pod template: work/k8s/redis.yaml has no livenessProbe "
        "under the redis container yet (or the file is not saved).",
        "add a `livenessProbe:` key to the redis container, at the same indentation as `image:` and `ports:`, "
        "with the probe's fields under it; then save the file.",
        PROBE_ANSWER,
    ),
    "invalid-yaml": invalid_yaml(PROBE_ANSWER),
    "not-one-key": Mistake(
        "the block sits under the redis container in work/k8s/redis.yaml, next to image and ports: "
        "one key, whose value is the probe.",
        "start with 'livenessProbe:' on its own line and indent the probe's fields under it.",
        PROBE_ANSWER,
    ),
    "readiness-probe": Mistake(
        "a failing readiness probe takes the pod out of the Service's endpoints and restarts nothing: with "
        "one redis replica that removes the only endpoint, and nothing repairs redis.",
        "the key must be the probe whose failures restart the container.",
        "rename readinessProbe to livenessProbe.",
    ),
    "not-a-probe-key": Mistake(
        UNKNOWN_FIELD_CONCEPT,
        "the key is the liveness probe's field of a container (kubectl explain pod.spec.containers).",
        "livenessProbe:",
    ),
    "probe-not-a-mapping": Mistake(
        "a probe is a mapping: its handler (exec) and its timings, indented under livenessProbe.",
        "indent 'exec:' under 'livenessProbe:', and 'command:' under 'exec:'.",
        PROBE_ANSWER,
    ),
    "unknown-probe-field": Mistake(
        UNKNOWN_FIELD_CONCEPT,
        "check the name against kubectl explain pod.spec.containers.livenessProbe.",
        "the fields this probe needs: exec, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold.",
    ),
    "not-exec": Mistake(
        "redis speaks neither HTTP nor gRPC, and an open TCP port does not mean redis answers: only a "
        "command that talks to redis tests it.",
        "use the exec handler: exec.command runs inside the container, and exit code 0 means alive.",
        'exec: {command: ["redis-cli", "ping"]}',
    ),
    "command-is-a-string": Mistake(
        "Kubernetes runs exec.command directly, with no shell to split a string into words: it is a "
        "list, one item per argument.",
        "write command as a YAML list: [first, second], or one '- item' per line.",
        PROBE_COMMAND_ANSWER,
    ),
    "no-command": Mistake(
        "the exec handler runs the list under exec.command inside the container: without it there is nothing to run.",
        "put 'command:' under 'exec:', with a list of words.",
        PROBE_COMMAND_ANSWER,
    ),
    "not-all-strings": Mistake(
        "every item of command is a string; YAML reads an unquoted 6379 as a number and true as a boolean.",
        "quote that item.",
        PROBE_COMMAND_ANSWER,
    ),
    "shell-in-probe": Mistake(
        "on a probe timeout, containerd and Docker (>= 20.10.18) SIGKILL the exec'd process only, here the "
        "shell: its redis-cli child is orphaned and keeps waiting for redis, and where PID 1 does not reap "
        "it becomes a zombie (lesson 5).",
        "make redis-cli itself the exec'd process: the first item of command, with no shell around it.",
        PROBE_COMMAND_ANSWER,
    ),
    "tini-in-probe": Mistake(
        "tini in a probe runs the command after its options and '--': the lecture's probe is "
        "/tini -s -- redis-cli ping, tini at /tini as the lecture's image has it.",
        "write tini (on the PATH) or /tini, then -s, then --, then redis-cli ping.",
        'command: ["/tini", "-s", "--", "redis-cli", "ping"] (or ["redis-cli", "ping"])',
    ),
    "tini-not-in-image": Mistake(
        "the kubelet runs the probe's first word inside the container: the file must exist in the image. "
        "Your lesson 2 image has Debian's tini at /usr/bin/tini, on the PATH; /tini is where the lecture's "
        "image (and the course's) has it.",
        "start the probe with tini (found on the PATH), not /tini, or use the course's image.",
        'command: ["tini", "-s", "--", "redis-cli", "ping"]',
    ),
    "other-command": Mistake(
        "a liveness probe asks redis itself whether it answers: PING does only that, and redis-cli's "
        "defaults reach the redis of this very container.",
        "run redis-cli with the ping command.",
        PROBE_COMMAND_ANSWER + ' (or ["redis-cli", "-e", "ping"], which also fails on an error reply)',
    ),
    "bad-number": Mistake(
        "probe timings are whole numbers: seconds (initialDelaySeconds, periodSeconds, timeoutSeconds) or a "
        "count (failureThreshold); all but initialDelaySeconds are at least 1.",
        'write each as a plain whole number, no quotes and no unit: 5, not "5" or 5s.',
        "initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3",
    ),
    "success-threshold": Mistake(
        "for a liveness probe Kubernetes accepts only successThreshold 1: one success after failures means alive.",
        "remove successThreshold, or set it to 1.",
        "successThreshold: 1 (or leave it out)",
    ),
    "slow-start": Mistake(
        "initialDelaySeconds holds the probe off after every start, restarts included: a redis that hangs in "
        "that window is not noticed. A redis that needs long to load its data wants a startupProbe instead "
        "(lesson 6, section 4), which ends as soon as redis answers.",
        f"keep initialDelaySeconds at most {MAX_INITIAL_DELAY} (the lecture uses 30; this empty redis starts in a second).",
        "initialDelaySeconds: 5",
    ),
    "too-slow": Mistake(
        "the restart comes after failureThreshold failed probes in a row, one every periodSeconds: about "
        "periodSeconds x failureThreshold (+ timeoutSeconds) after redis stalls (with a timeout longer than the "
        "period, failureThreshold x timeoutSeconds: the kubelet runs one probe at a time).",
        "lower periodSeconds or failureThreshold so that their product stays under a minute.",
        "periodSeconds: 5, failureThreshold: 3 (a restart about 15 s after a stall)",
    ),
}

LIVENESS = Exercise("04-liveness-probe.yaml", "04", "the livenessProbe for redis", LIVENESS_MISTAKES)


def _ping_options(command: list[str]) -> list[str] | None:
    """redis-cli's options when ``command`` is `redis-cli [options] ping`, else None."""
    if len(command) < 2 or command[0] != "redis-cli" or command[-1].lower() != "ping":
        return None
    return command[1:-1]


def _pings_this_redis(options: list[str]) -> bool:
    """Only options that keep the probe on this container's redis: -e, and -h/-p for the defaults."""
    i = 0
    while i < len(options):
        if options[i] == "-e":
            i += 1
        elif options[i] == "-h" and options[i + 1 : i + 2] and options[i + 1] in LOCAL_HOSTS:
            i += 2
        elif options[i] == "-p" and options[i + 1 : i + 2] == ["6379"]:
            i += 2
        else:
            return False
    return True


def _probe_of(ex: Exercise, block: object) -> KubeDict:
    """The probe under the one key `livenessProbe`, its field names checked."""
    if not isinstance(block, dict) or len(block) != 1:
        fail(ex, "not-one-key", "write one key, livenessProbe, with the probe under it.")
    key, probe = next(iter(block.items()))
    if key == "readinessProbe":
        fail(ex, "readiness-probe", "this is a readiness probe.")
    if key != "livenessProbe":
        fail(
            ex,
            "not-a-probe-key",
            f"'{key}' is not a probe field.{did_you_mean(key, ['livenessProbe', 'readinessProbe'])}",
        )
    if not isinstance(probe, dict):
        fail(ex, "probe-not-a-mapping", "livenessProbe has no fields under it.")
    for field in probe:
        if field not in PROBE_FIELDS:
            fail(ex, "unknown-probe-field", f"'{field}' is not a probe field.{did_you_mean(field, PROBE_FIELDS)}")
    return probe


def _probe_command(ex: Exercise, probe: KubeDict) -> list[str]:
    """exec.command, as a list of strings that runs redis-cli ... ping directly."""
    if "exec" not in probe:
        handler = next((k for k in ("httpGet", "tcpSocket", "grpc") if k in probe), None)
        fail(ex, "not-exec", f"the probe is {handler or 'missing its handler'}, not exec.")
    command = probe["exec"].get("command") if isinstance(probe["exec"], dict) else None
    if isinstance(command, str):
        fail(ex, "command-is-a-string", f"command is the string {command!r}.")
    if not isinstance(command, list) or not command:
        fail(ex, "no-command", "exec needs a command list.")
    not_a_string = next((item for item in command if not isinstance(item, str)), None)
    if not_a_string is not None:
        fail(ex, "not-all-strings", f"command has {not_a_string!r}, which is not a string.")
    if os.path.basename(command[0]) in ("sh", "bash", "dash", "ash"):
        fail(ex, "shell-in-probe", f"the probe runs through a shell ({' '.join(command)}).")
    pinging = _what_tini_runs(ex, command) if is_tini(command[0]) else command
    options = _ping_options(pinging)
    if options is None or not _pings_this_redis(options):
        fail(ex, "other-command", f"the command is {command}.")
    return command


def _what_tini_runs(ex: Exercise, command: list[str]) -> list[str]:
    """The lecture's form, tini [-s] [--] redis-cli ... ping: what tini runs. With '--', the
    words after it (tini_options, as lesson 2 reads an ENTRYPOINT). Without it, tini's getopt
    (glibc's, which permutes) still finds the program, unless one of its arguments looks like
    an option: then tini would read that as its own."""
    options = tini_options(command)
    if options is not None:
        program = command[len(options) + 2 :]
    else:
        i = 1
        while i < len(command) and command[i].startswith("-"):
            i += 2 if command[i] in TINI_OPTIONS_WITH_VALUE else 1
        program = [] if any(word.startswith("-") for word in command[i:]) else command[i:]
    if command[0] not in TINI_PATHS | {"/tini"} or not program:
        fail(ex, "tini-in-probe", f"tini runs {' '.join(command[1:])!r} here ({' '.join(command)}).")
    return program


def _check_timings(ex: Exercise, probe: KubeDict) -> tuple[int, int, int]:
    """periodSeconds, timeoutSeconds, failureThreshold (Kubernetes' defaults where absent)."""
    for field in (f for f in TIMING_FIELDS if f in probe):  # present but null is a mistake too
        value = probe[field]
        lowest = 0 if field == "initialDelaySeconds" else 1
        if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
            fail(ex, "bad-number", f"{field} is {value!r}.")
    if probe.get("successThreshold", 1) != 1:
        fail(ex, "success-threshold", f"successThreshold is {probe['successThreshold']!r}.")
    period, timeout, threshold = (
        probe.get("periodSeconds", 10),
        probe.get("timeoutSeconds", 1),
        probe.get("failureThreshold", 3),
    )
    reaction = seconds_to_restart_a_stall(period, timeout, threshold)
    if reaction > 60:
        fail(ex, "too-slow", f"a stalled redis would be restarted only after about {reaction}s.")
    if probe.get("initialDelaySeconds", 0) > MAX_INITIAL_DELAY:
        fail(
            ex,
            "slow-start",
            f"initialDelaySeconds is {probe['initialDelaySeconds']}: no probe for that long after every start.",
        )
    return period, timeout, threshold


def _initial_delay_note(probe: KubeDict) -> str:
    """Accepted, but said once: a long initialDelaySeconds also holds the probe off after
    every restart (the lecture's 30 s is for a redis that loads data at start)."""
    delay = probe.get("initialDelaySeconds", 0)
    if delay <= 10:
        return ""
    return (
        f". Note: initialDelaySeconds {delay} holds the probe off for {delay}s after every start, restarts "
        "included; this empty redis answers within a second. For a redis that loads data, lesson 6 shows "
        "the startupProbe, which ends as soon as redis answers"
    )


def _why_this_command(command: list[str]) -> str:
    if is_tini(command[0]):
        return (
            "; the lecture's probe (BretFisher/redis-tini): tini starts redis-cli, waits for it, and reaps "
            "what it adopts. It passes while redis answers; lesson 5 times it out and counts what is left"
        )
    if "-e" in (_ping_options(command) or []):
        return (
            "; -e makes redis-cli exit 1 on an error reply (NOAUTH, -LOADING), where plain `redis-cli ping` "
            "exits 0: the probe also fails when redis answers with an error"
        )
    return " (`redis-cli -e ping` would also fail on an error reply such as NOAUTH, where plain ping exits 0)"


def check_liveness_probe(answer: str) -> KubeDict:
    """Check a `livenessProbe:` block for the redis container; return the probe when right."""
    ex = LIVENESS
    probe = _probe_of(ex, load_yaml(ex, answer_or_solution(ex, answer)))
    command = _probe_command(ex, probe)
    period, timeout, threshold = _check_timings(ex, probe)
    passed(
        ex,
        f"exec {command}, every {period}s, timeout {timeout}s, restart after {threshold} failures"
        f"{_why_this_command(command)}{_initial_delay_note(probe)}",
    )
    return probe
