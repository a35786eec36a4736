"""The one formula both probe exercises use: from a stall to the kubelet's restart."""

import pytest

from lab.course.probe_timing import seconds_to_restart_a_stall


@pytest.mark.parametrize(
    "period, timeout, threshold, seconds",
    [
        (5, 1, 3, 16),  # lesson 4's solution: runs every 5 s, the third fails 1 s after it starts
        (2, 1, 3, 7),  # lesson 6's strict probe
        (2, 18, 3, 56),  # lesson 6's patient solution: each failing run waits out its 18 s
        (2, 20, 3, 62),  # one that looks patient, and misses the minute
        (10, 10, 3, 40),  # timeout equal to the period: no difference
    ],
)
def test_failing_runs_start_a_period_apart_or_a_timeout_apart_whichever_is_longer(period, timeout, threshold, seconds):
    assert seconds_to_restart_a_stall(period, timeout, threshold) == seconds
