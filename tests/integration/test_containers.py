"""The Docker helpers against the real Docker Engine."""

import time

import pytest

import lab
from lab.core import settings


def test_run_twice_replaces_instead_of_failing(participant):
    first = lab.run("box", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
    second = lab.run("box", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
    assert first.id != second.id
    assert lab.is_running(second)
    assert second.labels[settings.LABEL] == participant


def test_run_never_touches_a_container_it_did_not_label(participant, docker_engine):
    name = settings.container_name("theirs")
    stranger = docker_engine.containers.run(
        lab.redis_image(), ["sleep", "infinity"], name=name, detach=True, pids_limit=16
    )
    try:
        with pytest.raises(lab.LabError, match=f"{name} already exists .* will not touch it"):
            lab.run("theirs", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
        lab.remove(name)  # by name: only the lab's own containers are looked at, so nothing happens
        with pytest.raises(lab.LabError, match="not made by this lab"):
            lab.remove(stranger)  # handed the container itself: refused
        with pytest.raises(lab.LabError, match="there is no container .* made by this lab"):
            lab.exec_in(name, ["true"])  # never exec into someone else's container
        stranger.reload()
        assert stranger.status == "running"
    finally:
        stranger.remove(force=True)


def test_every_container_gets_a_pids_limit_and_loopback_ports(participant):
    box = lab.run("web", lab.redis_image(), entrypoint=["sleep", "infinity"], ports={6379: 0}, quiet=True)
    box.reload()
    assert box.attrs["HostConfig"]["PidsLimit"] == settings.DEFAULT_PIDS_LIMIT
    bindings = box.attrs["HostConfig"]["PortBindings"]["6379/tcp"]
    assert all(b["HostIp"] == "127.0.0.1" for b in bindings)
    assert not box.attrs["HostConfig"]["Privileged"]


def test_exec_returns_exit_code_and_both_streams(participant):
    box = lab.run("box", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
    result = lab.exec_in(box, ["sh", "-c", "echo out; echo err >&2; exit 3"], quiet=True)
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")


def test_exec_timeout_is_bounded_and_kills_the_process(participant):
    box = lab.run("box", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
    started = time.monotonic()
    with pytest.raises(lab.LabTimeout, match=r"did not finish within 1s; it was killed"):
        lab.exec_in(box, ["sleep", "30"], timeout=1, quiet=True)
    assert time.monotonic() - started < 1 + 5  # its 1 s, then one exec to kill it: bounded, on a loaded machine too
    lab.wait_until(
        lambda: not any(p.comm == "sleep" and p.pid != 1 and not p.is_zombie for p in lab.process_table(box).processes),
        timeout=5,
        what="the timed-out sleep to be gone",
    )


def test_pids_limit_stops_a_fork_storm(participant):
    box = lab.run("storm", lab.redis_image(), entrypoint=["sleep", "infinity"], pids_limit=12, quiet=True)
    result = lab.exec_in(box, ["sh", "-c", "for i in $(seq 30); do sleep 5 & done; wait"], timeout=20, quiet=True)
    assert "fork" in result.stderr.lower() or "resource temporarily unavailable" in result.stderr.lower()
    assert lab.pids_in_use(box) <= 12


def test_logs_and_stop(participant):
    redis = lab.run_redis("redis", lab.redis_image(), quiet=True)
    assert "Ready to accept connections" in lab.logs(redis, quiet=True)
    stopped = lab.stop(redis, grace=10)
    assert stopped.exit_code == 0 and stopped.seconds < 5


def test_missing_container_is_a_clear_error(participant):
    with pytest.raises(lab.LabError, match="there is no container .*-nothing made by this lab. Fix: run the cell"):
        lab.exec_in("nothing", ["true"])
