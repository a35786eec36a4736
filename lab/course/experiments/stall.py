"""Make redis answer nothing for a while, without DEBUG: `CLIENT PAUSE <ms> ALL`.

Every experiment times its probes out this way: redis stays up and keeps its data, and
only its answers stop, as under a long command or a slow disk.
"""

from lab.core.errors import LabError
from lab.targets.contract import Target


def stall(target: Target, deployment: str, milliseconds: int, *, quiet: bool = True) -> None:
    result = target.exec(deployment, ["redis-cli", "CLIENT", "PAUSE", str(milliseconds), "ALL"], quiet=quiet)
    if result.exit_code != 0:
        raise LabError(f"could not pause redis in {deployment}: {result.output.strip()}")
