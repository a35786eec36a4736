import subprocess
import sys
import time

import pytest

import lab
from lab.core import settings
from lab.engine.containers import _run_argv
from lab.engine.docker_client import _friendly_api_error


def test_container_names_carry_the_participant_prefix(monkeypatch):
    monkeypatch.setenv("LAB_PREFIX", "alice")
    assert settings.container_name("redis") == "alice-redis"
    assert settings.labels() == {settings.LABEL: "alice"}


@pytest.mark.parametrize("bad", ["Alice", "-x", "a b", "x" * 21, ""])
def test_invalid_prefix_is_a_one_line_error(monkeypatch, bad):
    monkeypatch.setenv("LAB_PREFIX", bad)
    with pytest.raises(lab.LabError, match="LAB_PREFIX=.* is not valid"):
        settings.prefix()


def test_run_argv_is_the_command_a_person_would_type(monkeypatch):
    monkeypatch.delenv("LAB_PREFIX", raising=False)
    argv = _run_argv("lab-redis", "redis:7", ["redis-server", "--save", ""], None, True, 64, {6379: 16379}, {"A": "1"})
    assert argv == [
        "docker",
        "run",
        "-d",
        "--name",
        "lab-redis",
        "--label",
        "io.redis-tini-lab.participant=lab",
        "--pids-limit",
        "64",
        "--init",
        "-p",
        "127.0.0.1:16379:6379",
        "-e",
        "A=1",
        "redis:7",
        "redis-server",
        "--save",
        "",
    ]
    argv = _run_argv("lab-s", "img", None, ["sleep", "infinity"], False, 64, {}, None)
    assert argv[-4:] == ["--entrypoint", "sleep", "img", "infinity"]


def test_port_taken_names_the_port():
    message = _friendly_api_error(
        "driver failed programming external connectivity: Bind for 127.0.0.1:8000 failed: port is already allocated"
    )
    assert message.startswith("port 8000 on 127.0.0.1 is already taken")
    assert "Fix:" in message


def test_wait_until_is_bounded_and_says_what_it_waited_for():
    started = time.monotonic()
    with pytest.raises(lab.LabTimeout, match="Gave up after 0.3s waiting for the moon"):
        lab.wait_until(lambda: False, timeout=0.3, what="the moon", interval=0.05)
    assert time.monotonic() - started < 0.3 + 2  # bounded, with room for a loaded machine


def test_unreachable_docker_is_one_actionable_line(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    lab.engine.docker_client._client.cache_clear()
    try:
        with pytest.raises(lab.LabError) as error:
            lab.client()
    finally:
        monkeypatch.delenv("DOCKER_HOST")
        lab.engine.docker_client._client.cache_clear()
    assert "\n" not in str(error.value)
    assert "Docker is not running" in str(error.value) and "Fix:" in str(error.value)


def test_doctor_without_docker_exits_non_zero_with_the_fix():
    result = subprocess.run(
        [sys.executable, "-m", "lab", "doctor"],
        capture_output=True,
        text=True,
        env={"DOCKER_HOST": "unix:///nonexistent/docker.sock", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 1
    assert "[FAIL] docker engine: not reachable" in result.stdout
    assert "fix: start Docker" in result.stdout


def test_port_taken_by_a_userland_proxy_names_the_port():
    message = _friendly_api_error(
        "driver failed programming external connectivity on endpoint x: Error starting "
        "userland proxy: listen tcp4 127.0.0.1:35759: bind: address already in use"
    )
    assert message.startswith("port 35759 on 127.0.0.1 is already taken")
