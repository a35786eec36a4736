"""Lesson 6's exercise in a file, work/06-loaded-redis.yaml: the check reads the probe's
timing against the slowest PING measured under load, names the mistake, and under
LAB_SOLUTIONS=1 writes the solution's timeout into an unchanged copy, comments kept."""

import pytest

from lab.core import settings
from lab.core.errors import CheckFailed, LabError
from lab.course import exercises
from lab.course.exercises.patient_probe import PATIENT_COPY

UPSTREAM = (settings.REPO_ROOT / "k8s" / "lesson-06" / "loaded-redis.yaml").read_text()
SLOWEST_MS = 7900  # as measured on the stand-in: a PING waited out most of a pipeline


@pytest.fixture(autouse=True)
def a_repository_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "REPO_ROOT", tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("LAB_SOLUTIONS", raising=False)
    exercises.reset_hints()
    (tmp_path / "work").mkdir()


def copy_with(old: str = "", new: str = "") -> None:
    (settings.REPO_ROOT / PATIENT_COPY).write_text(UPSTREAM.replace(old, new) if old else UPSTREAM)


def mistake() -> str:
    with pytest.raises(CheckFailed) as caught:
        exercises.check_patient_probe(SLOWEST_MS)
    return caught.value.mistake


PATIENT_WRONG = [
    ("", "", "timeout-below-load"),  # unchanged: 1 s
    ("timeoutSeconds: 1", "timeoutSeconds: 10", "timeout-below-load"),  # under 2 x 8 s
    ("timeoutSeconds: 1", "timeoutSeconds: 58", "stall-not-caught"),
    ("timeoutSeconds: 1", "timeoutSeconds: 20", "stall-not-caught"),  # runs one at a time: 2 + 3 x 20 > 60
    (
        "periodSeconds: 2\n            timeoutSeconds: 1",
        "periodSeconds: 30\n            timeoutSeconds: 20",
        "stall-not-caught",
    ),
    ('command: ["redis-cli", "ping"]', 'command: ["sh", "-c", "redis-cli ping"]', "probe-changed"),
    ("            timeoutSeconds: 1", "          timeoutSeconds: 10", "invalid-yaml"),  # misindented
    ("timeoutSeconds: 1", 'timeoutSeconds: "10"', "invalid-yaml"),
]
PATIENT_TESTED = {m for _, _, m in PATIENT_WRONG}


@pytest.mark.parametrize("old, new, expected", PATIENT_WRONG)
def test_a_wrong_timing_is_named(old, new, expected):
    copy_with(old, new)
    assert mistake() == expected


def test_a_patient_probe_passes_and_says_by_how_much(capsys):
    copy_with("timeoutSeconds: 1", "timeoutSeconds: 18")
    assert exercises.check_patient_probe(SLOWEST_MS)["timeoutSeconds"] == 18
    out = capsys.readouterr().out
    assert "2.2 times over" in out and "after about 56 s" in out


def test_under_solutions_an_unchanged_copy_gets_the_solution_and_keeps_its_comments(monkeypatch):
    monkeypatch.setenv("LAB_SOLUTIONS", "1")
    copy_with()
    assert exercises.check_patient_probe(SLOWEST_MS)["timeoutSeconds"] == 18
    text = (settings.REPO_ROOT / PATIENT_COPY).read_text()
    assert text.startswith("# Lesson 6") and "timeoutSeconds: 18" in text


def test_a_missing_copy_says_how_to_make_it():
    with pytest.raises(LabError, match="cp -n k8s/lesson-06/loaded-redis.yaml work/06-loaded-redis.yaml"):
        exercises.check_patient_probe(SLOWEST_MS)


def test_a_fast_sample_does_not_lower_the_bar_below_the_loads_own_bound():
    """A sample waits anywhere from 0 to one pipeline: a probe is judged against that bound
    (8 s) even when the slowest sample was faster (a sample that came between pipelines)."""
    copy_with("timeoutSeconds: 1", "timeoutSeconds: 10")
    with pytest.raises(CheckFailed) as caught:
        exercises.check_patient_probe(890)
    assert caught.value.mistake == "timeout-below-load" and "8000 ms" in str(caught.value)
