"""Redis in a container, and the one-liner that turns an exec into a zombie.

Redis runs with ``--save ""`` in the lessons: no automatic BGSAVE, because while
a BGSAVE child runs redis calls waitpid(-1) and would reap our zombies by accident
(lesson 1 shows that on purpose).
"""

from docker.models.containers import Container

from lab.core.waiting import wait_until
from lab.engine.containers import ContainerRef, exec_in, get, run

REDIS_COMMAND = ["redis-server", "--save", ""]

# The exec'd shell starts `sleep 1` in the background and exits at once. The sleep is
# orphaned and, with no subreaper in the container, the kernel reparents it to PID 1:
# when it exits a second later, only PID 1 can reap it.
ORPHAN_MAKER = ["sh", "-c", "sleep 1 & exit 0"]


def run_redis(short_name: str, image: str, *, init: bool = False, quiet: bool = False) -> Container:
    """Start redis (``--save ""``) and wait until it answers PING."""
    return wait_for_redis(run(short_name, image, REDIS_COMMAND, init=init, quiet=quiet))


def wait_for_redis(ref: ContainerRef, timeout: float = 20) -> Container:
    """Until redis in the container answers PING (bounded): a container just started runs
    its entrypoint first."""
    container = get(ref)
    wait_until(
        lambda: exec_in(container, ["redis-cli", "ping"], quiet=True).stdout.strip() == "PONG",
        timeout=timeout,
        what=f"redis in {container.name} to answer PING",
        interval=0.2,
    )
    return container


def make_orphans(ref: ContainerRef, count: int) -> None:
    """Run the orphan-making one-liner ``count`` times (each exec returns after about 1 s)."""
    for _ in range(count):
        exec_in(ref, ORPHAN_MAKER)


def bgsave(ref: ContainerRef) -> str:
    return exec_in(ref, ["redis-cli", "BGSAVE"]).stdout.strip()
