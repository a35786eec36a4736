"""`kubectl exec` and `kubectl logs`: a command in a pod over the exec websocket, bounded and killable."""

import shlex
import time
from collections.abc import Sequence
from typing import Any

import yaml

from lab.core.console import show_command
from lab.core.errors import LabError
from lab.engine.exec_result import ExecResult, kill_command, split_pid, timed_out, wrapped
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import KubeObject, kube_call, kube_errors
from lab.targets.kubernetes.namespaces import namespace
from lab.targets.kubernetes.pods import running_pod

Streamed = tuple[int | None, str, str, bool]  # exit code (None if timed out), stdout, stderr, timed out


def _exit_code(session: KubeObject) -> int:
    """The exec's exit code from its status channel: Success, or a cause of reason ExitCode."""
    from kubernetes.stream.ws_client import ERROR_CHANNEL

    raw = session.read_channel(ERROR_CHANNEL)
    status = yaml.safe_load(raw) if raw else None
    if not status:
        raise LabError("the exec ended without a status (did the container restart meanwhile?). Fix: re-run the cell.")
    if status.get("status") == "Success":
        return 0
    for cause in (status.get("details") or {}).get("causes") or []:
        if cause.get("reason") == "ExitCode":
            return int(cause["message"])
    raise LabError(f"the exec failed: {' '.join(str(status.get('message', status)).split())[:200]}")


@kube_call("exec in the pod")
def exec_in(
    apis: Apis, deployment: str, command: str | Sequence[str], *, timeout: float = 10, quiet: bool = False
) -> ExecResult:
    """`kubectl exec deploy/NAME -- COMMAND`: exit code and output, bounded by ``timeout``;
    a command that overruns is SIGKILLed (ExecTimedOut says whether that worked)."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)  # as a shell would split it
    if not quiet:
        show_command("kubectl", "exec", "-n", namespace(), f"deploy/{deployment}", "--", *argv)
    pod = running_pod(apis, deployment).metadata.name
    exit_code, stdout, stderr, ran_out = stream_exec(apis, pod, wrapped(argv), timeout)
    pid, stderr = split_pid(stderr)
    if ran_out:
        killed = pid is not None and _kill(apis, pod, pid)
        raise timed_out(argv, f"deploy/{deployment}", timeout, killed)
    assert exit_code is not None  # a stream that closed in time has its exit code (or _exit_code raised)
    return ExecResult(exit_code, stdout, stderr)


def stream_exec(apis: Apis, pod: str, argv: list[str], timeout: float) -> Streamed:
    """Run ``argv`` over the exec websocket; (exit code, stdout, stderr, timed out)."""
    from kubernetes.stream import stream

    session = stream(
        apis.core().connect_get_namespaced_pod_exec,
        pod,
        namespace(),
        command=argv,
        stderr=True,
        stdin=False,
        stdout=True,
        tty=False,
        _preload_content=False,
    )
    stdout: list[str] = []
    stderr: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while session.is_open() and time.monotonic() < deadline:
            session.update(timeout=0.2)
            stdout.append(session.read_stdout() if session.peek_stdout() else "")
            stderr.append(session.read_stderr() if session.peek_stderr() else "")
        if session.is_open():
            return None, "".join(stdout), "".join(stderr), True
        stdout.append(session.read_stdout() if session.peek_stdout() else "")  # what came with the close
        stderr.append(session.read_stderr() if session.peek_stderr() else "")
        return _exit_code(session), "".join(stdout), "".join(stderr), False
    finally:
        _close(session)


def _close(session: Any) -> None:
    """Close the websocket; a close that fails (the socket broken by an interrupt, say) must
    not replace what is on its way out, the result or the KeyboardInterrupt."""
    from websocket import WebSocketException

    try:
        session.close()
    except (WebSocketException, OSError):
        pass


def _kill(apis: Apis, pod: str, pid: str) -> bool:
    """SIGKILL one process of the container, with the shell's own kill (no procps needed)."""
    try:
        with kube_errors("killing the exec"):
            code, _, _, ran_out = stream_exec(apis, pod, kill_command(pid), 5)
    except LabError:
        return False
    return not ran_out and code == 0


@kube_call("reading logs")
def logs(apis: Apis, deployment: str, *, tail: int | str = "all") -> str:
    show_command(
        "kubectl", "logs", "-n", namespace(), f"deploy/{deployment}", *([f"--tail={tail}"] if tail != "all" else [])
    )
    kwargs = {} if tail == "all" else {"tail_lines": int(tail)}
    log: str = apis.core().read_namespaced_pod_log(running_pod(apis, deployment).metadata.name, namespace(), **kwargs)
    return log


def pids_in_use(apis: Apis, deployment: str) -> int | None:
    """The PIDs of a one-container pod (as every pod of the course): pids.current of the
    container's cgroup (cgroup v1 or v2), read by one exec'd `head`. That count includes
    `head` itself; the pod's cgroup also holds the sandbox's pause process, which the
    container's does not: the two cancel out."""
    try:
        result = exec_in(
            apis,
            deployment,
            ["head", "-q", "/sys/fs/cgroup/pids/pids.current", "/sys/fs/cgroup/pids.current"],
            timeout=5,
            quiet=True,
        )
    except LabError:
        return None  # e.g. no PID left for the reader itself
    numbers = [int(line) for line in result.stdout.split() if line.isdigit()]
    return numbers[0] if numbers else None
