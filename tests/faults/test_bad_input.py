"""Bad input gets one clear line that says what is wrong and how to fix it."""

import time

import pytest

import lab
from lab.core import settings
from lab.course import experiments
from lab.targets.manifests import Manifest


def test_invalid_yaml_in_an_exercise_file_leaves_nothing(on_kubernetes, tmp_path):
    broken = tmp_path / "redis.yaml"
    broken.write_text("kind: Deployment\nmetadata:\n  name: redis\n   labels: {}\n")
    with pytest.raises(
        lab.LabError,
        match=r"^redis.yaml line 4, column 10: invalid YAML \(mapping values are not allowed here\)\. Fix:",
    ):
        on_kubernetes.apply([broken])
    assert on_kubernetes.deployments() == []


def test_unknown_field_names_file_object_and_path(on_kubernetes, tmp_path):
    text = (settings.REPO_ROOT / "k8s" / "redis.yaml").read_text().replace("containerPort", "containerPrt")
    (tmp_path / "redis.yaml").write_text(text)
    with pytest.raises(lab.LabError, match=r"^redis.yaml: Deployment redis: spec.template.spec.containers.0.ports.0: "):
        on_kubernetes.apply([tmp_path / "redis.yaml"])
    assert on_kubernetes.deployments() == []


def test_image_tag_that_does_not_exist_names_the_pull_error(on_kubernetes):
    body = experiments.redis_deployment("redis", ["redis-cli", "ping"]).body
    body["spec"]["template"]["spec"]["containers"][0]["image"] = "redis-tini-lab/redis:no-such-tag"
    on_kubernetes.apply_manifests([Manifest("redis.yaml", body)])
    started = time.monotonic()
    with pytest.raises(
        lab.LabError,
        match=r"^not ready: .*(ErrImagePull|ImagePullBackOff) "
        r"\(redis-tini-lab/redis:no-such-tag\), for 20s: .* Fix: load it",
    ):
        on_kubernetes.wait_ready(timeout=120, names=["redis"])
    assert time.monotonic() - started < 90, "a pull error that does not go away ends the wait early"


def test_every_wait_ends_within_its_bound(scenario):
    import time

    redis = lab.run_redis("redis", lab.redis_image(), quiet=True)
    started = time.monotonic()
    with pytest.raises(lab.CheckFailed, match="expected 2 zombies in .*, found 0 after 1s"):
        lab.expect_zombies(redis, 2, timeout=1)
    with pytest.raises(lab.LabTimeout, match="did not finish within 1s"):
        lab.exec_in(redis, ["sleep", "20"], timeout=1, quiet=True)
    assert time.monotonic() - started < 2 + 8  # two 1 s bounds, with room for a loaded machine
