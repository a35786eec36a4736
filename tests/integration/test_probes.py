"""Lessons 4 and 5 measured on the docker target: the facts.md table, PID exhaustion,
the liveness restart under DockerCoins, and redis' accidental reaping."""
import pytest

import lab
from lab import dockercoins, experiments, settings
from lab.docker_target import DockerTarget
from tests.helpers import free_port


@pytest.fixture
def target(participant, docker_engine):
    for spec in settings.ALL_IMAGES:
        lab.build_image(spec, quiet=True)
    deployed = DockerTarget(node_ports={30080: free_port()})
    yield deployed
    deployed.delete()


def test_probe_timeout_matrix_matches_facts(target):
    result = experiments.probe_timeout_matrix(target)
    rows = {row["variant"]: row for row in result.rows}
    for variant in experiments.VARIANTS:
        row = rows[variant.name]
        assert row["timed-out probes"] > 0, row  # the stall really timed the probe out
        if variant.leaks:
            # one orphaned redis-cli per killed sh/tini, reparented to redis-server, never reaped
            assert row["zombies"] == row["timed-out probes"] and row["zombie commands"] == "redis-cli", row
            assert row["PID 1"] == "redis-server"
        else:
            assert row["zombies"] == 0, row
    assert rows["tini-pid1"]["PID 1"] == "tini" and rows["shared-pid-ns"]["PID 1"] == "docker-init"
    assert result.seconds < 60
    assert target.deployments() == []  # cleaned up after itself


def test_pid_exhaustion_ends_in_a_restart_and_never_exceeds_the_limit(target):
    result = experiments.pid_exhaustion(target, timeout=120)
    assert result.restarted and result.seconds < 150
    assert max(r["pids"] for r in result.series) <= result.pids_limit == 12
    before_restart = [r for r in result.series if r["restarts"] == 0 and r["zombies"] is not None]
    assert max(r["zombies"] for r in before_restart) >= 4  # zombies really piled up
    assert result.series[-1]["zombies"] == 0  # and the restart "fixed" it
    assert any("Cannot fork" in row["detail"] or "exec failed" in row["detail"] for row in result.timeline)


def test_liveness_probe_restarts_a_stalled_redis_and_dockercoins_recovers(target):
    target.apply()
    target.apply([settings.REPO_ROOT / "k8s" / "lesson-04" / "redis.yaml"])
    target.wait_ready(timeout=60)
    url = target.url("webui")
    dockercoins.expect_mining(url, at_least=5, timeout=60)
    lab.wait_until(lambda: target.liveness_passing("redis"), timeout=30, what="the probe to pass")
    result = experiments.stall_until_restart(target, url, timeout=90)
    assert result.restarts_after == result.restarts_before + 1
    failures = [row for row in result.timeline if row["event"] == "probe failed"]
    assert len(failures) == 3 and all("exceeded timeout" in row["detail"] for row in failures)
    assert any(s["hashes"] is None for s in result.samples)  # the dip
    assert result.samples[-1]["hashes"] > result.samples[-4]["hashes"]  # the recovery


def test_bgsave_reaps_the_probes_zombies_by_accident(target):
    result = experiments.accidental_reaping(target)
    assert result["zombies before"] > 0
    assert result["'unmatched pid' log lines"] == result["zombies before"]
