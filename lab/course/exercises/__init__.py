"""Exercises: the learner writes the line that matters; a check says precisely what is
wrong and hints at the fix. Solutions live in solutions/; CI checks them (LAB_SOLUTIONS=1).

Each check first looks at the text (fast, specific hints), then, where it can, runs the
answer for real (builds the Dockerfile, or deploys the pod and stalls it).

Hints escalate. Each kind of wrong answer (a *mistake*, with a stable id such as
"shell-in-probe") has three hints: 1 says why it is wrong, 2 which field or instruction
to change, 3 what to write. Making the same mistake again in the same exercise shows the
next hint; passing the exercise starts its hints over. The CheckFailed raised carries
``.mistake`` (the id) and ``.hint_level`` (1 to 3).

This package's public face, what the notebooks and tests use; the modules behind it:
registry (Exercise, Mistake, hints, pass and fail), tini (tini's command line), entrypoint
(lesson 2), liveness and redis_yaml (lesson 4), zombie_mistakes, pid1 and zombie_fix
(lesson 5; the mystery's check is lab/course/mystery.py).
"""
from pathlib import Path
from typing import Dict, List, Mapping

from lab.core import settings
from lab.course import progress
from lab.course.exercises import redis_yaml
from lab.course.exercises.entrypoint import (
    ENTRYPOINT,
    check_entrypoint,
    verify_entrypoint_live,
)
from lab.course.exercises.liveness import LIVENESS, check_liveness_probe
from lab.course.exercises.registry import (
    HINT_LEVELS,
    PLACEHOLDER,
    SOLUTIONS_DIR,
    Exercise,
    Mistake,
    answer_or_solution,
    reset_hints,
)
from lab.course.exercises.zombie_fix import check_zombie_fix
from lab.course.exercises.zombie_mistakes import MYSTERY, ZOMBIE_FIX
from lab.targets.manifests import MANIFESTS_DIR, Manifest

__all__ = [
    "ALL", "ENTRYPOINT", "HINT_LEVELS", "LIVENESS", "MISTAKES", "MYSTERY", "PLACEHOLDER", "REDIS_MANIFEST",
    "SOLUTIONS_DIR", "WORK_DIR", "ZOMBIE_FIX", "Exercise", "Mistake", "answer_or_solution", "check_entrypoint",
    "check_liveness_probe", "check_zombie_fix", "redis_with_probe", "redis_yaml_normalised", "redis_yaml_with_probe",
    "reset_hints", "summary", "verify_entrypoint_live", "write_redis_with_probe",
]

ALL = (ENTRYPOINT, LIVENESS, ZOMBIE_FIX, MYSTERY)
MISTAKES: Dict[str, Mapping[str, Mistake]] = {exercise.key: exercise.mistakes for exercise in ALL}

# Read at each call (not bound at import), so that a test can point them at its own files.
REDIS_MANIFEST = MANIFESTS_DIR / "redis.yaml"
WORK_DIR = settings.WORK_DIR



def redis_yaml_normalised() -> str:
    """k8s/redis.yaml through the same YAML round trip as redis_yaml_with_probe: the
    `before` of a diff that then shows only the probe."""
    return redis_yaml.normalised(REDIS_MANIFEST)


def redis_yaml_with_probe(answer: str) -> str:
    """k8s/redis.yaml with your livenessProbe under the redis Deployment's container named
    redis, as YAML (the layout of redis_yaml_normalised)."""
    return redis_yaml.with_probe(REDIS_MANIFEST, answer)


def redis_with_probe(answer: str) -> List[Manifest]:
    """The manifests of redis_yaml_with_probe, parsed and validated, ready to apply."""
    return redis_yaml.parsed_and_validated(redis_yaml_with_probe(answer), "k8s/redis.yaml with your livenessProbe")


def write_redis_with_probe(answer: str) -> Path:
    """Write redis_yaml_with_probe to work/04-redis.yaml (there to read, and for
    `target.apply([path])`), check it against the Kubernetes schema, and return its path."""
    return redis_yaml.write_with_probe(REDIS_MANIFEST, WORK_DIR, answer)


def summary() -> str:
    """One line per exercise, passed or not yet, and the checks passed per lesson."""
    done = set(progress.passed_keys())
    lines = [f"[{'x' if e.key in done else ' '}] lesson {e.lesson}: {e.title}" for e in ALL]
    lines += [f"lesson {number}: {count} checks passed" for number, count in progress.checks_passed().items()]
    return "\n".join(lines + [f"{len(done & {e.key for e in ALL})} of {len(ALL)} exercises passed"])
