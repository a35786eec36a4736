"""How images get onto a kind node: the commands for each Docker image store, as typed."""

from lab.targets.kubernetes import kind_load
from lab.targets.kubernetes.steps import Steps

IMAGE = "redis-tini-lab/redis:7.2.4-tini"


def test_classic_store_uses_kind_load_docker_image():
    assert kind_load.load_commands(IMAGE, "lab", "classic") == [
        ["kind", "load", "docker-image", IMAGE, "--name", "lab"]
    ]


def test_containerd_store_saves_one_platform_and_loads_the_archive():
    save, load = kind_load.load_commands(IMAGE, "lab", "containerd", "linux/arm64")
    archive = "work/images/redis-tini-lab_redis_7.2.4-tini.tar"
    assert save == ["docker", "save", "--platform", "linux/arm64", "-o", archive, IMAGE]
    assert load == ["kind", "load", "image-archive", archive, "--name", "lab"]


def test_containerd_store_without_save_platform_support_saves_without_it():
    save, _ = kind_load.load_commands(IMAGE, "lab", "containerd", "")
    assert "--platform" not in save and save[:2] == ["docker", "save"]


def test_steps_number_each_step_and_say_how_long_it_took(capsys):
    steps = Steps(2)
    with steps.step("the kind cluster lab"):
        pass
    with steps.step(f"load {IMAGE}"):
        pass
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[1/2] the kind cluster lab" and lines[2] == f"[2/2] load {IMAGE}"
    assert lines[1].strip().startswith("done in") and steps.done == 2
