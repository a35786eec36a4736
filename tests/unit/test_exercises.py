"""Every exercise check: every right answer passes, each kind of wrong answer is named by
its mistake id with a precise message, and hints escalate from why to where to what."""

import pytest
import yaml

from lab.core import settings
from lab.core.errors import CheckFailed
from lab.course import exercises, progress
from lab.course.exercises import (
    ENTRYPOINT,
    LIVENESS,
    MISTAKES,
    PLACEHOLDER,
    REDIS_IMAGE,
    SOLUTIONS_DIR,
    ZOMBIE_FIX,
)
from lab.course.exercises import pid1 as pid1_rules


@pytest.fixture(autouse=True)
def own_progress_file_and_fresh_hints(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.delenv("LAB_SOLUTIONS", raising=False)
    exercises.reset_hints()


def solution(exercise):
    return (SOLUTIONS_DIR / exercise.key).read_text()


def failure(check, answer, **options) -> CheckFailed:
    with pytest.raises(CheckFailed) as caught:
        check(answer, **options)
    return caught.value


# -- lesson 2 ---------------------------------------------------------------------------------


def test_entrypoint_solution_passes_and_is_recorded():
    assert exercises.check_entrypoint(solution(ENTRYPOINT)) == ["tini", "--", "docker-entrypoint.sh"]
    assert ENTRYPOINT.key in progress.passed_keys()
    assert f"1 of {len(exercises.ALL)} exercises passed" in exercises.summary()


@pytest.mark.parametrize(
    "answer",
    [
        'ENTRYPOINT ["tini", "-s", "--", "docker-entrypoint.sh"]\nCMD ["redis-server"]',
        'ENTRYPOINT ["tini", "-g", "--", "docker-entrypoint.sh"]\nCMD ["redis-server"]',
        'ENTRYPOINT ["/usr/bin/tini", "-s", "-g", "-v", "--", "docker-entrypoint.sh"]\nCMD ["redis-server"]',
        'ENTRYPOINT ["tini", "-p", "SIGTERM", "--", "docker-entrypoint.sh"]\nCMD ["redis-server"]',
        'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD ["redis-server", "--save", ""]',
        'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD ["--save", ""]',  # the script puts redis-server first
        'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh", "redis-server"]',  # no CMD needed then
        'entrypoint ["tini", "--", \\\n    "docker-entrypoint.sh"]\nCMD ["redis-server"]',
    ],
)
def test_entrypoint_right_answers(answer):
    assert exercises.check_entrypoint(answer)[0].endswith("tini")


def test_entrypoint_with_tini_s_passes_and_says_s_is_redundant(capsys):
    exercises.check_entrypoint('ENTRYPOINT ["tini", "-s", "--", "docker-entrypoint.sh"]\nCMD ["redis-server"]')
    out = capsys.readouterr().out
    assert out.startswith("PASS:") and "-s is redundant" in out and "child subreaper" in out


ENTRYPOINT_WRONG = [
    ('CMD ["redis-server"]', "no-entrypoint", "there is no ENTRYPOINT line"),
    ('ENTRYPOINT tini -- docker-entrypoint.sh\nCMD ["redis-server"]', "entrypoint-shell-form", "is in shell form"),
    (
        "ENTRYPOINT ['tini', '--', 'docker-entrypoint.sh']\nCMD [\"redis-server\"]",
        "entrypoint-shell-form",
        "shell form",
    ),
    ('ENTRYPOINT ["docker-entrypoint.sh", "tini"]\nCMD ["redis-server"]', "tini-not-first", "runs as PID 1"),
    ('ENTRYPOINT []\nCMD ["redis-server"]', "tini-not-first", "starts with []"),
    ('ENTRYPOINT ["/tini", "-s", "--", "docker-entrypoint.sh"]\nCMD ["redis-server"]', "tini-path", "'/tini'"),
    ('ENTRYPOINT ["tini", "docker-entrypoint.sh"]\nCMD ["redis-server"]', "tini-without-dashes", "no '--'"),
    ('ENTRYPOINT ["tini", "docker-entrypoint.sh", "--"]\nCMD ["redis-server"]', "tini-without-dashes", "no '--'"),
    ('ENTRYPOINT ["tini", "--", "redis-server"]\nCMD ["redis-server"]', "no-docker-entrypoint", "not the official"),
    ('ENTRYPOINT ["tini", "--"]\nCMD ["redis-server"]', "no-docker-entrypoint", "tini runs []"),
    ('ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]', "no-cmd", "there is no CMD line"),
    ('ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD []', "no-cmd", "CMD is empty"),
    (
        'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD redis-server',
        "cmd-shell-form",
        "CMD redis-server is in shell form",
    ),
    (
        'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD ["bash"]',
        "cmd-not-redis-server",
        "redis-server is not started",
    ),
    (
        'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh", "redis-server"]\nCMD ["redis-server"]',
        "redis-server-twice",
        "redis-server twice",
    ),
]


@pytest.mark.parametrize("answer, mistake, message", ENTRYPOINT_WRONG)
def test_entrypoint_wrong_answers(answer, mistake, message):
    error = failure(exercises.check_entrypoint, answer)
    assert (error.mistake, error.hint_level) == (mistake, 1)
    assert message in str(error)


def test_unanswered_exercise_says_so_and_solutions_mode_uses_the_solution(monkeypatch):
    assert failure(exercises.check_entrypoint, PLACEHOLDER).mistake == "no-answer"
    with pytest.raises(CheckFailed, match="no answer yet"):
        exercises.check_entrypoint(PLACEHOLDER)
    monkeypatch.setenv("LAB_SOLUTIONS", "1")
    assert exercises.check_entrypoint(PLACEHOLDER)[0] == "tini"


# -- lesson 4 ---------------------------------------------------------------------------------


def test_liveness_solution_passes():
    assert exercises.check_liveness_probe(solution(LIVENESS))["exec"]["command"] == ["redis-cli", "ping"]


def probe(command: str, extra: str = "") -> str:
    return f"livenessProbe:\n  exec:\n    command: {command}\n{extra}"


@pytest.mark.parametrize(
    "answer",
    [
        probe("[redis-cli, ping]"),
        probe('["redis-cli", "-e", "ping"]', "  periodSeconds: 5\n  timeoutSeconds: 1\n  failureThreshold: 3\n"),
        probe("[redis-cli, PING]"),
        probe("[redis-cli, -h, 127.0.0.1, -p, '6379', -e, ping]"),
        probe("[redis-cli, ping]", "  initialDelaySeconds: 0\n  successThreshold: 1\n"),
    ],
)
def test_liveness_right_answers(answer):
    assert exercises.check_liveness_probe(answer)["exec"]["command"][0] == "redis-cli"


@pytest.mark.parametrize(
    "command",
    [
        "[/tini, -s, --, redis-cli, ping]",
        "[tini, --, redis-cli, ping]",
        "[/usr/bin/tini, -s, --, redis-cli, -e, ping]",
        "[tini, -s, redis-cli, ping]",
    ],
)
def test_the_lectures_probe_is_accepted_and_lesson_5_gets_the_reveal(command, capsys):
    assert exercises.check_liveness_probe(probe(command))["exec"]["command"][0].endswith("tini")
    out = capsys.readouterr().out
    assert "the lecture's probe" in out and "lesson 5" in out and "zombie" not in out


def test_redis_cli_e_ping_passes_and_the_pass_line_says_why(capsys):
    exercises.check_liveness_probe(probe('["redis-cli", "-e", "ping"]'))
    out = capsys.readouterr().out
    assert "exit 1 on an error reply" in out and "NOAUTH" in out and "exits 0" in out


LIVENESS_WRONG = [
    (probe("[redis-cli, ping]", "  periodSeconds 5\n"), "invalid-yaml", "not valid YAML at line"),
    ("- livenessProbe", "not-one-key", "write one key, livenessProbe"),
    ("readinessProbe:\n  exec:\n    command: [redis-cli, ping]\n", "readiness-probe", "this is a readiness probe"),
    ("livenesProbe:\n  exec:\n    command: [redis-cli, ping]\n", "not-a-probe-key", "Did you mean 'livenessProbe'"),
    ("livenessProbe:\n", "probe-not-a-mapping", "no fields under it"),
    (probe("[redis-cli, ping]", "  periodSecond: 5\n"), "unknown-probe-field", "Did you mean 'periodSeconds'"),
    ("livenessProbe:\n  tcpSocket:\n    port: 6379\n", "not-exec", "the probe is tcpSocket, not exec"),
    ("livenessProbe:\n  periodSeconds: 5\n", "not-exec", "missing its handler"),
    (probe("redis-cli ping"), "command-is-a-string", "command is the string 'redis-cli ping'"),
    ("livenessProbe:\n  exec: {}\n", "no-command", "exec needs a command list"),
    (probe("[redis-cli, -p, 6379, ping]"), "not-all-strings", "6379"),
    (probe("[sh, -c, redis-cli ping]"), "shell-in-probe", "the probe runs through a shell"),
    (probe("[/bin/bash, -c, redis-cli ping]"), "shell-in-probe", "through a shell"),
    # no '--', and an argument that looks like one of tini's options: tini takes "-e ping" as its own
    (probe("[tini, -s, redis-cli, -e, ping]"), "tini-in-probe", "tini runs '-s redis-cli -e ping'"),
    (probe("[/opt/tini, -s, --, redis-cli, ping]"), "tini-in-probe", "tini runs"),
    (probe("[redis-cli, info]"), "other-command", "the command is"),
    (probe("[redis-cli, -h, redis.example, ping]"), "other-command", "the command is"),
    (probe("[redis-cli, ping]", "  timeoutSeconds: 0\n"), "bad-number", "timeoutSeconds is 0"),
    (probe("[redis-cli, ping]", "  periodSeconds: '5'\n"), "bad-number", "periodSeconds is '5'"),
    (probe("[redis-cli, ping]", "  periodSeconds: null\n"), "bad-number", "periodSeconds is None"),
    (probe("[redis-cli, ping]", "  successThreshold: 2\n"), "success-threshold", "successThreshold is 2"),
    (probe("[redis-cli, ping]", "  periodSeconds: 60\n"), "too-slow", "restarted only after about 181s"),
    (probe("[redis-cli, ping]", "  initialDelaySeconds: 300\n"), "slow-start", "initialDelaySeconds is 300"),
]


@pytest.mark.parametrize("answer, mistake, message", LIVENESS_WRONG)
def test_liveness_wrong_answers(answer, mistake, message):
    error = failure(exercises.check_liveness_probe, answer)
    assert (error.mistake, error.hint_level) == (mistake, 1)
    assert message in str(error)


# -- lesson 5 ---------------------------------------------------------------------------------

SHELL_PROBE = "    livenessProbe:\n      exec:\n        command: [sh, -c, redis-cli ping]\n"
ARGS = '    args: ["redis-server", "--save", ""]\n'


def pod(container: str, pod_fields: str = "") -> str:
    """A pod spec with one container named redis: its fields indented under it, the shell-form probe last."""
    return f"{pod_fields}containers:\n  - name: redis\n{container}{SHELL_PROBE}"


def image(name: str) -> str:
    return f"    image: {name}\n    imagePullPolicy: IfNotPresent\n"


COURSE_IMAGE = image(settings.REDIS_TINI.tag)
OFFICIAL_IMAGE = image(settings.REDIS_BASE.official)
SHARED = "shareProcessNamespace: true\n"
PAUSE = "the pod's pause container is PID 1"


def test_zombie_fix_solution_passes_statically():
    assert exercises.check_zombie_fix(solution(ZOMBIE_FIX))["how"] == "tini is PID 1"


@pytest.mark.parametrize(
    "answer, how",
    [
        (pod(COURSE_IMAGE + ARGS), "tini is PID 1"),
        (pod(COURSE_IMAGE), "tini is PID 1"),  # the image's CMD: redis-server
        (pod(COURSE_IMAGE + '    args: ["--save", ""]\n'), "tini is PID 1"),
        (pod(COURSE_IMAGE + '    command: ["tini", "-s", "--", "docker-entrypoint.sh"]\n' + ARGS), "tini is PID 1"),
        (
            pod(COURSE_IMAGE + '    command: ["/usr/bin/tini", "-g", "--", "docker-entrypoint.sh"]\n' + ARGS),
            "tini is PID 1",
        ),
        (pod(COURSE_IMAGE + '    command: ["tini", "--", "docker-entrypoint.sh", "redis-server"]\n'), "tini is PID 1"),
        # the shell execs tini, which then is PID 1 (exec keeps the PID)
        (pod(COURSE_IMAGE + '    command: ["sh", "-c", "exec tini -- redis-server --save \'\'"]\n'), "tini is PID 1"),
        (
            pod(
                COURSE_IMAGE
                + '    command: ["sh", "-c", "echo starting; exec tini -- docker-entrypoint.sh redis-server"]\n'
            ),
            "tini is PID 1",
        ),
        (
            pod(COURSE_IMAGE + '    command: ["sh", "-c", "exec tini -- redis-server\\n"]\n'),
            "tini is PID 1",
        ),  # a YAML | block
        (pod(COURSE_IMAGE + '    command: ["sh", "-c", "echo a;\\nexec tini -- redis-server"]\n'), "tini is PID 1"),
        (pod(COURSE_IMAGE + '    command: ["sh", "-c", "(cd /data); exec tini -- redis-server"]\n'), "tini is PID 1"),
        (pod(OFFICIAL_IMAGE + ARGS, SHARED), PAUSE),
        (pod(OFFICIAL_IMAGE, SHARED), PAUSE),
        (pod(OFFICIAL_IMAGE + '    command: ["docker-entrypoint.sh"]\n' + ARGS, SHARED), PAUSE),
        (pod(COURSE_IMAGE + '    command: ["docker-entrypoint.sh"]\n' + ARGS, SHARED), PAUSE),
        (pod(COURSE_IMAGE + ARGS, SHARED), PAUSE),  # tini runs too, but pause is PID 1 of the pod
        (pod(image("docker.io/library/redis:7.2") + ARGS, SHARED), PAUSE),
        (pod(image("redis") + ARGS, SHARED), PAUSE),
        (pod(image(settings.REDIS_BASE.standin) + ARGS, SHARED), PAUSE),
    ],
)
def test_zombie_fix_right_answers(answer, how):
    assert exercises.check_zombie_fix(answer)["how"] == how


@pytest.mark.parametrize(
    "script,pid1",
    [
        ("exec tini -- redis-server --save ''", ["tini", "--", "redis-server", "--save", ""]),
        ("(sleep 2; exec redis-cli x) & exec tini -- redis-server", ["tini", "--", "redis-server"]),
        ("redis-server", None),
        ("exec redis-server; echo done", None),
        ("exec tini -- redis-server &&", ["tini", "--", "redis-server"]),
        ("exec 'unbalanced", None),
    ],
)
def test_a_shell_that_execs_last_hands_pid1_to_that_program(script, pid1):
    argv = ["sh", "-c", script]
    assert pid1_rules.after_shell_exec(argv) == (pid1 or argv)


def test_tini_s_as_pid1_passes_and_says_s_is_redundant(capsys):
    exercises.check_zombie_fix(pod(COURSE_IMAGE + '    command: ["tini", "-s", "--", "docker-entrypoint.sh"]\n' + ARGS))
    out = capsys.readouterr().out
    assert out.startswith("PASS:") and "tini is PID 1" in out and "-s is redundant" in out


ZOMBIE_FIX_WRONG = [
    ("containers:\n  - name: redis\n   image: x\n", "invalid-yaml", "not valid YAML"),
    ("spec:\n  containers: []\n", "not-a-pod-spec", "write a pod spec"),
    (pod(OFFICIAL_IMAGE, "shareProcessNamespaces: true\n"), "unknown-field", "Did you mean 'shareProcessNamespace'"),
    (pod(COURSE_IMAGE + "    imagePullPolcy: IfNotPresent\n"), "unknown-field", "Did you mean 'imagePullPolicy'"),
    ("containers: {name: redis}\n", "containers-not-one", "containers must be a list"),
    (
        pod(COURSE_IMAGE).replace(SHELL_PROBE, "")
        + "    livenessProbe:\n      exec:\n        command: [redis-cli, ping]\n",
        "probe-changed",
        "keep the shell-form probe",
    ),
    (pod(COURSE_IMAGE).replace(SHELL_PROBE, ""), "probe-changed", "the probe is missing"),
    (pod(COURSE_IMAGE + "    command: docker-entrypoint.sh\n"), "command-not-a-list", "not a list of strings"),
    (pod("    command: [docker-entrypoint.sh]\n" + ARGS, SHARED), "no-image", "has no image"),
    (pod(image("bitnami/redis:7.2") + ARGS, SHARED), "unknown-image", "neither the course's image"),
    (pod(COURSE_IMAGE + ARGS, "hostPID: true\n"), "host-pid", "node's PID namespace"),
    (
        pod(OFFICIAL_IMAGE + '    command: ["tini", "--", "docker-entrypoint.sh"]\n' + ARGS),
        "tini-not-in-image",
        "has no tini",
    ),
    (
        pod(OFFICIAL_IMAGE + '    command: ["tini", "-s", "--", "docker-entrypoint.sh"]\n' + ARGS, SHARED),
        "tini-not-in-image",
        "has no tini",
    ),
    (pod(COURSE_IMAGE + '    command: ["/tini", "--", "docker-entrypoint.sh"]\n' + ARGS), "tini-path", "'/tini'"),
    (pod(COURSE_IMAGE + '    command: ["tini", "docker-entrypoint.sh"]\n' + ARGS), "tini-without-dashes", "no '--'"),
    (
        pod(COURSE_IMAGE + '    command: ["tini", "-s", "--", "docker-entrypoint.sh"]\n'),
        "redis-not-started",
        "never starts redis-server",
    ),
    (pod(OFFICIAL_IMAGE + '    command: ["docker-entrypoint.sh"]\n', SHARED), "redis-not-started", "never starts"),
    (
        pod(COURSE_IMAGE + '    command: ["docker-entrypoint.sh"]\n' + ARGS),
        "no-reaper-pid1",
        'PID 1 is redis-server (command ["docker-entrypoint.sh"] replaces the image\'s ENTRYPOINT)',
    ),
    (pod(OFFICIAL_IMAGE + ARGS), "no-reaper-pid1", "starts docker-entrypoint.sh, which execs redis-server"),
    (pod(COURSE_IMAGE + '    command: ["redis-server"]\n'), "no-reaper-pid1", "PID 1 is redis-server"),
    (pod(COURSE_IMAGE + ARGS, "shareProcessNamespace: false\n"), None, None),  # tini still PID 1: a pass
]


@pytest.mark.parametrize("answer, mistake, message", ZOMBIE_FIX_WRONG)
def test_zombie_fix_wrong_answers(answer, mistake, message):
    if mistake is None:
        assert exercises.check_zombie_fix(answer)["how"] == "tini is PID 1"
        return
    error = failure(exercises.check_zombie_fix, answer)
    assert (error.mistake, error.hint_level) == (mistake, 1)
    assert message in str(error)


class RecordingMeasure:
    """Stands for experiments.measure_pod_spec: a plain callback that keeps the spec it was given."""

    def __init__(self, timed_out: int = 3, zombies: int = 0):
        self.result = {"timed_out_probes": timed_out, "zombies": zombies}
        self.specs = []

    def __call__(self, spec: dict) -> dict:
        self.specs.append(spec)
        return dict(self.result)


@pytest.mark.parametrize("plain_redis", [settings.REDIS_BASE.official, settings.REDIS_BASE.standin])
def test_a_plain_redis_image_is_measured_with_the_course_image_started_the_same_way(plain_redis, capsys):
    """Every target has the course image (kind and the stand-in load only the course's images)."""
    measure = RecordingMeasure()
    answer = pod(image(plain_redis).replace("IfNotPresent", "Always") + ARGS, SHARED)
    assert exercises.check_zombie_fix(answer, measure=measure)["zombies"] == 0
    container = measure.specs[0]["containers"][0]
    assert container["image"] == settings.REDIS_TINI.tag
    assert container["command"] == ["docker-entrypoint.sh"]  # as the official image starts: redis is PID 1
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert measure.specs[0]["shareProcessNamespace"] is True
    out = capsys.readouterr().out
    assert f"measuring with {settings.REDIS_TINI.tag}" in out and "0 zombies" in out


def test_the_course_image_is_measured_as_written(monkeypatch):
    monkeypatch.setenv(settings.REDIS_BASE.build_arg, settings.REDIS_BASE.standin)
    measure = RecordingMeasure()
    exercises.check_zombie_fix(solution(ZOMBIE_FIX), measure=measure)
    assert measure.specs == [yaml.safe_load(solution(ZOMBIE_FIX))]


def test_a_stall_that_timed_nothing_out_is_not_a_pass():
    error = failure(exercises.check_zombie_fix, solution(ZOMBIE_FIX), measure=RecordingMeasure(timed_out=0))
    assert error.mistake == "nothing-timed-out"
    assert "no probe timed out during the stall" in str(error)


def test_a_measurement_with_zombies_fails_the_check():
    error = failure(exercises.check_zombie_fix, solution(ZOMBIE_FIX), measure=RecordingMeasure(timed_out=2, zombies=2))
    assert error.mistake == "zombies-measured"
    assert "measured 2 timed-out probes and 2 zombies" in str(error)


from tests.unit.test_learner_files import DOCKERFILE_TESTED, PROBE_TESTED, REDIS_IMAGE_TESTED  # noqa: E402
from tests.unit.test_lesson6_files import PATIENT_TESTED  # noqa: E402
from tests.unit.test_mystery import MYSTERY_TESTED  # noqa: E402  (the mystery's own tests list theirs)
from tests.unit.test_shell_probe import SHELL_PROBE_TESTED  # noqa: E402


def test_every_mistake_the_hints_know_is_tested():
    tested = {
        ENTRYPOINT.key: {m for _, m, _ in ENTRYPOINT_WRONG} | set(DOCKERFILE_TESTED),
        LIVENESS.key: {m for _, m, _ in LIVENESS_WRONG} | PROBE_TESTED,
        REDIS_IMAGE.key: set(REDIS_IMAGE_TESTED),
        ZOMBIE_FIX.key: {m for _, m, _ in ZOMBIE_FIX_WRONG} - {None} | {"nothing-timed-out", "zombies-measured"},
    }
    tested[exercises.MYSTERY.key] = MYSTERY_TESTED
    tested[exercises.SHELL_PROBE.key] = SHELL_PROBE_TESTED
    tested[exercises.PATIENT_PROBE.key] = PATIENT_TESTED
    assert tested == {key: set(mistakes) for key, mistakes in MISTAKES.items()}


# -- hints --------------------------------------------------------------------------------------

SHELL_IN_PROBE = probe("[sh, -c, redis-cli ping]")


def test_hints_escalate_from_concept_to_field_to_answer():
    hints = MISTAKES[LIVENESS.key]["shell-in-probe"]
    messages = [str(failure(exercises.check_liveness_probe, SHELL_IN_PROBE)) for _ in range(4)]
    for level, message in enumerate(messages[:3], start=1):
        assert f"Hint {level} of 3: {hints.hint(level)}" in message
    assert "run the cell again for a more specific hint" in messages[0]
    assert "run the cell again for a more specific hint" in messages[1]
    assert "run the cell again" not in messages[2]
    assert 'command: ["redis-cli", "ping"]' in messages[2]
    assert messages[3] == messages[2]  # level 3 is the last


def test_each_mistake_has_its_own_hint_level_per_exercise():
    assert failure(exercises.check_liveness_probe, SHELL_IN_PROBE).hint_level == 1
    assert failure(exercises.check_liveness_probe, SHELL_IN_PROBE).hint_level == 2
    assert failure(exercises.check_liveness_probe, probe("[tini, -s, redis-cli, -e, ping]")).hint_level == 1
    assert failure(exercises.check_zombie_fix, "spec: {}\n").hint_level == 1
    assert failure(exercises.check_liveness_probe, SHELL_IN_PROBE).hint_level == 3


def test_a_pass_starts_that_exercises_hints_over():
    failure(exercises.check_liveness_probe, SHELL_IN_PROBE)
    failure(exercises.check_liveness_probe, SHELL_IN_PROBE)
    failure(exercises.check_entrypoint, 'CMD ["redis-server"]')
    exercises.check_liveness_probe(solution(LIVENESS))
    assert failure(exercises.check_liveness_probe, SHELL_IN_PROBE).hint_level == 1
    assert failure(exercises.check_entrypoint, 'CMD ["redis-server"]').hint_level == 2  # another exercise


def test_every_mistake_has_three_different_hints():
    for mistakes in MISTAKES.values():
        for mistake_id, mistake in mistakes.items():
            hints = [mistake.hint(level) for level in (1, 2, 3)]
            assert all(hints) and len(set(hints)) == 3, mistake_id


def test_hints_state_the_course_facts_exactly():
    every_hint = " ".join(
        mistake.hint(level) for mistakes in MISTAKES.values() for mistake in mistakes.values() for level in (1, 2, 3)
    )
    assert "runtimes" not in every_hint and "only PID 1 can reap" not in every_hint
    for mistake_id in ("shell-in-probe",):
        assert (
            "containerd and Docker (>= 20.10.18) SIGKILL the exec'd process only"
            in MISTAKES[LIVENESS.key][mistake_id].concept
        )
    assert (
        "nearest ancestor registered as child subreaper, else to PID 1"
        in MISTAKES[ZOMBIE_FIX.key]["no-reaper-pid1"].concept
    )


# -- lesson 4's answer in k8s/redis.yaml --------------------------------------------------------


def test_a_long_initial_delay_passes_with_a_note_once(capsys):
    exercises.check_liveness_probe(probe("[redis-cli, ping]", "  initialDelaySeconds: 30\n"))
    out = capsys.readouterr().out
    assert "initialDelaySeconds 30 holds the probe off for 30s after every start" in out and "startupProbe" in out
    exercises.check_liveness_probe(probe("[redis-cli, ping]", "  initialDelaySeconds: 5\n"))
    assert "Note:" not in capsys.readouterr().out
