"""Progress: each lesson's passed checks are counted once per check, the first file format
still reads, and what goes into the room's ConfigMap is strings only."""

import json

import pytest

from lab.core import config as session_module
from lab.core.errors import CheckFailed
from lab.course import checks, exercises, progress


@pytest.fixture(autouse=True)
def own_progress_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.delenv("LAB_KUBE_CONTEXT", raising=False)
    monkeypatch.setattr(session_module, "_SESSION", session_module.Session())


def test_checks_count_per_lesson_once_each(capsys):
    checks.expect(True, "outside any lesson", "-")
    progress.lesson("04")
    checks.expect(True, "redis is ready", "-")
    checks.expect(True, "redis is ready", "-")  # a re-run cell passes the same check again
    checks.expect(True, "the probe passed", "-")
    assert progress.checks_passed() == {"04": 2}
    assert "lesson 04: 2 checks passed" in exercises.summary()
    assert capsys.readouterr().out.count("PASS:") == 4
    with pytest.raises(CheckFailed):
        checks.expect(False, "-", "not ready")
    assert progress.checks_passed() == {"04": 2}


def test_the_first_format_a_list_of_exercises_still_reads(tmp_path):
    path = tmp_path / "redis-tini-lab" / "progress-lab.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(["entrypoint"]))
    assert progress.passed_keys() == ["entrypoint"]
    progress.lesson("05")
    progress.record_check("zombies piled up")
    assert json.loads(path.read_text()) == {
        "exercises": ["entrypoint"],
        "checks": {"05": ["zombies piled up"]},
        "predictions": {},
    }


def test_configmap_data_is_strings():
    data = progress.configmap_data({"exercises": ["a", "b"], "checks": {"03": ["x", "y"], "05": ["z"]}})
    assert data["lesson-03"] == "2" and data["lesson-05"] == "1" and data["exercises"] == "a,b"
    assert all(isinstance(value, str) for value in data.values())
