"""Every command the lab prints, checked on the engine that ran it.

The course promises that each `$ ...` line it prints is one a person can type as shown.
With LAB_CHECK_COMMANDS=<file> (the test suite sets it for every notebook run), the lab
checks each distinct command at the moment it prints it, when the cluster or the Docker
Engine is in the state the person would type it in, and appends one JSON line per
command to that file. tests/printed_commands reads the file and fails on any bad line.

How a command is checked, so that checking never changes what the lesson measures:
- read-only commands (kubectl get/describe/logs/wait, docker ps/logs/inspect/stats, curl)
  run for real;
- mutating kubectl commands (apply, create, delete, label, ...) run with --dry-run=server;
- `kubectl exec` / `docker exec` run for real when what they run only reads (redis-cli
  ping, cat); otherwise the same exec runs `command -v <program>`: the pod or container,
  its container and the program must exist, but redis is not paused twice;
- mutating docker commands, and kubectl lines the docker target prints as the Kubernetes
  equivalent of what it does, go through the CLI's own parser: they run against an
  endpoint that refuses connections, and must fail only for that reason (an unknown flag,
  a missing file or a bad argument fails earlier, in the CLI);
- docker commands that name containers (rm, kill, stop, ...) also need those containers to
  exist when printed: typed, they would fail otherwise;
- shell lines (with $(...) or a pipe) are checked for syntax with `bash -n`, and each
  read-only `$(docker ...)` in them runs for real: it must work, and give the command
  around it something to act on (`docker rm $(...)` with nothing to remove fails).
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from typing import List, Optional, Tuple

from lab.core import current_lesson, settings

ENV_VAR = "LAB_CHECK_COMMANDS"
TIMEOUT_SECONDS = 60  # every check is bounded; `kubectl wait` gets its own --timeout on top

KUBECTL_READ_ONLY = {"get", "describe", "logs", "wait", "top", "explain", "api-resources", "version", "auth",
                     "cluster-info"}
KUBECTL_MUTATING = {"apply", "create", "delete", "label", "annotate", "patch", "scale", "replace", "set",
                    "expose", "run", "rollout", "taint", "cordon", "uncordon", "drain"}
DOCKER_READ_ONLY = {"ps", "logs", "inspect", "stats", "images", "version", "info", "top", "history", "events"}
DOCKER_LISTS = {("network", "ls"), ("volume", "ls"), ("container", "ls"), ("image", "ls")}
# Verbs whose arguments are containers, and their options that take a value.
DOCKER_ON_CONTAINERS = {"rm": set(), "kill": {"-s", "--signal"}, "stop": {"-t", "--time"},
                        "restart": {"-t", "--time"}, "start": set(), "pause": set(), "unpause": set()}
# What an exec may run for real while checking: it reads, and it returns at once.
READ_ONLY_REDIS = {"ping", "info", "dbsize", "get", "hlen", "hgetall", "ttl", "type", "exists"}
READ_ONLY_PROGRAMS = {"cat", "ps", "ls", "head", "grep", "true", "hostname", "id"}
# The CLI got past its own parsing and validation and failed only to reach the engine.
UNREACHABLE = ("Cannot connect to the Docker daemon", "connection refused", "Unable to connect to the server",
               "dial tcp", "couldn't get current server API group list")
REFUSING_ENDPOINT = "127.0.0.1:9"  # discard port: nothing listens there on a lab machine


@dataclass
class Engine:
    """What the active target is, so that a kubectl line reaches the cluster the lab uses."""
    name: str = "docker"
    context: Optional[str] = None
    kubeconfig: Optional[str] = None

    @property
    def is_kubernetes(self) -> bool:
        return self.context is not None


_engine = Engine()
_checked: set = set()


def engine_is(name: str, context: Optional[str] = None, kubeconfig: Optional[str] = None) -> None:
    """Called when a target is chosen: later kubectl lines are checked against it."""
    global _engine
    _engine = Engine(name, context, kubeconfig)


def enabled() -> bool:
    return bool(os.environ.get(ENV_VAR))


def check_printed(argv: List[str], shell_line: Optional[str] = None) -> None:
    """Check one printed command once (the same line printed again is not checked again)."""
    key = (_engine.name, shell_line or tuple(argv))
    if key in _checked:
        return
    _checked.add(key)
    started = time.monotonic()
    try:
        if shell_line is not None:
            mode, ok, detail = _check_shell(shell_line)
        else:
            mode, ok, detail = _check_argv(list(argv))
    except Exception as error:  # the checker must never break a lesson: record it as a failure
        mode, ok, detail = "checker error", False, f"{type(error).__name__}: {error}"
    _record({"engine": _engine.name, "lesson": current_lesson.get() or "",
             "command": shell_line or shlex.join(argv), "mode": mode, "ok": ok, "detail": detail[-400:],
             "seconds": round(time.monotonic() - started, 2)})


def _record(line: dict) -> None:
    path = os.environ[ENV_VAR]
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)  # a fresh copy of the course has no artifacts yet
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")


# -- choosing how to check ------------------------------------------------------------------

def _check_argv(argv: List[str]) -> Tuple[str, bool, str]:
    program = argv[0]
    if program == "kubectl":
        return _check_kubectl(argv) if _engine.is_kubernetes else _parse_only(argv)
    if program == "docker":
        return _check_docker(argv)
    if program in ("curl", "sleep"):
        return _run("ran", argv)
    return _check_exists(argv)


GLOBAL_OPTIONS_WITH_VALUE = {"-n", "--namespace", "--context", "--kubeconfig", "-s", "--server", "--cluster",
                             "--user", "-H", "--host", "-c", "--config", "-l", "--log-level"}


def _verb(argv: List[str]) -> str:
    """The first word after the program that is neither an option nor an option's value
    (kubectl -n ns get ... -> get; kubectl --context kind-lab port-forward ... -> port-forward)."""
    words, index = argv[1:], 0
    while index < len(words):
        word = words[index]
        if word in GLOBAL_OPTIONS_WITH_VALUE:
            index += 2
        elif word.startswith("-"):
            index += 1
        else:
            return word
    return ""


def _check_kubectl(argv: List[str]) -> Tuple[str, bool, str]:
    verb = _verb(argv)
    reach = _reach_cluster(argv)
    if verb in KUBECTL_READ_ONLY:
        return _run("ran", reach, extra_timeout=_wait_timeout(argv))
    if verb in KUBECTL_MUTATING:
        return _run("dry-run=server", reach + ["--dry-run=server"])
    if verb == "exec":
        return _check_exec(reach)
    if verb == "port-forward":
        return _check_port_forward(reach)
    if verb == "config":  # it edits the local kubeconfig: check that the context it names is there
        context = next((word for word in argv[argv.index("config") + 2:] if not word.startswith("-")), "")
        return _run("config: the context exists", reach[:reach.index("config")] + ["config", "get-contexts", context])
    return "unknown verb", False, f"the checker does not know kubectl {verb}: add it to lab/core/command_check.py"


def _reach_cluster(argv: List[str]) -> List[str]:
    """The printed command, run against the lab's cluster as the learner's current context."""
    flags = ["--context", _engine.context] + (["--kubeconfig", _engine.kubeconfig] if _engine.kubeconfig else [])
    return [argv[0], *flags, *argv[1:]]


def _wait_timeout(argv: List[str]) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    for word in argv:
        if word.startswith("--timeout="):
            value = word.split("=", 1)[1]
            return float(value[:-1]) * units[value[-1]] if value[-1:] in units else float(value or 0)
    return 0


def _check_docker(argv: List[str]) -> Tuple[str, bool, str]:
    verb = _verb(argv)
    if verb in DOCKER_READ_ONLY or tuple(argv[1:3]) in DOCKER_LISTS:
        return _run("ran", argv)
    if verb == "exec":
        return _check_exec(argv)
    mode, ok, detail = _parse_only(argv)
    if ok and verb in DOCKER_ON_CONTAINERS:
        return _containers_exist(argv, verb)
    return mode, ok, detail


def _containers_exist(argv: List[str], verb: str) -> Tuple[str, bool, str]:
    """`docker rm -f NAME`: typed as printed, it fails unless NAME exists at that moment."""
    words, names = argv[argv.index(verb) + 1:], []
    while words:
        word, words = words[0], words[1:]
        if word in DOCKER_ON_CONTAINERS[verb]:
            words = words[1:]  # the option's value
        elif not word.startswith("-"):
            names.append(word)
    if not names:
        return "parsed; containers exist", False, f"docker {verb} names no container"
    mode, ok, detail = _run("parsed; containers exist", ["docker", "inspect", "--type", "container",
                                                         "--format", "{{.Name}}", *names])
    return mode, ok, detail


def _check_exec(argv: List[str]) -> Tuple[str, bool, str]:
    """Run the exec for real if it only reads; else check that its program is there."""
    split = argv.index("--") + 1 if "--" in argv else _first_command_index(argv)
    command = argv[split:]
    if _reads_only(command):
        mode, ok, detail = _run("ran", argv)
        return mode, ok or _program_ran_and_said_no(argv, detail), detail
    probe = ["sh", "-c", f"command -v {shlex.quote(os.path.basename(command[0]))}"]
    return _run(f"exec checked with command -v {command[0]}", argv[:split] + probe)


def _program_ran_and_said_no(argv: List[str], detail: str) -> bool:
    """`kubectl exec ... -- redis-cli -e ping` exiting 1 while redis loads is the lesson, not a
    typo: the pod, its container and the program were there, and the program answered.
    126 and 127 are the shell's "cannot run" and "not found"."""
    found = re.search(r"command terminated with exit code (\d+)", detail)
    if argv[0] == "kubectl":
        return bool(found) and found.group(1) not in ("126", "127")
    return False  # docker exec: _run has only the exit code, and 125-127 mean the exec itself failed


