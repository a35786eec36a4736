"""Lesson 5's first exercise: a pod spec for redis whose shell-form probe leaves no zombies.
The check reads the pod spec (its field names checked against Kubernetes'), keeps the
probe as it is, and asks pid1.py who reaps; with ``measure`` it also deploys the spec and
stalls redis, and passes only if no zombie is left. lab/course/mystery.py reads pod specs
the same way."""

import copy
from collections.abc import Callable

from lab.core import settings
from lab.core.json_types import KubeDict, Row
from lab.course.exercises.pid1 import is_plain_redis, who_reaps
from lab.course.exercises.registry import (
    Exercise,
    answer_or_solution,
    did_you_mean,
    fail,
    fail_if_zombies_measured,
    load_yaml,
    passed,
)
from lab.course.exercises.zombie_mistakes import ZOMBIE_FIX

# Every field of a PodSpec and of a Container (Kubernetes 1.33, the version manifests are checked against)
POD_SPEC_FIELDS = """
    activeDeadlineSeconds affinity automountServiceAccountToken containers dnsConfig dnsPolicy
    enableServiceLinks ephemeralContainers hostAliases hostIPC hostNetwork hostPID hostUsers
    hostname imagePullSecrets initContainers nodeName nodeSelector os overhead preemptionPolicy
    priority priorityClassName readinessGates resourceClaims resources restartPolicy
    runtimeClassName schedulerName schedulingGates securityContext serviceAccount
    serviceAccountName setHostnameAsFQDN shareProcessNamespace subdomain
    terminationGracePeriodSeconds tolerations topologySpreadConstraints volumes
""".split()
CONTAINER_FIELDS = """
    args command env envFrom image imagePullPolicy lifecycle livenessProbe name ports
    readinessProbe resizePolicy resources restartPolicy securityContext startupProbe stdin
    stdinOnce terminationMessagePath terminationMessagePolicy tty volumeDevices volumeMounts
    workingDir
""".split()
SHELLS = ("sh", "/bin/sh")


def _expect_known_fields(ex: Exercise, fields: KubeDict, known: list[str], where: str) -> None:
    for field in fields:
        if field not in known:
            fail(ex, "unknown-field", f"'{field}' is not a field of {where}.{did_you_mean(field, known)}")


def load_pod_spec(ex: Exercise, answer: str) -> KubeDict:
    """The answer (or, under CI, the solution) as a pod spec: a mapping with 'containers:'."""
    spec = load_yaml(ex, answer_or_solution(ex, answer))
    if not isinstance(spec, dict) or "containers" not in spec:
        fail(ex, "not-a-pod-spec", "write a pod spec: the fields under the template's 'spec:', with 'containers:'.")
    return spec


def the_container(ex: Exercise, spec: KubeDict) -> KubeDict:
    """The pod spec's one container, field names checked."""
    _expect_known_fields(ex, spec, POD_SPEC_FIELDS, "a pod spec")
    containers = spec["containers"]
    if not isinstance(containers, list) or len(containers) != 1 or not isinstance(containers[0], dict):
        fail(ex, "containers-not-one", "containers must be a list with the one redis container.")
    container: KubeDict = containers[0]
    _expect_known_fields(ex, container, CONTAINER_FIELDS, "a container")
    return container


def _expect_shell_form_probe(ex: Exercise, container: KubeDict) -> None:
    probe = container.get("livenessProbe")
    handler = probe.get("exec") if isinstance(probe, dict) else None
    command = handler.get("command") if isinstance(handler, dict) else None
    if not isinstance(command, list) or not command or command[0] not in SHELLS or command[1:2] != ["-c"]:
        fail(
            ex,
            "probe-changed",
            f"the probe is {command or 'missing'}: keep the shell-form probe "
            '(sh -c "redis-cli ping"), the exercise is to make it safe.',
        )


def _spec_to_measure(spec: KubeDict) -> KubeDict:
    """The answer as `measure` deploys it. An official redis image becomes the course image
    started the way the official one starts (command docker-entrypoint.sh: redis-server as
    PID 1, tini unused), because the course image is the one every target has: no Docker Hub
    in CI, and only the course images are loaded into a kind or stand-in cluster."""
    measured = copy.deepcopy(spec)
    container = measured["containers"][0]
    if is_plain_redis(container["image"]):
        print(
            f"(measuring with {settings.REDIS_TINI.tag} started as {container['image']} starts, "
            "docker-entrypoint.sh as PID 1: every target has that image)"
        )
        container.setdefault("command", ["docker-entrypoint.sh"])
        container["image"], container["imagePullPolicy"] = settings.REDIS_TINI.tag, "IfNotPresent"
    return measured


def check_zombie_fix(answer: str, measure: Callable[[KubeDict], Row] | None = None) -> Row:
    """Check a pod `spec:` for redis with the shell-form probe kept. With ``measure``, also
    deploy it and stall redis: the check passes only if no zombie is left."""
    ex = ZOMBIE_FIX
    spec = load_pod_spec(ex, answer)
    container = the_container(ex, spec)
    _expect_shell_form_probe(ex, container)
    how, note = who_reaps(ex, spec, container)
    if measure is None:
        passed(ex, f"{how}, so the probe's orphans are reaped{note}")
        return {"how": how}
    measured = measure(_spec_to_measure(spec))
    if measured["timed_out_probes"] == 0:
        fail(ex, "nothing-timed-out", "no probe timed out during the stall, so nothing was tested.")
    fail_if_zombies_measured(ex, measured, "timed-out probes")
    passed(ex, f"{how}: measured {measured['timed_out_probes']} timed-out probes, 0 zombies{note}")
    return measured
