"""Every promise of lab/targets/contract.py, checked on the real Kubernetes this machine has
(kind, or the CI stand-in).

Two small redis Deployments carry an exec liveness probe that fails while /tmp/fail
exists, so a test can make the probe fail and pass on demand, without timeouts."""

import time

import pytest

import lab
from lab.core import settings
from lab.core.waiting import wait_until
from lab.course import experiments
from lab.engine.exec_result import ExecTimedOut
from lab.engine.processes import pod_process_table
from lab.targets import kind_config
from lab.targets.contract import Target
from tests.helpers import kubernetes_or_fail

PROBE = ["sh", "-c", "test ! -e /tmp/fail"]
STEADY = "contract-steady"  # failureThreshold 1000: fails as long as asked, never restarted
FRAGILE = "contract-fragile"  # failureThreshold 2: restarted after two failures


def probe_deployment(name: str, failure_threshold: int):
    manifest = experiments.redis_deployment(name, PROBE, period=1, timeout=1, failure_threshold=failure_threshold)
    return manifest


@pytest.fixture(scope="module")
def target(docker_engine):
    """The Kubernetes target for a participant of its own, with both Deployments applied
    (the images are built on Docker Engine, then loaded onto the nodes)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAB_PREFIX", "contract")
        patch.setenv("LAB_TARGET", kubernetes_or_fail())
        chosen = lab.target()
        chosen.prepare([lab.build_image(spec, quiet=True) for spec in settings.ALL_IMAGES])
        chosen.apply_manifests([probe_deployment(STEADY, 1000), probe_deployment(FRAGILE, 2)])
        chosen.wait_ready(timeout=120, names=[STEADY, FRAGILE])
        yield chosen
        chosen.delete()


def test_node_images_names_the_images_a_node_lacks(target):
    """The lab's images were loaded onto the nodes (prepare): each node is Ready, has them,
    and lacks an image nobody loaded (unless its status lists the kubelet's maximum)."""
    ours = [spec.tag for spec in settings.ALL_IMAGES]
    lab.wait_until(
        lambda: all(not node["missing"] for node in target.node_images(ours, quiet=True).values()),
        timeout=90,
        interval=3,
        what="the nodes' status to list the images just loaded (the kubelet refreshes it about every 30 s)",
    )
    nodes = target.node_images([*ours, "redis-tini-lab/never-loaded:1"], quiet=True)
    assert nodes and all(node["ready"] for node in nodes.values())
    assert all(node["missing"] == ["redis-tini-lab/never-loaded:1"] or node["full"] for node in nodes.values())


def fail_probe(target, name: str, failing: bool) -> None:
    command = ["touch", "/tmp/fail"] if failing else ["rm", "-f", "/tmp/fail"]
    assert target.exec(name, command, quiet=True).exit_code == 0


def test_it_is_a_target(target):
    assert isinstance(target, Target)


def test_wait_ready_on_a_name_that_does_not_exist_is_a_clear_error(target):
    with pytest.raises(lab.LabError) as error:
        target.wait_ready(timeout=5, names=[STEADY, "contract-nope"])
    assert "no deployment contract-nope" in str(error.value) and "Fix:" in str(error.value)
    assert "\n" not in str(error.value)


def test_exec_returns_the_exit_code_and_both_streams(target):
    result = target.exec(STEADY, ["sh", "-c", "echo out; echo err >&2; exit 3"], quiet=True)
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")


def test_exec_that_overruns_its_timeout_is_killed_and_says_so(target):
    started = time.monotonic()
    with pytest.raises(ExecTimedOut) as error:
        target.exec(STEADY, ["sleep", "30"], timeout=2, quiet=True)
    assert error.value.killed and "did not finish within 2s; it was killed (SIGKILL)" in str(error.value)
    assert time.monotonic() - started < 10
    lab.wait_until(
        lambda: not any(p.comm == "sleep" for p in pod_process_table(target, STEADY, quiet=True).processes),
        timeout=5,
        what="the killed sleep to be gone",
    )


def test_liveness_passing_is_the_state_of_the_latest_probe_run(target):
    assert target.liveness_passing(STEADY)
    fail_probe(target, STEADY, True)
    try:
        lab.wait_until(lambda: not target.liveness_passing(STEADY), timeout=15, what="the probe to fail")
    finally:
        fail_probe(target, STEADY, False)
    lab.wait_until(lambda: target.liveness_passing(STEADY), timeout=15, what="the probe to pass again")
    assert target.restart_count(STEADY) == 0


def test_describe_shows_the_probe_its_runs_and_the_restart_count(target, capsys):
    """What a person reads with `kubectl describe pod`: the probe as configured, evidence of
    its runs, and restartCount; the printed command is typeable."""
    text = target.describe(FRAGILE)
    printed = capsys.readouterr().out
    assert printed.startswith("$ kubectl describe pod")
    probe_line = next(line for line in text.splitlines() if line.startswith("Liveness:"))
    assert " ".join(PROBE) in probe_line and "period=1s" in probe_line and "#failure=2" in probe_line
    assert f"Restart Count:  {target.restart_count(FRAGILE)}" in text
    assert "passed" in text  # the kubelet's count of runs


def test_the_watch_counts_every_failure_past_the_kubelets_event_burst(target):
    """Client-go's spam filter lets the kubelet record about 25 events per pod; the count of
    failed probes must go on past that."""
    before = target.failed_probes(STEADY)
    fail_probe(target, STEADY, True)
    try:
        rows = target.watch(40, deployments=[STEADY], interval=0.5)
    finally:
        fail_probe(target, STEADY, False)
    failures = [row for row in rows if row["event"] == "probe failed"]
    assert len(failures) >= 30, f"only {len(failures)} failures counted in 40 s of a probe failing every second"
    assert all(row["deployment"] == STEADY for row in rows)
    assert target.failed_probes(STEADY) != before
    recorded = target.unhealthy_events(STEADY)
    assert recorded < len(failures), f"{recorded} Unhealthy events for {len(failures)} failures"
    assert target.restart_count(STEADY) == 0


def test_liveness_runs_count_each_passing_run(target):
    """The kubelet's count of passing runs grows with each run (a probe every second), and
    stands still while the probe fails: what lesson 5's sampling waits on after a pause."""

    def passed() -> int | None:
        return target.liveness_runs([STEADY])[STEADY].passed

    before = passed()
    assert before is not None, "the kubelet's counts are readable here (kind, the stand-in)"
    grown = wait_until(lambda: (passed() or 0) > before, timeout=10, what="a passing run", interval=0.5)
    assert grown
    fail_probe(target, STEADY, True)
    try:
        time.sleep(2)  # a run that had started before the file existed may still pass
        failing_since = passed()
        time.sleep(3)  # three runs, all failing
        assert passed() == failing_since
    finally:
        fail_probe(target, STEADY, False)


def test_failed_probes_restart_the_container_in_place(target):
    def fail_after_the_first_look(_elapsed):  # a failure before the watch's first look would not be news
        if not failing:
            failing.append(fail_probe(target, FRAGILE, True))

    failing = []
    rows = target.watch(
        40,
        deployments=[FRAGILE],
        interval=0.5,
        on_tick=fail_after_the_first_look,
        until=lambda: target.restart_count(FRAGILE) > 0,
    )
    events = [row["event"] for row in rows if row["event"] in ("probe failed", "restarted")]
    assert "restarted" in events and events.index("restarted") >= 2, events
    assert target.restart_count(FRAGILE) == 1
    target.wait_ready(timeout=60, names=[FRAGILE])
    assert target.exec(FRAGILE, ["ls", "/tmp/fail"], quiet=True).exit_code != 0  # a fresh container


def test_restart_replaces_the_pod_and_its_count_starts_again(target):
    target.restart(FRAGILE)
    assert target.restart_count(FRAGILE) == 0
    assert target.exec(FRAGILE, ["redis-cli", "ping"], quiet=True).stdout.strip() == "PONG"


def test_pod_lifetimes_show_the_current_pod_created_then_ready(target):
    current = [pod for pod in target.pod_lifetimes(STEADY) if pod.deleting is None]
    assert len(current) == 1
    pod = current[0]
    assert pod.ready is not None and pod.created <= pod.ready + 1 <= time.time() + 2  # server times: whole seconds
    assert target.pod_lifetimes("contract-nope") == []


def test_pids_in_use_are_read_beside_the_limit(target):
    limit = target.pids_limit(STEADY)
    in_use = target.pids_in_use(STEADY)
    assert limit == kind_config.pod_pids_limit()
    assert in_use is not None and 2 <= in_use <= limit


def test_delete_removes_every_named_deployment_and_is_idempotent(target):
    extra = [experiments.redis_deployment(name, ["redis-cli", "ping"]) for name in ("contract-a", "contract-b")]
    target.apply_manifests(extra)
    target.wait_ready(timeout=120, names=["contract-a", "contract-b"])
    started = time.monotonic()
    target.delete(["contract-a", "contract-gone", "contract-b"])
    target.delete(["contract-a", "contract-b"])
    assert time.monotonic() - started < 130
    assert not {"contract-a", "contract-b"} & set(target.deployments())
    assert {STEADY, FRAGILE} <= set(target.deployments())
