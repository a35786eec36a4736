"""The course's one Deployment builder, and the redis Deployment the experiments vary.

Every pod the lessons deploy outside k8s/ is built here, so a Deployment's shape (labels,
selector, grace period) is written once.
"""

import copy

from lab.core import settings
from lab.core.json_types import JsonObject
from lab.course.redis import REDIS_COMMAND
from lab.targets.manifests import Manifest

# Overriding the image's ENTRYPOINT (tini) with the official entrypoint script keeps
# redis-server as PID 1 while tini stays installed in the image, for the probe variants.
REDIS_AS_PID1 = ["docker-entrypoint.sh"]
# A probe as many compose files and charts write it: redis-cli exits 0 even when redis answers
# with an error (LOADING, NOAUTH; its -e flag, since redis 6.2, changes that), so a shell checks
# the answer. Under redis-server as PID 1 a timeout orphans both of the shell's children.
CHECKED_PING = ["sh", "-c", "redis-cli ping | grep -q PONG"]


def deployment(name: str, pod_spec: JsonObject, *, source: str) -> Manifest:
    """A one-replica Deployment ``name`` running ``pod_spec``, its pods labelled app=<name>.
    ``source`` names it in messages, e.g. "(your answer)"."""
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec},
        },
    }
    return Manifest(source, body)


def redis_deployment(
    name: str,
    probe: list[str],
    *,
    redis_is_pid1: bool = True,
    share_process_namespace: bool = False,
    period: int = 2,
    timeout: int = 1,
    failure_threshold: int = 1000,
    readiness_too: bool = False,
) -> Manifest:
    """A one-replica redis Deployment with an exec liveness probe, as the learner would write it;
    with ``readiness_too``, a readiness probe that runs the same command (as many charts have)."""
    liveness = {
        "exec": {"command": probe},
        "periodSeconds": period,
        "timeoutSeconds": timeout,
        "failureThreshold": failure_threshold,
    }
    container: JsonObject = {
        "name": "redis",
        "image": settings.REDIS_TINI.tag,
        "imagePullPolicy": "IfNotPresent",
        "args": REDIS_COMMAND,
        "livenessProbe": liveness,
    }
    if readiness_too:
        container["readinessProbe"] = {**copy.deepcopy(liveness), "failureThreshold": 3}  # no YAML alias
    if redis_is_pid1:
        container["command"] = REDIS_AS_PID1
    spec = {
        "shareProcessNamespace": share_process_namespace,
        "terminationGracePeriodSeconds": 5,
        "containers": [container],
    }
    return deployment(name, spec, source=f"(experiment {name})")
