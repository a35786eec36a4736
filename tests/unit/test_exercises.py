"""Every exercise check: the solution passes, and each kind of wrong answer gets its own
precise message and hint."""
import pytest

from lab import exercises, progress
from lab.checks import CheckFailed
from lab.exercises import PLACEHOLDER, SOLUTIONS_DIR


@pytest.fixture(autouse=True)
def own_progress_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.delenv("LAB_SOLUTIONS", raising=False)


def solution(exercise):
    return (SOLUTIONS_DIR / exercise.key).read_text()


# -- lesson 2 ---------------------------------------------------------------------------------

def test_entrypoint_solution_passes_and_is_recorded():
    assert exercises.check_entrypoint(solution(exercises.ENTRYPOINT)) == ["tini", "--", "docker-entrypoint.sh"]
    assert exercises.ENTRYPOINT.key in progress.passed_keys()
    assert "1 of 3 exercises passed" in progress.summary()


@pytest.mark.parametrize("answer, message", [
    ('CMD ["redis-server"]', "there is no ENTRYPOINT line"),
    ('ENTRYPOINT tini -- docker-entrypoint.sh\nCMD ["redis-server"]', "is in shell form"),
    ("ENTRYPOINT ['tini', '--', 'docker-entrypoint.sh']\nCMD [\"redis-server\"]", "is in shell form"),
    ('ENTRYPOINT ["docker-entrypoint.sh", "tini"]\nCMD ["redis-server"]', "tini must come first"),
    ('ENTRYPOINT ["tini", "docker-entrypoint.sh"]\nCMD ["redis-server"]', "not followed by '--'"),
    ('ENTRYPOINT ["tini", "--", "redis-server"]\nCMD ["redis-server"]', "official entrypoint script is missing"),
    ('ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]', "setting ENTRYPOINT clears the base image's CMD"),
    ('ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD ["bash"]', "redis-server is not started"),
    ('ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD redis-server', "CMD redis-server is in shell form"),
])
def test_entrypoint_wrong_answers(answer, message):
    with pytest.raises(CheckFailed, match=message):
        exercises.check_entrypoint(answer)


def test_unanswered_exercise_says_so_and_solutions_mode_uses_the_solution(monkeypatch):
    with pytest.raises(CheckFailed, match="no answer yet"):
        exercises.check_entrypoint(PLACEHOLDER)
    monkeypatch.setenv("LAB_SOLUTIONS", "1")
    assert exercises.check_entrypoint(PLACEHOLDER)[0] == "tini"


# -- lesson 4 ---------------------------------------------------------------------------------

def test_liveness_solution_passes():
    assert exercises.check_liveness_probe(solution(exercises.LIVENESS))["exec"]["command"] == ["redis-cli", "ping"]


@pytest.mark.parametrize("answer, message", [
    ("livenessProbe:\n  exec:\n   command: [redis-cli, ping]\n  periodSeconds 5\n", "not valid YAML at line"),
    ("readinessProbe:\n  exec:\n    command: [redis-cli, ping]\n", "this is a readiness probe"),
    ("livenesProbe:\n  exec:\n    command: [redis-cli, ping]\n", "Did you mean 'livenessProbe'"),
    ("livenessProbe:\n  exec:\n    command: [redis-cli, ping]\n  periodSecond: 5\n", "Did you mean 'periodSeconds'"),
    ("livenessProbe:\n  tcpSocket:\n    port: 6379\n", "the probe is tcpSocket, not exec"),
    ("livenessProbe:\n  exec:\n    command: redis-cli ping\n", "it must be a list"),
    ("livenessProbe:\n  exec:\n    command: [sh, -c, redis-cli ping]\n", "the probe runs through a shell"),
    ("livenessProbe:\n  exec:\n    command: [tini, -s, --, redis-cli, ping]\n", "tini in the probe"),
    ("livenessProbe:\n  exec:\n    command: [redis-cli, info]\n", "the command is"),
    ("livenessProbe:\n  exec:\n    command: [redis-cli, ping]\n  timeoutSeconds: 0\n", "timeoutSeconds is 0"),
    ("- livenessProbe", "write one key, livenessProbe"),
])
def test_liveness_wrong_answers(answer, message):
    with pytest.raises(CheckFailed, match=message):
        exercises.check_liveness_probe(answer)


# -- lesson 5 ---------------------------------------------------------------------------------

def test_zombie_fix_solution_passes_statically():
    assert exercises.check_zombie_fix(solution(exercises.ZOMBIE_FIX))["how"] == "tini is PID 1"


SHELL_PROBE = "    livenessProbe:\n      exec:\n        command: [sh, -c, redis-cli ping]\n"


@pytest.mark.parametrize("answer, message", [
    ("containers:\n  - name: redis\n    command: [docker-entrypoint.sh]\n" + SHELL_PROBE, "redis-server is still PID 1"),
    ("containers:\n  - name: redis\n    livenessProbe:\n      exec:\n        command: [redis-cli, ping]\n",
     "keep the shell-form probe"),
    ("containers:\n  - name: redis\n    command: [tini, -s, --, docker-entrypoint.sh]\n" + SHELL_PROBE, "tini -s"),
    ("spec:\n  containers: []\n", "write a pod spec"),
    ("containers:\n  - name: redis\n    image: redis:7.2.4\n" + SHELL_PROBE, "does not start tini as PID 1"),
    ("containers: {name: redis}\n", "containers must be a list"),
])
def test_zombie_fix_wrong_answers(answer, message):
    with pytest.raises(CheckFailed, match=message):
        exercises.check_zombie_fix(answer)


def test_shared_process_namespace_is_a_fix_too():
    answer = "shareProcessNamespace: true\ncontainers:\n  - name: redis\n    command: [docker-entrypoint.sh]\n" + SHELL_PROBE
    assert exercises.check_zombie_fix(answer)["how"] == "the pod's pause container is PID 1"


def test_explicit_tini_command_is_a_fix():
    answer = ("containers:\n  - name: redis\n    image: redis:7.2.4\n"
              "    command: [tini, --, docker-entrypoint.sh]\n" + SHELL_PROBE)
    assert exercises.check_zombie_fix(answer)["how"] == "tini is PID 1"


def test_a_stall_that_timed_nothing_out_is_not_a_pass():
    with pytest.raises(CheckFailed, match="no probe timed out during the stall"):
        exercises.check_zombie_fix(solution(exercises.ZOMBIE_FIX),
                                   measure=lambda spec: {"timed-out probes": 0, "zombies": 0})


def test_a_measurement_with_zombies_fails_the_check():
    with pytest.raises(CheckFailed, match="measured 2 timed-out probes and 2 zombies"):
        exercises.check_zombie_fix(solution(exercises.ZOMBIE_FIX),
                                   measure=lambda spec: {"timed-out probes": 2, "zombies": 2})


def test_probe_timings_that_would_stall_the_lesson_are_refused():
    with pytest.raises(CheckFailed, match="restarted only after about 181s"):
        exercises.check_liveness_probe("livenessProbe:\n  exec:\n    command: [redis-cli, ping]\n  periodSeconds: 60\n")


def test_redis_with_probe_is_the_lesson_manifest():
    from lab import manifests
    ours = exercises.redis_with_probe(solution(exercises.LIVENESS))
    reference = manifests.load([exercises.settings.REPO_ROOT / "k8s" / "lesson-04" / "redis.yaml"])
    assert [m.body for m in ours] == [m.body for m in reference]
