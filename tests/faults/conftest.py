"""The fault suite: every scenario runs as its own participant, must leave nothing labelled
behind, and must never touch a container the lab did not label. Lessons 1 and 2 run on
Docker Engine; a scenario of lessons 3 to 6 runs on the real Kubernetes here (`on_kubernetes`)."""

import os

import pytest

import lab
from lab.core import settings
from tests.helpers import kubernetes_or_fail


@pytest.fixture(scope="session")
def bystander(docker_engine):
    """An unlabelled container that must survive every scenario and every reset."""
    name = "not-the-labs-bystander"
    try:
        docker_engine.containers.get(name).remove(force=True)
    except Exception:
        pass
    # restart policy "always": it also survives the fault test that restarts dockerd
    container = docker_engine.containers.run(
        lab.redis_image(),
        ["sleep", "infinity"],
        name=name,
        detach=True,
        pids_limit=16,
        restart_policy={"Name": "always"},
    )
    yield container
    container.remove(force=True)


@pytest.fixture
def scenario(monkeypatch, bystander, request):
    """A participant of its own; afterwards: reset, nothing labelled left, the bystander alive."""
    monkeypatch.setenv(
        "LAB_PREFIX", f"f{os.getpid() % 10000}-{request.node.name[5:13].replace('_', '-').strip('-')}".lower()
    )
    yield settings.prefix()
    lab.reset(images=False)
    leftovers = lab.labelled(images=False)
    assert leftovers.is_empty(), f"left behind: {leftovers}"
    bystander.reload()
    assert bystander.status == "running", "the reset touched a container the lab did not label"


@pytest.fixture
def on_kubernetes(scenario, monkeypatch):
    """The scenario's participant on the real Kubernetes here (kind, or the stand-in): its
    target; afterwards its namespace is deleted with everything in it."""
    monkeypatch.setenv("LAB_TARGET", kubernetes_or_fail())
    target = lab.target()
    yield target
    target.delete()
