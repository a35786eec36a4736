"""The configuration is read from the environment in one place, and never written back."""

import os
from pathlib import Path

from lab.core import config, settings


def test_defaults_from_an_empty_environment():
    read = config.Config.from_environment({})
    assert (read.prefix, read.target, read.kube_context, read.solutions) == ("lab", "auto", None, False)
    assert read.kubeconfig == [Path.home() / ".kube" / "config"] and read.base_images == {}


def test_every_variable_lands_in_its_field():
    read = config.Config.from_environment(
        {
            "LAB_PREFIX": "ada",
            "LAB_TARGET": "Kind",
            "LAB_KUBE_CONTEXT": "room",
            "LAB_REGISTRY": "reg:5000",
            "LAB_SOLUTIONS": "1",
            "REDIS_IMAGE": "my/redis:7",
            "KUBECONFIG": f"/a{os.pathsep}/b",
            "XDG_STATE_HOME": "/state",
        }
    )
    assert read.prefix == "ada" and read.target == "kind" and read.kube_context == "room"
    assert read.registry == "reg:5000" and read.solutions
    assert read.base_images == {"REDIS_IMAGE": "my/redis:7"}
    assert read.kubeconfig == [Path("/a"), Path("/b")] and read.state_home == Path("/state")


def test_a_participant_is_installed_without_touching_the_environment(monkeypatch):
    monkeypatch.setenv("LAB_PREFIX", "lab")
    config.use(config.with_participant("grace"))
    try:
        assert settings.prefix() == "grace"
        assert os.environ["LAB_PREFIX"] == "lab"
    finally:
        config.use(None)
    assert settings.prefix() == "lab"
