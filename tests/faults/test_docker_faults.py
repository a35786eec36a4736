"""Faults from outside: Docker stops in the middle of a lesson, a container is killed."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import lab
from lab.core import settings
from lab.course import dockercoins
from lab.engine import docker_client
from lab.targets.docker.target import DockerTarget
from tests.helpers import free_port

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


def test_a_container_killed_from_outside_is_detected_and_recreated(scenario, docker_engine):
    for spec in settings.ALL_IMAGES:
        lab.build_image(spec, quiet=True)
    target = DockerTarget(node_ports={30080: free_port()})
    target.apply()
    target.wait_ready()
    docker_engine.containers.get(settings.container_name("k8s-redis")).kill()  # like `docker kill` from a terminal
    timeline = target.watch(30, until=lambda: target.restart_count("redis") > 0)
    assert [row["detail"] for row in timeline if row["event"] == "restarted"] == ["container exited"]
    target.wait_ready()
    assert dockercoins.expect_mining(target.url("webui"), at_least=3, timeout=60) >= 3
    target.delete()
