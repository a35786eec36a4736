"""A fault from outside: Docker stops in the middle of a lesson."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import lab
from lab.core import settings
from lab.engine import docker_client

DOCKERD_PID = Path("/run/lab-dockerd.pid")  # written by scripts/docker-up.sh when it started dockerd


def own_dockerd_pid():
    try:
        pid = int(DOCKERD_PID.read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_docker_stopped_mid_lesson_gives_the_fix_and_the_lab_recovers(scenario):
    pid = own_dockerd_pid()
    if pid is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run dockerd through scripts/docker-up.sh", pytrace=False)
        pytest.skip("this machine's dockerd was not started by scripts/docker-up.sh; the test only stops that one")
    lab.run_redis("redis", lab.redis_image(), quiet=True)
    os.kill(pid, signal.SIGTERM)
    lab.wait_until(lambda: not process_alive(pid), timeout=60, what="dockerd to stop")
    try:
        with pytest.raises(lab.LabError) as error:
            lab.process_table("redis")
        assert str(error.value) == docker_client.DOCKER_NOT_RUNNING and "\n" not in str(error.value)
        doctor = subprocess.run([sys.executable, "-m", "lab", "doctor"], capture_output=True, text=True, timeout=60)
        assert doctor.returncode == 1 and "[FAIL] docker engine: not reachable" in doctor.stdout
    finally:
        subprocess.run([str(settings.REPO_ROOT / "scripts" / "docker-up.sh")], check=True, timeout=120)
    # Docker is back; its containers stopped with it. Re-running the cell recreates them.
    redis = lab.run_redis("redis", lab.redis_image(), quiet=True)
    lab.make_orphans(redis, 1)
    lab.expect_zombies(redis, 1)
