"""Exercises: the learner writes the line that matters; a check says precisely what is
wrong and hints at the fix. Solutions live in solutions/; CI checks them (LAB_SOLUTIONS=1).

Each check first looks at the text (fast, specific hints): the learner's answer in a cell,
or the file they edited (their Dockerfile, their work/k8s/redis.yaml). Lesson 5's checks
then run the answer for real (deploy the pod and stall it); in lessons 2 to 4 the learner
builds and applies it with their own commands, and the lesson's next check reads the result.

Hints escalate. Each kind of wrong answer (a *mistake*, with a stable id such as
"shell-in-probe") has three hints: 1 says why it is wrong, 2 which field or instruction
to change, 3 what to write. Making the same mistake again in the same exercise shows the
next hint; passing the exercise starts its hints over. The CheckFailed raised carries
``.mistake`` (the id) and ``.hint_level`` (1 to 3).

This package's public face, what the notebooks and tests use; the modules behind it:
registry (Exercise, Mistake, hints, pass and fail), tini (tini's command line), entrypoint
(lesson 2), redis_image (lesson 3), liveness and probe_in_copy (lesson 4), zombie_mistakes, pid1, zombie_fix and shell_probe
(lesson 5; the mystery's check is lab/course/mystery.py), patient_probe (lesson 6).
"""

from collections.abc import Mapping

from lab.course import progress
from lab.course.exercises.entrypoint import (
    ENTRYPOINT,
    check_dockerfile,
    check_entrypoint,
)
from lab.course.exercises.liveness import LIVENESS, check_liveness_probe
from lab.course.exercises.patient_probe import PATIENT_PROBE, check_patient_probe
from lab.course.exercises.probe_in_copy import check_probe_in_copy
from lab.course.exercises.redis_image import REDIS_IMAGE, check_redis_image
from lab.course.exercises.registry import (
    HINT_LEVELS,
    PLACEHOLDER,
    SOLUTIONS_DIR,
    Exercise,
    Mistake,
    answer_or_solution,
    reset_hints,
)
from lab.course.exercises.shell_probe import SHELL_PROBE, check_shell_probe
from lab.course.exercises.zombie_fix import check_zombie_fix
from lab.course.exercises.zombie_mistakes import MYSTERY, ZOMBIE_FIX

__all__ = [
    "ALL",
    "ENTRYPOINT",
    "HINT_LEVELS",
    "LIVENESS",
    "MISTAKES",
    "MYSTERY",
    "PATIENT_PROBE",
    "PLACEHOLDER",
    "REDIS_IMAGE",
    "SHELL_PROBE",
    "SOLUTIONS_DIR",
    "ZOMBIE_FIX",
    "Exercise",
    "Mistake",
    "answer_or_solution",
    "check_dockerfile",
    "check_entrypoint",
    "check_patient_probe",
    "check_liveness_probe",
    "check_probe_in_copy",
    "check_redis_image",
    "check_shell_probe",
    "check_zombie_fix",
    "reset_hints",
    "summary",
]

ALL = (ENTRYPOINT, REDIS_IMAGE, LIVENESS, ZOMBIE_FIX, SHELL_PROBE, MYSTERY, PATIENT_PROBE)
MISTAKES: dict[str, Mapping[str, Mistake]] = {exercise.key: exercise.mistakes for exercise in ALL}


def summary() -> str:
    """One line per exercise, passed or not yet, and the checks passed per lesson."""
    done = set(progress.passed_keys())
    lines = [f"[{'x' if e.key in done else ' '}] lesson {e.lesson}: {e.title}" for e in ALL]
    lines += [f"lesson {number}: {count} checks passed" for number, count in progress.checks_passed().items()]
    return "\n".join(lines + [f"{len(done & {e.key for e in ALL})} of {len(ALL)} exercises passed"])
