"""Deploy these, measure, always delete: how every experiment and exercise borrows pods.

with deployed(target, [manifest], work_file="05-matrix.yaml") as names:
    ...measure...
# deleted here, also when the measurement failed or the cell was interrupted
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from lab.core.errors import LabError
from lab.targets.contract import Target
from lab.targets.manifests import Manifest, write_work_file


@contextmanager
def deployed(
    target: Target,
    objects: Sequence[Manifest],
    *,
    work_file: str | None = None,
    ready_timeout: float = 120,
    wait_ready: bool = True,
) -> Iterator[list[str]]:
    """Apply ``objects`` (written to work/``work_file`` first when given, so that the printed
    `kubectl apply -f` names a file the learner can open), wait until their Deployments are
    ready, yield their names; delete those Deployments when the block ends, however it ends."""
    names = [manifest.name for manifest in objects if manifest.kind == "Deployment"]
    try:
        if work_file:
            target.apply([write_work_file(work_file, list(objects))])
        else:
            target.apply_manifests(list(objects))
        if wait_ready:
            target.wait_ready(timeout=ready_timeout, names=names)
        yield names
    except BaseException:  # failed or interrupted: delete, and let that error (not the delete's) through
        try:
            target.delete(names, wait=False)
        except LabError as error:
            print(f"(deleting {', '.join(names)} failed too: {error} Run the cell again, or python -m lab reset)")
        raise
    target.delete(names, wait=False)
