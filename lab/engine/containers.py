"""Run, exec, read logs, signal and stop containers, the way a person would with `docker`.

Every function prints the docker command it stands for. Every container gets the
lab's label and a pids limit. ``run`` is idempotent: a second call replaces the
container the first one made; it never touches a container the lab did not label.
"""

import shlex
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import docker.errors
from docker.models.containers import Container

from lab.core import settings
from lab.core.console import show_command
from lab.core.errors import LabError, LabTimeout
from lab.core.json_types import JsonObject
from lab.core.waiting import wait_until
from lab.engine.docker_client import client, docker_errors
from lab.engine.exec_result import PID_GRACE_SECONDS, ExecResult, kill_command, split_pid, timed_out, wrapped

ContainerRef: TypeAlias = str | Container  # docker has no types: TypeAlias tells mypy


def run(
    short_name: str,
    image: str,
    command: Sequence[str] | None = None,
    *,
    entrypoint: Sequence[str] | None = None,
    init: bool = False,
    pids_limit: int = settings.DEFAULT_PIDS_LIMIT,
    ports: dict[int, int] | None = None,
    environment: dict[str, str] | None = None,
    network: str | None = None,
    aliases: Sequence[str] = (),
    healthcheck: JsonObject | None = None,
    extra_labels: dict[str, str] | None = None,
    pid_mode: str | None = None,
    memory_limit: int | None = None,
    quiet: bool = False,
) -> Container:
    """``docker run -d`` a fresh container named ``<prefix>-<short_name>``.

    ``ports`` maps container port to host port, always published on 127.0.0.1.
    ``network`` and ``aliases``: a user-defined network where the aliases resolve to it.
    ``healthcheck``: Docker's healthcheck dict (exec form: ``["CMD", ...]``).
    ``pid_mode``: ``container:<name>`` joins that container's PID namespace.
    """
    name = settings.container_name(short_name)
    ports = ports or {}
    replacing = _ours_to_replace(name)
    if not quiet:
        if replacing:  # as typed: `docker run --name` refuses a name in use
            show_command("docker", "rm", "-f", name)
        show_command(
            *_run_argv(
                name,
                image,
                command,
                entrypoint,
                init,
                pids_limit,
                ports,
                environment,
                network,
                aliases,
                pid_mode,
                memory_limit,
            )
        )
        if healthcheck:
            print(
                f"  healthcheck, the probe's command as is (no shell added): {healthcheck['test'][1:]} every "
                f"{healthcheck['interval'] // 10**9}s, timeout {healthcheck['timeout'] // 10**9}s, "
                f"{healthcheck['retries']} retries"
            )
    _ensure_image(image)
    if replacing:
        with docker_errors(f"replacing {name}"):
            replacing.remove(force=True)
    with docker_errors(f"starting {name}"):
        endpoints = {network: client().api.create_endpoint_config(aliases=list(aliases))} if network else None
        container = client().containers.run(
            image,
            command=list(command) if command else None,
            name=name,
            detach=True,
            entrypoint=list(entrypoint) if entrypoint else None,
            init=init,
            pids_limit=pids_limit,
            labels={**settings.labels(), **(extra_labels or {})},
            environment=environment,
            network=network,
            networking_config=endpoints,
            healthcheck=healthcheck,
            pid_mode=pid_mode,
            mem_limit=memory_limit,
            ports={f"{port}/tcp": ("127.0.0.1", host) for port, host in ports.items()},
        )
    _wait_running(container)
    return container


def _run_argv(
    name: str,
    image: str,
    command: Sequence[str] | None,
    entrypoint: Sequence[str] | None,
    init: bool,
    pids_limit: int,
    ports: dict[int, int],
    environment: dict[str, str] | None,
    network: str | None = None,
    aliases: Sequence[str] = (),
    pid_mode: str | None = None,
    memory_limit: int | None = None,
) -> list[str]:
    argv = [
        "docker",
        "run",
        "-d",
        "--name",
        name,
        "--label",
        f"{settings.LABEL}={settings.prefix()}",
        "--pids-limit",
        str(pids_limit),
    ]
    if memory_limit:
        argv += ["--memory", str(memory_limit)]  # bytes, as resources.limits.memory said
    if init:
        argv.append("--init")
    if pid_mode:
        argv += ["--pid", pid_mode]
    if network:
        argv += ["--network", network]
    for alias in aliases:
        argv += ["--network-alias", alias]
    for port, host in ports.items():
        argv += ["-p", f"127.0.0.1:{host}:{port}"]
    for key, value in (environment or {}).items():
        argv += ["-e", f"{key}={value}"]
    if entrypoint:
        argv += ["--entrypoint", entrypoint[0]]
    argv.append(image)
    argv += list(entrypoint[1:]) if entrypoint else []
    argv += list(command or [])
    return argv


