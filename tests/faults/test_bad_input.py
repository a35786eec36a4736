"""Bad input gets one clear line that says what is wrong and how to fix it."""
import pytest

import lab
from lab.core import settings
from lab.course import experiments
from lab.targets import manifests
from lab.targets.docker.target import DockerTarget
from lab.targets.manifests import Manifest


def test_invalid_yaml_in_an_exercise_file_leaves_nothing(scenario, tmp_path):
    broken = tmp_path / "redis.yaml"
    broken.write_text("kind: Deployment\nmetadata:\n  name: redis\n   labels: {}\n")
    with pytest.raises(lab.LabError, match=r"^redis.yaml line 4, column 10: invalid YAML \(mapping values are not allowed here\)\. Fix:"):
        DockerTarget().apply([broken])
    assert DockerTarget().deployments() == []


def test_unknown_field_names_file_object_and_path(scenario, tmp_path):
    text = (settings.REPO_ROOT / "k8s" / "redis.yaml").read_text().replace("containerPort", "containerPrt")
    (tmp_path / "redis.yaml").write_text(text)
    with pytest.raises(lab.LabError, match=r"^redis.yaml: Deployment redis: spec.template.spec.containers.0.ports.0: "):
        DockerTarget().apply([tmp_path / "redis.yaml"])


def test_unsupported_field_on_the_docker_target(scenario, tmp_path):
    text = (settings.REPO_ROOT / "k8s" / "redis.yaml").read_text().replace(
        "          ports:", "          securityContext:\n            runAsUser: 999\n          ports:")
    (tmp_path / "redis.yaml").write_text(text)
    manifests.load([tmp_path / "redis.yaml"])  # valid Kubernetes...
    with pytest.raises(lab.LabError, match=r"field spec.template.spec.containers\[0\].securityContext is not supported on the docker target\. Fix:"):
        DockerTarget().apply([tmp_path / "redis.yaml"])  # ...that the docker target cannot honour


def test_probe_command_missing_from_the_image(scenario):
    lab.build_image(quiet=True)
    target = DockerTarget(node_ports={})
    target.apply_manifests([experiments.redis_deployment("redis", ["redis-clii", "ping"], period=1, failure_threshold=1)])
    with pytest.raises(lab.LabTimeout, match=r'redis is unhealthy, its probe says: .*"redis-clii": executable file not found'):
        target.wait_ready(timeout=10)
    target.delete()


def test_image_tag_that_does_not_exist(scenario):
    body = experiments.redis_deployment("redis", ["redis-cli", "ping"]).body
    body["spec"]["template"]["spec"]["containers"][0]["image"] = "redis-tini-lab/redis:no-such-tag"
    with pytest.raises(lab.LabError, match=r"image redis-tini-lab/redis:no-such-tag is not on this machine and could not be pulled .* Fix: check the tag"):
        DockerTarget(node_ports={}).apply_manifests([Manifest("redis.yaml", body)])


def test_webui_port_taken(scenario):
    import socket
    for spec in settings.ALL_IMAGES:
        lab.build_image(spec, quiet=True)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(lab.LabError, match=f"port {port} on 127.0.0.1 is already taken by another program. Fix:"):
            DockerTarget(node_ports={30080: port}).apply()


def test_every_wait_ends_within_its_bound(scenario):
    import time
    redis = lab.run_redis("redis", lab.redis_image(), quiet=True)
    started = time.monotonic()
    with pytest.raises(lab.course.checks.CheckFailed, match="expected 2 zombies in .*, found 0 after 1s"):
        lab.expect_zombies(redis, 2, timeout=1)
    with pytest.raises(lab.LabTimeout, match="did not finish within 1s"):
        lab.exec_in(redis, ["sleep", "20"], timeout=1, quiet=True)
    assert time.monotonic() - started < 5
