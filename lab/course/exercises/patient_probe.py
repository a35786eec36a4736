"""Lesson 6's exercise: a liveness probe that a loaded redis does not fail, and that still
catches a stalled one. The learner copies k8s/lesson-06/loaded-redis.yaml to
work/06-loaded-redis.yaml and changes the probe's timing; the check reads the file against
the longest a PING can wait under this load (the slowest the lab measured, or the load's
own bound, whichever is longer). The learner then applies it and runs the
load again, and the lesson's next check reads the restart count.

Under CI (LAB_SOLUTIONS=1) an unchanged file gets the solution's timeoutSeconds."""

import re
from pathlib import Path

import yaml

from lab.core import config, settings
from lab.core.json_types import KubeDict
from lab.course.exercises.registry import SOLUTIONS_DIR, Exercise, Mistake, fail, passed
from lab.course.learner_copy import read_learner_file, replace_learner_file
from lab.course.load_demo import WORST_WAIT_MS
from lab.course.probe_timing import seconds_to_restart_a_stall

PATIENT_COPY = Path("work") / "06-loaded-redis.yaml"
MAKE_IT = f"Fix: run the copy cell above (cp -n k8s/lesson-06/loaded-redis.yaml {PATIENT_COPY}), then edit it."
MARGIN = 2  # the timeout: at least twice the longest a PING can wait under load
MAX_REACTION = 60  # probe_timing.seconds_to_restart_a_stall: a stall is still caught within a minute
ANSWER = "timeoutSeconds: 18 (periodSeconds 2 and failureThreshold 3 as they are: a stall restarts redis within 56 s)"

PATIENT_MISTAKES = {
    "invalid-yaml": Mistake(
        "the file must stay valid YAML for kubectl to apply it.",
        "undo your last edit: keep the indentation of the lines around timeoutSeconds.",
        f"start over with: cp k8s/lesson-06/loaded-redis.yaml {PATIENT_COPY}; then change one number.",
    ),
    "probe-changed": Mistake(
        "the pitfall is the probe's timing, not its command: redis-cli ping is the right question to ask.",
        "keep livenessProbe.exec.command as [redis-cli, ping]; change timeoutSeconds.",
        ANSWER,
    ),
    "timeout-below-load": Mistake(
        "a probe run that takes longer than timeoutSeconds counts as a failure, however healthy redis is: "
        "under load a PING waits behind the commands queued before it.",
        "raise timeoutSeconds above the longest a PING waits under this load, with room to spare (twice as long).",
        ANSWER,
    ),
    "stall-not-caught": Mistake(
        "a patient probe must still restart a redis that has really stopped answering. The kubelet runs "
        "one probe at a time: on a stalled redis each run waits out its whole timeoutSeconds, so with a "
        "timeout longer than the period the restart comes after about failureThreshold x timeoutSeconds.",
        f"keep periodSeconds + failureThreshold x timeoutSeconds under {MAX_REACTION} s (when timeoutSeconds "
        "is the longer of the two); a lower failureThreshold helps too.",
        ANSWER,
    ),
}
PATIENT_PROBE = Exercise(
    "06-patient-probe.yaml", "06", "a liveness probe that a loaded redis does not fail", PATIENT_MISTAKES
)


def _probe(text: str) -> KubeDict:
    try:
        documents = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    except yaml.YAMLError as error:
        fail(PATIENT_PROBE, "invalid-yaml", f"{PATIENT_COPY} is not valid YAML ({getattr(error, 'problem', None)}).")
    for document in documents:
        if document.get("kind") == "Deployment":
            containers = document.get("spec", {}).get("template", {}).get("spec", {}).get("containers") or [{}]
            probe = containers[0].get("livenessProbe") if isinstance(containers[0], dict) else None
            if isinstance(probe, dict) and (probe.get("exec") or {}).get("command") == ["redis-cli", "ping"]:
                return probe
    fail(PATIENT_PROBE, "probe-changed", f"{PATIENT_COPY} has no livenessProbe running [redis-cli, ping].")


def with_the_solutions_timeout(text: str) -> str:
    """The file with the solution's timeoutSeconds (the line is replaced, comments stay)."""
    solution = yaml.safe_load((SOLUTIONS_DIR / PATIENT_PROBE.key).read_text())["timeoutSeconds"]
    return re.sub(r"(?m)^(\s*timeoutSeconds:)\s*1\s*$", rf"\g<1> {solution}", text)


def check_patient_probe(slowest_ms: int) -> KubeDict:
    """PASS when work/06-loaded-redis.yaml's probe outlasts twice over the longest a PING can
    wait under load: the slowest measured (``slowest_ms``) or the load's own bound
    (load_demo.WORST_WAIT_MS: one pipeline of the load generator), whichever is longer. A sample
    waits anywhere from 0 to that bound, so the slowest sample alone may understate it.
    It must still restart a stalled redis within a minute."""
    text = read_learner_file(PATIENT_COPY, MAKE_IT)
    probe = _probe(text)
    if probe.get("timeoutSeconds", 1) == 1 and config.current().solutions:
        text = with_the_solutions_timeout(text)
        replace_learner_file(settings.REPO_ROOT / PATIENT_COPY, text)
        print(f"(LAB_SOLUTIONS=1: the course's solution, solutions/{PATIENT_PROBE.key}, written into {PATIENT_COPY})")
        probe = _probe(text)
    timings = [
        probe.get(field, default)
        for field, default in (("periodSeconds", 10), ("timeoutSeconds", 1), ("failureThreshold", 3))
    ]
    if not all(isinstance(value, int) and not isinstance(value, bool) and value >= 1 for value in timings):
        fail(PATIENT_PROBE, "invalid-yaml", f"the probe's timings must be whole numbers of at least 1, not {timings}.")
    period, timeout, threshold = timings
    longest_ms = max(slowest_ms, WORST_WAIT_MS)
    if timeout * 1000 < MARGIN * longest_ms:
        fail(
            PATIENT_PROBE,
            "timeout-below-load",
            f"timeoutSeconds is {timeout}, and under this load a PING can wait up to {longest_ms} ms "
            f"(measured: {slowest_ms} ms; one pipeline of 8 scripts of 1 s: {WORST_WAIT_MS} ms).",
        )
    reaction = seconds_to_restart_a_stall(period, timeout, threshold)
    if reaction > MAX_REACTION:
        fail(PATIENT_PROBE, "stall-not-caught", f"a stalled redis would be restarted only after about {reaction} s.")
    passed(
        PATIENT_PROBE,
        f"timeoutSeconds {timeout} outlasts the longest a PING waits under load "
        f"({longest_ms} ms) {timeout * 1000 / longest_ms:.1f} times over, and a stalled redis is still "
        f"restarted after about {reaction} s",
    )
    return probe
