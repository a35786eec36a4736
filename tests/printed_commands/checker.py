"""Every command the lab prints, checked on the engine that ran it.

The course promises that each `$ ...` line it prints is one a person can type as shown.
With LAB_CHECK_COMMANDS=<file> (the test suite sets it for every notebook run), each
notebook's kernel installs this checker as the lab's console listener (ipython_startup.py,
through IPYTHONDIR), which checks each distinct command at the moment the lab prints it,
when the cluster or the Docker Engine is in the state the person would type it in, and
appends one JSON line per command to that file. test_printed_commands.py reads the file
and fails on any bad line. Test machinery: it lives here, not in lab/.

How a command is checked, so that checking never changes what the lesson measures:
- read-only commands (kubectl get/describe/logs/wait, docker ps/logs/inspect/stats, curl)
  run for real;
- mutating kubectl commands (apply, create, delete, label, ...) run with --dry-run=server;
- `kubectl exec` / `docker exec` run for real when what they run only reads (redis-cli
  ping, cat); otherwise the same exec runs `command -v <program>`: the pod or container,
  its container and the program must exist, but redis is not paused twice;
- mutating docker commands go through the CLI's own parser: they run against an endpoint
  that refuses connections, and must fail only for that reason (an unknown flag, a missing
  file or a bad argument fails earlier, in the CLI);
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
from pathlib import Path

from lab.core import current_lesson, settings
from lab.core.json_types import JsonObject
from lab.core.waiting import ticks
from tests.printed_commands import command_words

ENV_VAR = "LAB_CHECK_COMMANDS"
TIMEOUT_SECONDS = 60  # every check is bounded; `kubectl wait` gets its own --timeout on top

# The docker CLI got past its own parsing and validation and failed only to reach the engine.
UNREACHABLE = ("Cannot connect to the Docker daemon", "connection refused", "dial tcp")
REFUSING_ENDPOINT = "127.0.0.1:9"  # discard port: nothing listens there on a lab machine
# A kubectl line printed before lab.target() chose a cluster has no cluster to be checked on.
NO_CLUSTER_YET = ("no cluster chosen", False, "printed before lab.target() chose a Kubernetes cluster to check it on")


@dataclass
class Engine:
    """Where the lesson runs: Docker Engine (lessons 0 to 2) until a Kubernetes target is
    chosen, then its cluster, so that a kubectl line reaches the cluster the lab uses."""

    name: str = "docker"
    context: str | None = None
    kubeconfig: str | None = None

    @property
    def is_kubernetes(self) -> bool:
        return self.context is not None


_engine = Engine()
_checked: set[tuple[str, object]] = set()  # (engine, line or argv): checked once


class Listener:
    """What the lab's console tells this checker (lab.core.console.listen)."""

    def command_printed(self, argv: list[str], shell_line: str | None) -> None:
        check_printed(argv, shell_line)

    def kubernetes_chosen(self, name: str, context: str, kubeconfig: str | None) -> None:
        """Later kubectl lines are checked against the cluster the lab now uses."""
        global _engine
        _engine = Engine(name, context, kubeconfig)


def install() -> None:
    """Check every command the lab prints from now on, in this process (a kernel)."""
    from lab.core import console

    console.listen(Listener())


def log_path() -> str:
    return os.environ.get(ENV_VAR, "")


def check_printed(argv: list[str], shell_line: str | None = None) -> None:
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
    _record(
        {
            "engine": _engine.name,
            "lesson": current_lesson.get() or "",
            "command": shell_line or shlex.join(argv),
            "mode": mode,
            "ok": ok,
            "detail": detail[-400:],
            "seconds": round(time.monotonic() - started, 2),
        }
    )


def _record(line: JsonObject) -> None:
    path = log_path()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)  # a fresh copy of the course has no artifacts yet
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")


# -- choosing how to check ------------------------------------------------------------------


def _check_argv(argv: list[str]) -> tuple[str, bool, str]:
    program = argv[0]
    if program == "kubectl":
        return _check_kubectl(argv) if _engine.is_kubernetes else NO_CLUSTER_YET
    if program == "docker":
        return _check_docker(argv)
    if program in ("curl", "sleep"):
        return _run("ran", argv)
    return _check_exists(argv)


def _check_kubectl(argv: list[str]) -> tuple[str, bool, str]:
    verb = command_words.verb(argv)
    reach = _reach_cluster(argv)
    if verb in command_words.KUBECTL_READ_ONLY:
        return _run("ran", reach, extra_timeout=command_words.wait_timeout(argv))
    if verb in command_words.KUBECTL_MUTATING:
        return _run("dry-run=server", reach + ["--dry-run=server"])
    if verb == "exec":
        return _check_exec(reach)
    if verb == "port-forward":
        return _check_port_forward(reach)
    if verb == "config":  # it edits the local kubeconfig: check that the context it names is there
        context = next((word for word in argv[argv.index("config") + 2 :] if not word.startswith("-")), "")
        return _run("config: the context exists", reach[: reach.index("config")] + ["config", "get-contexts", context])
    return (
        "unknown verb",
        False,
        f"the checker does not know kubectl {verb}: add it to tests/printed_commands/command_words.py",
    )


def _reach_cluster(argv: list[str]) -> list[str]:
    """The printed command, run against the lab's cluster as the learner's current context."""
    flags = ["--context", _engine.context or ""] + (["--kubeconfig", _engine.kubeconfig] if _engine.kubeconfig else [])
    return [argv[0], *flags, *argv[1:]]


def _check_docker(argv: list[str]) -> tuple[str, bool, str]:
    verb = command_words.verb(argv)
    if command_words.reads_docker_state(argv):
        return _run("ran", argv)
    if verb == "exec":
        return _check_exec(argv)
    mode, ok, detail = _parse_only(argv)
    if ok and verb in command_words.DOCKER_ON_CONTAINERS:
        return _containers_exist(argv, verb)
    return mode, ok, detail


