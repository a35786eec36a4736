"""A room without internet: from a fresh copy of the course and a bundle made by
`python -m lab bundle`, `./course setup` installs every pinned package with the network
cut off, and lesson 01 then passes under nbval with that environment.

The network is really cut where this runs as root (a network namespace of its own, with
only the loopback up: Docker's socket is a file, so the lesson still reaches the engine).
Elsewhere pip is cut off from every index and its configuration, which is what --no-index
promises. Either way the only packages pip can see are the bundle's."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from lab.core import settings
from lab.workshop.bundle import INSTALL_REQUIREMENTS, download_wheels

WHEELS_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "redis-tini-lab" / "bundle-wheels"


def copy_of_the_course(destination: Path) -> Path:
    """The course's files as a fresh clone has them (tracked and new, minus ignored ones)."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=settings.REPO_ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = settings.REPO_ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name, follow_symlinks=False)
    return destination


def offline(command: str) -> list:
    """``command`` in bash with no network: a namespace of its own as root, else pip cut off."""
    if os.geteuid() == 0 and shutil.which("unshare"):
        return ["unshare", "--net", "--", "bash", "-c", f"ip link set lo up && {command}"]
    return ["bash", "-c", command]


def without_pip_config() -> dict:
    """pip cut off from every index. Where no network namespace can be had (not root), uv,
    which reads no PIP_ setting, is not used either (LAB_INSTALLER=pip)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env = {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
    if not (os.geteuid() == 0 and shutil.which("unshare")):
        env["LAB_INSTALLER"] = "pip"
    return env


@pytest.fixture(scope="session")
def bundled_wheels():
    """The bundle's wheels, downloaded once per machine and set of pins (online, as an
    instructor does before the room)."""
    pins = "\n".join(
        [
            (settings.REPO_ROOT / "requirements.txt").read_text(),
            (settings.REPO_ROOT / "requirements-test.txt").read_text(),
            *INSTALL_REQUIREMENTS,
        ]
    )
    complete = WHEELS_CACHE / ".complete"
    if not complete.exists() or complete.read_text() != pins:
        shutil.rmtree(WHEELS_CACHE, ignore_errors=True)
        download_wheels(WHEELS_CACHE)
        complete.write_text(pins)
    return WHEELS_CACHE


def test_course_installs_from_a_bundle_offline_and_lesson_01_passes(bundled_wheels, docker_engine, tmp_path):
    course = copy_of_the_course(tmp_path / "course")
    shutil.copytree(bundled_wheels, course / "bundle" / "wheels")
    env = without_pip_config()

    started = time.monotonic()
    setup = subprocess.run(offline("./course setup"), cwd=course, env=env, capture_output=True, text=True, timeout=600)
    install_seconds = time.monotonic() - started
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-3000:]
    assert "requirements.txt from bundle/wheels (no network needed)" in setup.stdout

    # The tests' own tools (pytest, nbval) from the same bundle, still offline, the way
    # ./course test installs them; then lesson 01.
    lesson = subprocess.run(
        offline(
            "./course setup test && "
            ".venv/bin/python -m pytest -p no:cacheprovider -q notebooks/01-pid1-and-zombies.ipynb"
        ),
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert lesson.returncode == 0, lesson.stdout[-3000:] + lesson.stderr[-2000:]
    print(
        f"offline install from the bundle: {install_seconds:.1f}s; lesson 01: {lesson.stdout.strip().splitlines()[-1]}"
    )


def test_without_the_bundle_the_offline_install_fails_clearly(tmp_path):
    """The same install with no bundle must fail, with the fix: the test above can fail, and
    the installer really had no other source."""
    course = copy_of_the_course(tmp_path / "course")
    setup = subprocess.run(
        offline("./course setup"), cwd=course, env=without_pip_config(), capture_output=True, text=True, timeout=600
    )
    assert setup.returncode != 0
    assert "Fix: connect to the network (PyPI), or copy a bundle/ here" in setup.stderr or (
        "Fix: connect to the network, or copy a bundle/ here" in setup.stderr
    ), setup.stderr[-2000:]
    # the installer (uv, or pip where uv cannot be had) really found no package anywhere
    assert any(
        sign in setup.stderr.lower()
        for sign in ("no matching distribution", "could not find a version", "failed to fetch", "dns error")
    ), setup.stderr[-2000:]
