"""The mystery-restarts exercise (lab/course/mystery.py): which fixes pass the text checks, which
mistakes the hints know, and the measured verdict (with a recording `measure` callback; the
real measurement runs in lesson 5, on Kubernetes)."""

import copy

import pytest
import yaml

from lab.core.errors import CheckFailed
from lab.course import exercises, mystery


@pytest.fixture(autouse=True)
def fresh_hints(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # this test's own progress file
    monkeypatch.delenv("LAB_SOLUTIONS", raising=False)
    exercises.reset_hints()
    yield
    exercises.reset_hints()


def spec_with(change) -> str:
    spec = mystery.pod_spec()
    change(spec, spec["containers"][0])
    return yaml.safe_dump(spec)


def exec_form_probes(spec, container):
    container["livenessProbe"]["exec"]["command"] = ["redis-cli", "ping"]
    container["readinessProbe"]["exec"]["command"] = ["redis-cli", "ping"]


def exec_form_probes_that_check_the_answer(spec, container):
    container["livenessProbe"]["exec"]["command"] = ["redis-cli", "-e", "ping"]
    container["readinessProbe"]["exec"]["command"] = ["redis-cli", "-e", "ping"]


def exec_form_liveness_and_no_readiness(spec, container):
    container["livenessProbe"]["exec"]["command"] = ["redis-cli", "ping"]
    del container["readinessProbe"]  # one redis needs none (lesson 4)


def tini_pid1(spec, container):
    container["command"] = ["tini", "--"] + container["command"]


def tini_s_pid1(spec, container):
    container["command"] = ["tini", "-s", "--"] + container["command"]


def shared_pid_namespace(spec, container):
    spec["shareProcessNamespace"] = True


def shell_execs_tini(spec, container):
    script = container["command"][-1].replace("& exec docker-entrypoint.sh", "& exec tini -- docker-entrypoint.sh")
    container["command"] = container["command"][:-1] + [script]


FIXES = [
    exec_form_probes,
    exec_form_probes_that_check_the_answer,
    exec_form_liveness_and_no_readiness,
    tini_pid1,
    tini_s_pid1,
    shared_pid_namespace,
    shell_execs_tini,
]


def no_job(spec, container):
    container["command"] = ["docker-entrypoint.sh", "redis-server", "--save", ""]


def no_probe(spec, container):
    del container["livenessProbe"]


def higher_threshold(spec, container):
    container["livenessProbe"]["failureThreshold"] = 30


def slower_period(spec, container):
    del container["livenessProbe"]["periodSeconds"]  # the default, 10 s


def longer_timeout(spec, container):
    container["livenessProbe"]["timeoutSeconds"] = 5


WRONG = [
    ("containers:\n  - name: redis\n   image: x", "invalid-yaml"),
    (yaml.safe_dump({"spec": mystery.pod_spec()}), "not-a-pod-spec"),
    (spec_with(lambda s, c: c.update(comand=["x"])), "unknown-field"),
    (yaml.safe_dump({"containers": []}), "containers-not-one"),
    (spec_with(no_job), "maintenance-removed"),
    (spec_with(no_probe), "probe-removed"),
    (spec_with(higher_threshold), "probe-loosened"),
    (spec_with(slower_period), "probe-loosened"),
    (spec_with(longer_timeout), "probe-loosened"),
    (spec_with(lambda s, c: c["livenessProbe"].update(periodSeconds="1")), "bad-number"),
    (spec_with(lambda s, c: c["livenessProbe"].update(timeoutSeconds=None)), "bad-number"),
    (spec_with(lambda s, c: c["livenessProbe"].update({"exec": {}})), "probe-removed"),
]
MEASURED_WRONG = [
    ({"restarts": 0, "timed_out_probes": 0, "most_zombies": 0, "zombies": 0}, "nothing-timed-out"),
    ({"restarts": 1, "timed_out_probes": 9, "most_zombies": 6, "zombies": 0}, "still-leaking"),
    ({"restarts": 0, "timed_out_probes": 9, "most_zombies": 4, "zombies": 4}, "still-leaking"),
]
MYSTERY_TESTED = {mistake for _, mistake in WRONG} | {mistake for _, mistake in MEASURED_WRONG}


class RecordingMeasure:
    def __init__(self, result):
        self.result, self.specs = result, []

    def __call__(self, spec):
        self.specs.append(copy.deepcopy(spec))
        return dict(self.result)


FIXED = {"restarts": 0, "timed_out_probes": 12, "most_zombies": 0, "zombies": 0}


@pytest.mark.parametrize("fix", FIXES, ids=lambda f: f.__name__)
def test_every_right_fix_passes_once_measured(fix, capsys):
    measure = RecordingMeasure(FIXED)
    assert mystery.check_fix(spec_with(fix), measure=measure) == FIXED
    assert measure.specs and "CLIENT PAUSE" in " ".join(measure.specs[0]["containers"][0]["command"])
    assert "0 restarts and 0 zombies" in capsys.readouterr().out


def test_the_unchanged_spec_is_rejected_by_its_measurement():
    """The text alone cannot tell a fix: the spec as the other team wrote it passes the text
    checks, and only the measurement (zombies, a restart) fails it."""
    measure = RecordingMeasure({"restarts": 1, "timed_out_probes": 20, "most_zombies": 8, "zombies": 0})
    with pytest.raises(CheckFailed) as failed:
        mystery.check_fix(mystery.spec_yaml(), measure=measure)
    assert failed.value.mistake == "still-leaking"


@pytest.mark.parametrize("answer,mistake", WRONG, ids=[m for _, m in WRONG])
def test_each_wrong_fix_names_its_mistake(answer, mistake):
    with pytest.raises(CheckFailed) as failed:
        mystery.check_fix(answer, measure=RecordingMeasure(FIXED))
    assert failed.value.mistake == mistake


@pytest.mark.parametrize("result,mistake", MEASURED_WRONG, ids=[m for _, m in MEASURED_WRONG])
def test_a_measurement_that_shows_no_fix_fails(result, mistake):
    with pytest.raises(CheckFailed) as failed:
        mystery.check_fix(spec_with(exec_form_probes), measure=RecordingMeasure(result))
    assert failed.value.mistake == mistake


def test_tini_s_in_the_probe_passes_the_text_and_only_its_measurement_fails_it():
    """tini -s inside the probe reads like a fix, but the runtime SIGKILLs tini with the probe
    (lesson 5's matrix measures it leaking): only a measurement can say so."""

    def tini_s_in_probe(spec, container):
        container["livenessProbe"]["exec"]["command"] = ["tini", "-s", "--", "sh", "-c", "redis-cli ping"]

    answer = spec_with(tini_s_in_probe)
    mystery.check_fix(answer)  # the text checks pass
    with pytest.raises(CheckFailed) as failed:
        mystery.check_fix(
            answer, measure=RecordingMeasure({"restarts": 1, "timed_out_probes": 14, "most_zombies": 9, "zombies": 0})
        )
    assert failed.value.mistake == "still-leaking"


def test_hints_escalate_to_the_answers():
    levels = []
    for _ in range(3):
        with pytest.raises(CheckFailed) as failed:
            mystery.check_fix(spec_with(no_job))
        levels.append(failed.value.hint_level)
    assert levels == [1, 2, 3]
    assert "tini" in str(failed.value) and "shareProcessNamespace" in str(failed.value)


def test_the_solution_is_a_right_fix():
    solution = (exercises.SOLUTIONS_DIR / exercises.MYSTERY.key).read_text()
    assert mystery.check_fix(solution, measure=RecordingMeasure(FIXED)) == FIXED
