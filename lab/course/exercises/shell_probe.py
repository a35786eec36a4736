"""Lesson 5's second exercise, the fix the matrix does not show: keep a shell in the probe
and redis-server as PID 1 (no reaper anywhere), and still leave no zombie. The answer is
the probe's `command:`. The check reads it, then deploys redis with it and stalls redis;
it passes only on a measured 0 with the probe failing during the stall.

Two kinds of answer work, for two reasons the pass line gives: the shell replaces itself
with redis-cli (`exec`, or a shell such as bash that does it for a lone command), so the
process the runtime kills is redis-cli itself; or redis-cli's own wait is bounded below
the probe's timeout (`timeout 0.5 redis-cli ping`), so nothing is left for the runtime
to kill."""

import os
from collections.abc import Callable

from lab.core.json_types import Row
from lab.course.exercises.registry import (
    UNKNOWN_FIELD_CONCEPT,
    Exercise,
    Mistake,
    answer_or_solution,
    fail,
    fail_if_zombies_measured,
    invalid_yaml,
    load_yaml,
    passed,
)

SHELLS = ("sh", "bash", "dash")
ANSWER = 'command: ["sh", "-c", "exec redis-cli ping"]'

SHELL_PROBE_MISTAKES = {
    "invalid-yaml": invalid_yaml(ANSWER),
    "not-one-key": Mistake(
        UNKNOWN_FIELD_CONCEPT, "write one key, command, the probe's exec.command, with its list.", ANSWER
    ),
    "not-a-list": Mistake(
        "exec.command is a list of strings, run without a shell to split it: here its three words are the "
        "shell, -c, and the script.",
        'write [sh, -c, "the script"] with the script quoted as one item.',
        ANSWER,
    ),
    "shell-removed": Mistake(
        "the exercise keeps the shell on purpose (a team that reads a password file in the probe needs one): "
        "the exec form without it is the matrix's answer.",
        "keep sh (or bash) and -c as the first two items; change only the script, the third.",
        ANSWER,
    ),
    "no-ping": Mistake(
        "a liveness probe must still ask redis whether it answers: without redis-cli ping it tests nothing.",
        "keep redis-cli ping in the script.",
        ANSWER,
    ),
    "nothing-failed": Mistake(
        "while redis was paused the probe kept passing, so it would not notice a stalled redis at all.",
        "let the script's exit code be redis-cli's: no '|| true', no '&' that returns at once.",
        ANSWER,
    ),
    "zombies-measured": Mistake(
        "on a timeout the runtime SIGKILLs the process it exec'd, here the shell; whatever the shell started "
        "is orphaned to PID 1, redis-server, which never reaps it.",
        "make the process the runtime kills be redis-cli itself (a shell builtin replaces the shell with it), "
        "or have redis-cli give up before timeoutSeconds (coreutils has a command for that).",
        ANSWER + ' (or ["sh", "-c", "timeout 0.5 redis-cli ping"])',
    ),
}
SHELL_PROBE = Exercise(
    "05-shell-probe.yaml", "05", "a shell probe that leaves no zombie under redis-server", SHELL_PROBE_MISTAKES
)


def _command_of(answer: str) -> list[str]:
    ex = SHELL_PROBE
    block = load_yaml(ex, answer_or_solution(ex, answer))
    if not isinstance(block, dict) or list(block) != ["command"]:
        fail(ex, "not-one-key", "write one key, command:, and its list.")
    command = block["command"]
    if not isinstance(command, list) or not all(isinstance(word, str) for word in command):
        fail(ex, "not-a-list", f"command is {command!r}.")
    if len(command) != 3 or os.path.basename(command[0]) not in SHELLS or command[1] != "-c":
        fail(ex, "shell-removed", f"the probe is {command}, not [sh, -c, SCRIPT].")
    if "redis-cli" not in command[2] or "ping" not in command[2].lower():
        fail(ex, "no-ping", f"the script {command[2]!r} does not run redis-cli ping.")
    return command


def _why(command: list[str]) -> str:
    script = command[2].strip()
    if script.startswith("exec "):
        return (
            "exec replaces the shell with redis-cli (same PID): the runtime's SIGKILL hits redis-cli itself, "
            "and the shim, its parent, reaps it"
        )
    if "timeout" in script:
        return (
            "redis-cli is killed and reaped inside the probe before timeoutSeconds: the probe fails on its own, "
            "and the runtime has nothing to kill"
        )
    if os.path.basename(command[0]) == "bash":
        return (
            "bash execs a lone simple command itself (dash, Debian's sh, forks): the runtime's SIGKILL hits "
            "redis-cli, and the shim reaps it"
        )
    return "measured: the process the runtime killed left no child behind"


def check_shell_probe(answer: str, measure: Callable[[list[str]], Row] | None = None) -> list[str]:
    """Check the probe's command; with ``measure``, deploy redis with it as a liveness probe
    (redis-server as PID 1), stall it, and pass only on 0 zombies with the probe failing."""
    ex = SHELL_PROBE
    command = _command_of(answer)
    if measure is None:
        passed(ex, f"{command} keeps the shell and asks redis; run with measure= to prove it leaks nothing")
        return command
    measured = measure(command)
    if measured["timed_out_probes"] == 0:
        fail(ex, "nothing-failed", "no probe failed during the 5 s stall.")
    fail_if_zombies_measured(ex, measured, "failed probes", str(measured["zombie_commands"]))
    passed(ex, f"{measured['timed_out_probes']} failed probes, 0 zombies, redis-server still PID 1: {_why(command)}")
    return command
