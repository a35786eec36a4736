"""The experiments' Deployments are valid Kubernetes objects the docker target can run."""
import pytest

from lab.course import experiments
from lab.targets import kind_config, manifests
from lab.targets.docker.translate import translate


@pytest.mark.parametrize("variant", experiments.VARIANTS, ids=lambda v: v.name)
def test_variant_deployments_pass_the_schema_and_translate(variant):
    manifest = experiments.redis_deployment(variant.deployment, variant.probe, redis_is_pid1=variant.redis_is_pid1,
                                            share_process_namespace=variant.share_process_namespace)
    manifests.validate(manifest)
    plan = translate([manifest], node_ports={})[0]
    assert plan.healthcheck["test"] == ["CMD", *variant.probe]
    assert plan.healthcheck["retries"] == 1000  # nothing restarts during the measurement
    assert (plan.entrypoint == experiments.REDIS_AS_PID1) == variant.redis_is_pid1
    assert plan.share_process_namespace == variant.share_process_namespace


def test_the_matrix_covers_the_facts_table():
    leaks = {v.name: v.leaks for v in experiments.VARIANTS}
    assert leaks == {"exec-form": False, "shell-form": True, "tini-in-probe": True, "tini-s-in-probe": True,
                     "tini-pid1": False, "shared-pid-ns": False}


def test_pids_limit_annotation_reaches_the_docker_plan():
    manifest = experiments.redis_deployment("x", ["redis-cli", "ping"], pids_limit=12)
    manifests.validate(manifest)
    assert translate([manifest], node_ports={})[0].pids_limit == 12
    default = experiments.redis_deployment("y", ["redis-cli", "ping"])
    assert translate([default], node_ports={})[0].pids_limit == kind_config.pod_pids_limit()
