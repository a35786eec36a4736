"""Lesson 5's exhaustion check passes only on a restart caused by the PIDs running out."""

import pytest

from lab.core.errors import CheckFailed
from lab.course import lesson_checks
from lab.course.experiments import ExhaustionResult


def result(pids, signs=(), restarted=True, limit=12):
    series = [{"t": i, "zombies": min(i, 6), "pids": p, "restarts": 0} for i, p in enumerate(pids)]
    series.append({"t": len(pids), "zombies": 0, "pids": 4, "restarts": 1})
    return ExhaustionResult(series, [], limit, restarted, 30.0, no_pid_signs=list(signs))


def test_fork_failures_in_the_probe_output_with_pids_at_the_limit_pass(capsys):
    lesson_checks.exhaustion_caused_by_pids(result([8, 10, 12, 11], ["21.5s the probe: sh: 1: Cannot fork"]))
    assert "Cannot fork" in capsys.readouterr().out


def test_without_the_probe_output_pids_at_the_limit_just_before_the_restart_pass():
    lesson_checks.exhaustion_caused_by_pids(result([20, 26, 30, 31, 32, 31], limit=32))


@pytest.mark.parametrize(
    "case",
    [
        result([5, 6, 6, 5]),  # a restart, but PIDs never near the limit
        result([8, 10, 12, 5, 5, 5, 5, 5, 5, 5]),  # at the limit long before, not just before
        result([8, 10, 12, 11], ["x: Cannot fork"], restarted=False),
    ],
)
def test_a_restart_not_caused_by_pids_fails(case):
    with pytest.raises(CheckFailed):
        lesson_checks.exhaustion_caused_by_pids(case)
