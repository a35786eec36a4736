"""The measured demos of lessons 4 and 5, as functions that return plain rows.

Each experiment deploys what it needs through the active target (the same Deployment
objects on every cluster, built by lab.course.deployments), is bounded in time, and
removes what it deployed when it ends, also when interrupted (lab.targets.deployed).
"""

from lab.course.deployments import REDIS_AS_PID1, redis_deployment
from lab.course.experiments.accidental_reaping import (
    AccidentalReaping,
    accidental_reaping,
)
from lab.course.experiments.liveness_stall import LivenessResult, hash_samples, stall_until_restart, watch_restart
from lab.course.experiments.pid_exhaustion import ExhaustionResult, pid_exhaustion
from lab.course.experiments.probe_matrix import (
    LABELS,
    VARIANTS,
    MatrixResult,
    ProbeVariant,
    measure_pod_spec,
    measure_probe,
    measure_stall,
    probe_timeout_matrix,
    what_differs,
    with_predictions,
)
from lab.course.experiments.stall import stall

__all__ = [
    "LABELS",
    "REDIS_AS_PID1",
    "VARIANTS",
    "AccidentalReaping",
    "ExhaustionResult",
    "LivenessResult",
    "MatrixResult",
    "ProbeVariant",
    "accidental_reaping",
    "hash_samples",
    "measure_pod_spec",
    "measure_probe",
    "measure_stall",
    "pid_exhaustion",
    "probe_timeout_matrix",
    "redis_deployment",
    "stall",
    "stall_until_restart",
    "watch_restart",
    "what_differs",
    "with_predictions",
]