def _containers_exist(argv: list[str], verb: str) -> tuple[str, bool, str]:
    """`docker rm -f NAME`: typed as printed, it fails unless NAME exists at that moment."""
    names = command_words.container_names(argv, verb)
    if not names:
        return "parsed; containers exist", False, f"docker {verb} names no container"
    mode, ok, detail = _run(
        "parsed; containers exist", ["docker", "inspect", "--type", "container", "--format", "{{.Name}}", *names]
    )
    return mode, ok, detail


# The exec could not run yet: the runtime could not start a process in the container (in
# lesson 5 that is the lesson itself: zombies have taken the pod's PIDs), or the kubelet is
# restarting the container (the restart that follows). Typed a moment later, the same exec
# works, so the check tries again every NOT_YET_RETRY_SECONDS, for at most NOT_YET_SECONDS.
NOT_YET = (
    "unable to start container process",
    "read init-p",
    "Resource temporarily unavailable",
    "container not found",
    "is not running",
)
NOT_YET_RETRY_SECONDS = 5
NOT_YET_SECONDS = 90


def _check_exec(argv: list[str]) -> tuple[str, bool, str]:
    """Run the exec for real if it only reads; else check that its program is there."""
    split = argv.index("--") + 1 if "--" in argv else command_words.first_command_index(argv)
    command = argv[split:]
    if command_words.reads_only(command):
        mode, ok, detail = _run_exec("ran", argv)
        return mode, ok or _program_ran_and_said_no(argv, detail), detail
    probe = ["sh", "-c", f"command -v {shlex.quote(os.path.basename(command[0]))}"]
    return _run_exec(f"exec checked with command -v {command[0]}", argv[:split] + probe)


def _run_exec(mode: str, argv: list[str]) -> tuple[str, bool, str]:
    ok, detail, first_detail, tries = False, "", "", 0
    for _ in ticks(NOT_YET_SECONDS, interval=NOT_YET_RETRY_SECONDS):
        _, ok, detail = _run(mode, argv)
        tries += 1
        first_detail = first_detail or detail
        if ok or not any(sign in detail for sign in NOT_YET):
            break
    if tries == 1:
        return mode, ok, detail
    return (
        f"{mode}; {tries} tries in at most {NOT_YET_SECONDS} s (not running at first: {first_detail[-80:]})",
        ok,
        detail,
    )


def _program_ran_and_said_no(argv: list[str], detail: str) -> bool:
    """`kubectl exec ... -- redis-cli -e ping` exiting 1 while redis loads is the lesson, not a
    typo: the pod, its container and the program were there, and the program answered.
    126 and 127 are the shell's "cannot run" and "not found"."""
    found = re.search(r"command terminated with exit code (\d+)", detail)
    if argv[0] == "kubectl":
        return found is not None and found.group(1) not in ("126", "127")
    return False  # docker exec: _run has only the exit code, and 125-127 mean the exec itself failed


def _check_port_forward(argv: list[str]) -> tuple[str, bool, str]:
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


def _parse_only(argv: list[str]) -> tuple[str, bool, str]:
    """Through the docker CLI's own parser: against an endpoint that refuses, the only error
    left must be the refused connection."""
    env = dict(os.environ, DOCKER_HOST=f"tcp://{REFUSING_ENDPOINT}")
    missing = _missing_build_context(argv)
    if missing:
        return "parsed by the CLI", False, f"the build context {missing} does not exist"
    mode, ok, detail = _run("parsed by the CLI", argv, env=env, cwd=settings.REPO_ROOT)
    return mode, ok or any(sign in detail for sign in UNREACHABLE), detail


def _missing_build_context(argv: list[str]) -> str | None:
    """`docker build ... CONTEXT`: the CLI reads the context only once the daemon answers, so
    the parser alone would not notice a path a person cannot use (a temporary directory)."""
    if argv[:2] != ["docker", "build"]:
        return None
    context = argv[-1]
    typeable = not context.startswith(("/", "..")) and (settings.REPO_ROOT / context).is_dir()
    return None if typeable else context


def _check_exists(argv: list[str]) -> tuple[str, bool, str]:
    """Another program (a script of this repository, kind, python): it must be there to run."""
    path = settings.REPO_ROOT / argv[0]
    found = shutil.which(argv[0]) or (path.is_file() and os.access(path, os.X_OK))
    return "program exists", bool(found), "" if found else f"{argv[0]}: not found"


def _check_shell(line: str) -> tuple[str, bool, str]:
    mode, ok, detail = _run("shell syntax (bash -n)", ["bash", "-n", "-c", line])
    if not ok:
        return mode, ok, detail
    for inner in re.findall(r"\$\(([^()]*)\)", line):
        argv = shlex.split(inner)
        if not command_words.reads_docker_state(argv):
            continue
        mode, ok, detail = _run("bash -n; $(docker ...) ran", argv)
        if not ok:
            return mode, ok, detail
        if not detail and line.strip().endswith(f"$({inner})"):
            return mode, False, f"$({inner}) is empty here, so the command before it has nothing to act on"
    return mode, ok, detail


def _run(
    mode: str, argv: list[str], *, extra_timeout: float = 0, env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[str, bool, str]:
    try:
        result = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=TIMEOUT_SECONDS + extra_timeout,
            env=env,
            cwd=cwd or settings.REPO_ROOT,
        )
    except subprocess.TimeoutExpired:
        return mode, False, f"no answer within {TIMEOUT_SECONDS + extra_timeout:g}s"
    except OSError as error:
        return mode, False, str(error)
    return mode, result.returncode == 0, (result.stdout + result.stderr).strip()
