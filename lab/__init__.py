"""The lab's Python helpers: what the notebooks import.

import lab
lab.build_image()                       # docker build ... images/redis-tini
redis = lab.run_redis("redis", lab.redis_image())
lab.make_orphans(redis, 3)              # docker exec lab-redis sh -c 'sleep 1 & exit 0'
lab.expect_zombies(redis, 3)            # PASS: lab-redis has exactly 3 zombies ...
lab.reset()                             # remove what the lab labelled, nothing else

Importing it has one side effect, inside IPython only: a LabError (CheckFailed among them)
is shown as its one line with the fix, not as a traceback (lab.views.notebook). Nothing
else happens at import: no engine is reached, no file written, no listener installed.
"""

from lab.core import settings
from lab.core.errors import CheckFailed, LabError, LabTimeout
from lab.core.waiting import wait_until
from lab.course import exercises, progress
from lab.course.checks import (
    expect,
    expect_log_count,
    expect_pid1,
    expect_reaped,
    expect_zombies,
)
from lab.course.progress import lesson
from lab.course.redis import bgsave, make_orphans, run_redis, wait_for_redis
from lab.engine.cleanup import labelled, reset
from lab.engine.containers import (
    ExecResult,
    exec_in,
    get,
    is_running,
    logs,
    named,
    pids_in_use,
    pids_limit,
    remove,
    run,
    send_signal,
    stop,
)
from lab.engine.docker_client import client, server_version
from lab.engine.images import (
    build_course_images,
    build_image,
    image_exists,
    resolve_base,
)
from lab.engine.processes import (
    Process,
    ProcessTable,
    parse_snapshot,
    parse_stat,
    pod_process_table,
    process_table,
    zombies,
)
from lab.targets.choice import target, target_if_any, target_name
from lab.views.notebook import show_lab_errors_as_one_line

__all__ = [
    "settings",
    "exercises",
    "progress",
    "LabError",
    "LabTimeout",
    "wait_until",
    "CheckFailed",
    "expect",
    "expect_log_count",
    "expect_pid1",
    "expect_reaped",
    "expect_zombies",
    "lesson",
    "bgsave",
    "make_orphans",
    "run_redis",
    "wait_for_redis",
    "labelled",
    "reset",
    "ExecResult",
    "exec_in",
    "get",
    "is_running",
    "logs",
    "named",
    "pids_in_use",
    "pids_limit",
    "remove",
    "run",
    "send_signal",
    "stop",
    "client",
    "server_version",
    "build_course_images",
    "build_image",
    "image_exists",
    "resolve_base",
    "Process",
    "ProcessTable",
    "parse_snapshot",
    "parse_stat",
    "pod_process_table",
    "process_table",
    "zombies",
    "target",
    "target_if_any",
    "target_name",
    "redis_image",
]


def redis_image() -> str:
    """The plain redis image: the official one, or its stand-in where Docker Hub is unreachable."""
    return resolve_base(settings.REDIS_BASE)


show_lab_errors_as_one_line()