def _ensure_image(image: str) -> None:
    """Use the local image, or pull it once; a tag that exists nowhere is a one-line error."""
    with docker_errors(f"looking up image {image}"):
        try:
            client().images.get(image)
            return
        except docker.errors.ImageNotFound:
            pass
    show_command("docker", "pull", image)
    with docker_errors(f"pulling {image}"):
        try:
            client().images.pull(image)
        except (docker.errors.APIError, docker.errors.DockerException) as error:
            raise LabError(
                f"image {image} is not on this machine and could not be pulled "
                f"({' '.join(str(getattr(error, 'explanation', error)).split())[:120]}). Fix: check the tag; "
                "the lab's own images are built by notebook 00 or 'python -m lab build'."
            ) from None


def _ours_to_replace(name: str) -> Container | None:
    """The container the lab made under this name, to replace; refuse to touch anyone else's."""
    existing = _find(name)
    if existing is None:
        return None
    owner = existing.labels.get(settings.LABEL)
    if owner != settings.prefix():
        whose = f"participant {owner!r}" if owner else "something other than this lab"
        raise LabError(
            f"a container named {name} already exists and belongs to {whose}; the lab will not touch it. "
            f"Fix: remove or rename it yourself ('docker rm -f {name}'), or set another LAB_PREFIX."
        )
    return existing


def _wait_running(container: Container, timeout: float = 30) -> None:
    def started() -> bool:
        with docker_errors(f"inspecting {container.name}"):
            container.reload()
        status: str = container.status
        if status in ("exited", "dead"):
            code = container.attrs["State"]["ExitCode"]
            with docker_errors(f"reading logs of {container.name}"):
                tail = container.logs(tail=5).decode(errors="replace").strip()
            raise LabError(
                f"{container.name} exited with code {code} right after starting. Its last log lines:\n{tail}"
            )
        return status == "running"

    wait_until(started, timeout=timeout, what=f"{container.name} to be running")


def get(ref: ContainerRef) -> Container:
    """The lab's container for a short name (``redis``), its full name (``lab-redis``), or a
    Container. Only containers that carry this participant's label are ever returned."""
    if isinstance(ref, Container):
        return ref
    names = [settings.container_name(ref)] + ([ref] if ref.startswith(settings.prefix() + "-") else [])
    for name in names:
        container = _find(name)
        if container is not None and container.labels.get(settings.LABEL) == settings.prefix():
            return container
    raise LabError(
        f"there is no container {settings.container_name(ref)} made by this lab. "
        "Fix: run the cell that starts it first."
    )


def named(name: str) -> Container:
    """A container the learner started by hand with the lab's label (`docker run --name
    lab-my-redis --label io.redis-tini-lab.participant=lab ...`, as lesson 2 types it),
    found by the exact name typed, whichever participant runs the lesson."""
    container = _find(name)
    if container is None or settings.LABEL not in container.labels:
        raise LabError(
            f"there is no container {name} with the lab's label. Fix: run the docker run cell above "
            "(it names and labels it)."
        )
    return container


def _find(name: str) -> Container | None:
    with docker_errors(f"looking up {name}"):
        try:
            return client().containers.get(name)
        except docker.errors.NotFound:
            return None


def exec_in(ref: ContainerRef, command: str | Sequence[str], *, timeout: float = 10, quiet: bool = False) -> ExecResult:
    """``docker exec``: run ``command`` (no shell unless you ask for one), bounded by ``timeout``.

    On timeout the exec'd process is SIGKILLed inside its container, as containerd and Docker
    do to a probe that overruns timeoutSeconds: only that process, not its children.
    """
    container = get(ref)
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not quiet:
        show_command("docker", "exec", container.name, *argv)
    with docker_errors(f"exec in {container.name}"):
        exec_id, output = _run_exec(container, wrapped(argv), timeout)
        pid, stderr = split_pid(output.stderr)
        if output.running:
            killed = pid is not None and _kill_in_container(container, pid)
            raise timed_out(argv, container.name, timeout, killed)
        exit_code = client().api.exec_inspect(exec_id)["ExitCode"]
    return ExecResult(exit_code, output.stdout, stderr)


@dataclass
class _ExecOutput:
    """What an exec printed (decoded once, whole), and whether it was still running."""

    stdout: str
    stderr: str
    running: bool


