"""The experiments' Deployments are valid Kubernetes objects, with the probe and PID 1 each variant is about."""

import pytest

from lab.course import experiments
from lab.targets import manifests


@pytest.mark.parametrize("variant", experiments.VARIANTS, ids=lambda v: v.name)
def test_variant_deployments_pass_the_schema_with_their_probe_and_pid1(variant):
    manifest = experiments.redis_deployment(
        variant.deployment,
        variant.probe,
        redis_is_pid1=variant.redis_is_pid1,
        share_process_namespace=variant.share_process_namespace,
    )
    manifests.validate(manifest)
    spec = manifest.body["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert container["livenessProbe"]["exec"]["command"] == variant.probe
    assert container["livenessProbe"]["failureThreshold"] == 1000  # nothing restarts during the measurement
    assert (container.get("command") == experiments.REDIS_AS_PID1) == variant.redis_is_pid1
    assert spec["shareProcessNamespace"] == variant.share_process_namespace


def test_the_matrix_covers_the_facts_table():
    leaks = {v.name: v.leaks for v in experiments.VARIANTS}
    assert leaks == {
        "exec-form": False,
        "shell-form": True,
        "tini-in-probe": True,
        "tini-s-in-probe": True,
        "tini-pid1": False,
        "shared-pid-ns": False,
    }
