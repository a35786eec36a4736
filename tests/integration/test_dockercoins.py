"""DockerCoins from k8s/ on the docker target, against the real engine."""
import socket

import pytest

import lab
from lab.core import settings
from lab.course import dockercoins
from lab.targets.docker.target import DockerTarget
from tests.helpers import free_port


@pytest.fixture
def images(docker_engine):
    return [lab.build_image(settings.REDIS_TINI, quiet=True), lab.build_image(settings.DOCKERCOINS, quiet=True)]


@pytest.fixture
def target(participant, images):
    deployed = DockerTarget(node_ports={30080: free_port()})
    yield deployed
    deployed.delete()


def test_dockercoins_mines_and_survives_a_redis_restart(target):
    target.apply()
    target.wait_ready(timeout=60)
    url = target.url("webui")
    assert url.startswith("http://127.0.0.1:")
    assert dockercoins.expect_mining(url, at_least=10, timeout=60) >= 10
    assert lab.pod_process_table(target, "redis", quiet=True).pid1().comm == "tini"

    lab.get("k8s-redis").restart(timeout=5)  # redis goes away and comes back empty (--save "")
    lab.wait_until(lambda: dockercoins.stats(url).get("hashes", 10**9) < 10**9, timeout=30,
                   what="the webui to answer again")
    assert dockercoins.expect_mining(url, at_least=10, timeout=60) >= 10
    assert "retrying in" in lab.logs("k8s-worker", quiet=True)  # the worker saw it and backed off


def test_apply_twice_changes_nothing(target):
    target.apply()
    assert all(line.endswith("unchanged") for line in target.apply())


def test_webui_port_taken_is_named(participant, images):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        target = DockerTarget(node_ports={30080: taken})
        try:
            with pytest.raises(lab.LabError, match=f"port {taken} on 127.0.0.1 is already taken"):
                target.apply()
        finally:
            target.delete()