def _first_command_index(argv: List[str]) -> int:
    """`docker exec [flags] CONTAINER COMMAND...`: the command starts after the container."""
    words = argv[2:]
    flags_with_values = {"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file"}
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in flags_with_values else 1
    return 2 + index + 1


def _reads_only(command: List[str]) -> bool:
    """True only for a program that reads and returns at once; anything else is not run."""
    if not command:
        return False
    program = os.path.basename(command[0])
    if program == "env":  # env [-u NAME] [NAME=value]... PROGRAM ARGS: judge PROGRAM
        rest = command[1:]
        while rest and (rest[0] == "-u" or "=" in rest[0] or rest[0].startswith("-")):
            rest = rest[2:] if rest[0] == "-u" else rest[1:]
        return _reads_only(rest)
    if program == "redis-cli":
        words = [w for w in command[1:] if not w.startswith("-")]
        return bool(words) and words[0].lower() in READ_ONLY_REDIS
    if program == "sh" and command[1:2] == ["-c"] and len(command) > 2:
        simple = not any(sign in command[2] for sign in ";&|<>`$(\n")  # one command, no redirection
        return simple and _reads_only(shlex.split(command[2]))
    return program in READ_ONLY_PROGRAMS


def _check_port_forward(argv: List[str]) -> Tuple[str, bool, str]:
    """Forward for three seconds from a port of the kernel's choosing (the lab holds its own)."""
    argv = [f":{word.split(':', 1)[1]}" if ":" in word and word.split(":")[0].isdigit() else word for word in argv]
    try:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as error:
        return "ran 3 s", False, str(error)
    time.sleep(3)
    process.terminate()
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return "ran 3 s", "Forwarding from" in output, output