def _run_exec(container: Container, argv: list[str], timeout: float) -> tuple[str, _ExecOutput]:
    """Start ``argv`` and read its output for at most ``timeout`` seconds, in a daemon thread
    (a stuck exec never blocks later ones). Still running then: wait a little longer (at most
    PID_GRACE_SECONDS) for the wrapper's PID line, so that the caller can kill it."""
    api = client().api
    exec_id: str = api.exec_create(container.id, argv)["Id"]
    out, err = bytearray(), bytearray()
    failure: list[BaseException] = []

    def read() -> None:
        try:
            for out_chunk, err_chunk in api.exec_start(exec_id, stream=True, demux=True):
                out.extend(out_chunk or b"")
                err.extend(err_chunk or b"")
        except Exception as error:  # handed to the caller below
            failure.append(error)

    reader = threading.Thread(target=read, name="lab-exec", daemon=True)
    reader.start()
    reader.join(timeout)
    grace = time.monotonic() + PID_GRACE_SECONDS
    while reader.is_alive() and b"\n" not in err and time.monotonic() < grace:
        reader.join(0.1)
    if failure:
        raise failure[0]
    running = reader.is_alive()  # decided before the output is read: a reader that ended has all of it
    return exec_id, _ExecOutput(bytes(out).decode(errors="replace"), bytes(err).decode(errors="replace"), running)


def _kill_in_container(container: Container, pid: str) -> bool:
    """SIGKILL the timed-out process inside its container, bounded like any exec: the host's
    PIDs are not the container's, and under Docker Desktop or a remote DOCKER_HOST not even
    this machine's."""
    try:
        exec_id, output = _run_exec(container, kill_command(pid), 5)
        return not output.running and client().api.exec_inspect(exec_id)["ExitCode"] == 0
    except (docker.errors.APIError, LabError, ValueError, OSError):
        return False


def logs(ref: ContainerRef, *, tail: int | str = "all", quiet: bool = False) -> str:
    container = get(ref)
    if not quiet:
        show_command("docker", "logs", *(["--tail", str(tail)] if tail != "all" else []), container.name)
    with docker_errors(f"reading logs of {container.name}"):
        text: str = container.logs(tail=tail).decode(errors="replace")
        return text


def send_signal(ref: ContainerRef, signal: str = "SIGTERM") -> None:
    """``docker kill --signal``: deliver ``signal`` to the container's PID 1."""
    container = get(ref)
    show_command("docker", "kill", "--signal", signal, container.name)
    with docker_errors(f"signalling {container.name}"):
        container.kill(signal=signal)


@dataclass
class StopResult:
    seconds: float
    exit_code: int


def stop(ref: ContainerRef, *, grace: int = 10) -> StopResult:
    """``docker stop -t grace``: SIGTERM, then SIGKILL after ``grace`` seconds."""
    container = get(ref)
    show_command("docker", "stop", "-t", str(grace), container.name)
    started = time.monotonic()
    with docker_errors(f"stopping {container.name}"):
        container.stop(timeout=grace)
        container.reload()
    return StopResult(time.monotonic() - started, container.attrs["State"]["ExitCode"])


def pids_in_use(ref: ContainerRef) -> int:
    """How many PIDs (processes, threads and zombies) the container's pids cgroup counts."""
    container = get(ref)
    show_command("docker", "stats", "--no-stream", "--format", "{{.PIDs}}", container.name)
    with docker_errors(f"reading stats of {container.name}"):
        stats = container.stats(stream=False, one_shot=True)
    return int(stats.get("pids_stats", {}).get("current", 0))


def pids_limit(ref: ContainerRef) -> int:
    return int(get(ref).attrs["HostConfig"].get("PidsLimit") or 0)


def is_running(ref: ContainerRef) -> bool:
    container = get(ref)
    with docker_errors(f"inspecting {container.name}"):
        container.reload()
    status: str = container.status
    return status == "running"


def remove(ref: ContainerRef) -> None:
    """``docker rm -f`` one of the lab's own containers (and only those)."""
    if isinstance(ref, Container) and ref.labels.get(settings.LABEL) != settings.prefix():
        raise LabError(
            f"{ref.name} was not made by this lab (prefix {settings.prefix()!r}); the lab will not remove it."
        )
    try:
        container = get(ref)
    except LabError:
        return  # nothing of ours by that name: nothing to remove
    show_command("docker", "rm", "-f", container.name)
    with docker_errors(f"removing {container.name}"):
        container.remove(force=True)


__all__ = [
    "ExecResult",
    "StopResult",
    "run",
    "get",
    "exec_in",
    "logs",
    "send_signal",
    "stop",
    "is_running",
    "pids_in_use",
    "pids_limit",
    "remove",
    "LabTimeout",
]
