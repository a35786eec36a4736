"""Lesson 5's shell-probe exercise: the shell and redis-server as PID 1 stay, and the
measurement decides. The check names what the text shows (no shell, no ping, not a list)
and, with a measurement, a probe that never failed or still leaked."""

import pytest

from lab.core.errors import CheckFailed
from lab.course import exercises
from lab.course.exercises import SHELL_PROBE, SOLUTIONS_DIR


@pytest.fixture(autouse=True)
def own_progress_and_hints(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.delenv("LAB_SOLUTIONS", raising=False)
    exercises.reset_hints()


class Measured:
    """Stands for experiments.measure_probe: records the command, returns fixed counts."""

    def __init__(self, failed: int = 3, zombies: int = 0):
        self.result = {
            "timed_out_probes": failed,
            "zombies": zombies,
            "zombie_commands": "redis-cli" if zombies else "-",
        }
        self.commands = []

    def __call__(self, command):
        self.commands.append(command)
        return dict(self.result)


def failure(answer, **options) -> CheckFailed:
    with pytest.raises(CheckFailed) as caught:
        exercises.check_shell_probe(answer, **options)
    return caught.value


SHELL_PROBE_WRONG = [
    ("command: [sh, -c, redis-cli ping", "invalid-yaml", None),
    ("probe: [sh, -c, exec redis-cli ping]", "not-one-key", None),
    ("command: sh -c 'exec redis-cli ping'", "not-a-list", None),
    ("command: [redis-cli, ping]", "shell-removed", None),
    ("command: [sh, exec redis-cli ping]", "shell-removed", None),
    ("command: [sh, -c, echo PONG]", "no-ping", None),
    ("command: [sh, -c, redis-cli ping || true]", "nothing-failed", Measured(failed=0)),
    ("command: [sh, -c, redis-cli ping]", "zombies-measured", Measured(failed=2, zombies=2)),
]
SHELL_PROBE_TESTED = {m for _, m, _ in SHELL_PROBE_WRONG}


@pytest.mark.parametrize("answer, expected, measure", SHELL_PROBE_WRONG)
def test_each_wrong_answer_is_named(answer, expected, measure):
    options = {"measure": measure} if measure else {}
    assert failure(answer, **options).mistake == expected


@pytest.mark.parametrize(
    "script, why",
    [("exec redis-cli ping", "exec replaces the shell"), ("timeout 0.5 redis-cli ping", "before timeoutSeconds")],
)
def test_a_measured_zero_passes_and_says_why(script, why, capsys):
    measure = Measured()
    assert exercises.check_shell_probe(f"command: [sh, -c, {script}]", measure=measure) == ["sh", "-c", script]
    assert measure.commands == [["sh", "-c", script]] and why in capsys.readouterr().out


def test_bash_which_execs_a_lone_command_is_explained(capsys):
    exercises.check_shell_probe("command: [bash, -c, redis-cli ping]", measure=Measured())
    assert "bash execs a lone simple command" in capsys.readouterr().out


def test_the_solution_passes_under_solutions(monkeypatch):
    monkeypatch.setenv("LAB_SOLUTIONS", "1")
    assert exercises.check_shell_probe("# your answer here", measure=Measured())[2].startswith("exec ")
    assert (SOLUTIONS_DIR / SHELL_PROBE.key).is_file()