def _parse_only(argv: List[str]) -> Tuple[str, bool, str]:
    """Through the CLI's own parser: against an endpoint that refuses, the only error left
    must be the refused connection."""
    env = dict(os.environ, DOCKER_HOST=f"tcp://{REFUSING_ENDPOINT}", KUBECONFIG=os.devnull)
    if argv[0] == "kubectl":
        # a token, so that kubectl does not stop to ask for a user name
        argv = [argv[0], "--server", f"https://{REFUSING_ENDPOINT}", "--token", "parse-only",
                "--request-timeout=5s", *argv[1:]]
    missing = _missing_build_context(argv)
    if missing:
        return "parsed by the CLI", False, f"the build context {missing} does not exist"
    mode, ok, detail = _run("parsed by the CLI", argv, env=env, cwd=settings.REPO_ROOT)
    return mode, ok or any(sign in detail for sign in UNREACHABLE), detail


def _missing_build_context(argv: List[str]) -> Optional[str]:
    """`docker build ... CONTEXT`: the CLI reads the context only once the daemon answers, so
    the parser alone would not notice a path a person cannot use (a temporary directory)."""
    if argv[:2] != ["docker", "build"]:
        return None
    context = argv[-1]
    typeable = not context.startswith(("/", "..")) and (settings.REPO_ROOT / context).is_dir()
    return None if typeable else context


def _check_exists(argv: List[str]) -> Tuple[str, bool, str]:
    """Another program (a script of this repository, kind, python): it must be there to run."""
    path = settings.REPO_ROOT / argv[0]
    found = shutil.which(argv[0]) or (path.is_file() and os.access(path, os.X_OK))
    return "program exists", bool(found), "" if found else f"{argv[0]}: not found"


def _check_shell(line: str) -> Tuple[str, bool, str]:
    mode, ok, detail = _run("shell syntax (bash -n)", ["bash", "-n", "-c", line])
    if not ok:
        return mode, ok, detail
    for inner in re.findall(r"\$\(([^()]*)\)", line):
        argv = shlex.split(inner)
        if argv[:1] != ["docker"] or not (_verb(argv) in DOCKER_READ_ONLY or tuple(argv[1:3]) in DOCKER_LISTS):
            continue
        mode, ok, detail = _run("bash -n; $(docker ...) ran", argv)
        if not ok:
            return mode, ok, detail
        if not detail and line.strip().endswith(f"$({inner})"):
            return mode, False, f"$({inner}) is empty here, so the command before it has nothing to act on"
    return mode, ok, detail


def _run(mode: str, argv: List[str], *, extra_timeout: float = 0, env=None, cwd=None) -> Tuple[str, bool, str]:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT_SECONDS + extra_timeout,
                                env=env, cwd=cwd or settings.REPO_ROOT)
    except subprocess.TimeoutExpired:
        return mode, False, f"no answer within {TIMEOUT_SECONDS + extra_timeout:g}s"
    except OSError as error:
        return mode, False, str(error)
    return mode, result.returncode == 0, (result.stdout + result.stderr).strip()
