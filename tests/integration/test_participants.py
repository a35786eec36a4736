"""Two participants on one Docker host, at the same time, with different prefixes."""

import os
import subprocess
import sys

import lab
from lab.core import settings

NOTEBOOK = str(settings.REPO_ROOT / "notebooks" / "01-pid1-and-zombies.ipynb")


def start_lesson_1(prefix: str) -> subprocess.Popen:
    env = {**os.environ, "LAB_PREFIX": prefix}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            "--nbval-current-env",
            NOTEBOOK,
        ],
        env=env,
        cwd=settings.REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_participants_run_lesson_1_at_once_without_seeing_each_other(docker_engine, monkeypatch):
    # Each notebook checks exact zombie counts in its own containers, so a shared container,
    # a name clash or the other's reset would fail it.
    alice, bob = start_lesson_1("alice"), start_lesson_1("bob")
    outputs = {name: run.communicate(timeout=300)[0] for name, run in (("alice", alice), ("bob", bob))}
    assert alice.returncode == 0, outputs["alice"][-2000:]
    assert bob.returncode == 0, outputs["bob"][-2000:]

    # And one participant's reset leaves the other's containers alone.
    monkeypatch.setenv("LAB_PREFIX", "bob")
    bobs = lab.run("redis", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
    monkeypatch.setenv("LAB_PREFIX", "alice")
    lab.run("redis", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
    assert lab.reset(images=False).containers == ["alice-redis"]
    bobs.reload()
    assert bobs.status == "running" and bobs.name == "bob-redis"
    monkeypatch.setenv("LAB_PREFIX", "bob")
    assert lab.reset(images=False).containers == ["bob-redis"]
