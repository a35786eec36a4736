"""`python -m lab` against the real engine: up/down, bundle/load, participants kept apart."""

import os
import subprocess
import sys

import lab
from lab.core import config, settings
from lab.targets.kubernetes.kubernetes_here import kubernetes_target_name
from lab.workshop.bundle import load, save_images


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "lab", *args], capture_output=True, text=True, timeout=600, env=env)


def test_doctor_passes_here_and_names_the_kubernetes_for_lessons_3_to_5(docker_engine):
    """Lessons 0-2 need only Docker; without a Kubernetes yet, the doctor warns with the fix."""
    auto = {name: value for name, value in os.environ.items() if name != "LAB_TARGET"}
    result = cli("doctor", env=auto)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[ok  ] docker engine: Docker Engine" in result.stdout
    config.use(config.Config.from_environment(auto))  # the same answer as the subprocess's
    try:
        kubernetes = kubernetes_target_name()
    finally:
        config.use(None)
    assert (
        f"[ok  ] target: lessons 3-6 will run on: {kubernetes}"
        if kubernetes
        else "[warn] target: no Kubernetes for lessons 3-6"
    ) in result.stdout, result.stdout


def test_bundle_then_load_brings_back_a_removed_image(tmp_path, docker_engine, participant):
    archive = tmp_path / "images.tar"
    images = save_images(archive)
    assert set(spec.tag for spec in settings.ALL_IMAGES) <= set(images)
    assert lab.redis_image() in images  # the base too, so lesson 1 works offline
    # force: a course that is running (the learner's own redis) keeps the image in use;
    # then Docker only untags it, which is all this test needs to take away.
    docker_engine.images.remove(settings.REDIS_TINI.tag, force=True)
    assert not lab.image_exists(settings.REDIS_TINI.tag)
    assert settings.REDIS_TINI.tag in load(archive)
    assert lab.image_exists(settings.REDIS_TINI.tag)


def test_load_of_a_missing_archive_is_a_clear_error(tmp_path):
    result = cli("load", str(tmp_path / "nope.tar"))
    assert result.returncode == 1
    assert "nope.tar does not exist. Fix: make it with 'python -m lab bundle'" in result.stderr


def test_invalid_participant_is_refused():
    result = cli("--participant", "Bad Name", "reset")
    assert result.returncode == 1 and "is not valid" in result.stderr
