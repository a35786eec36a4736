"""Test-wide settings.

- The notebooks' exercises are checked with the course's own solutions (solutions/) when
  the learner's answer is still the placeholder, so CI proves every exercise solvable.
- Every command a notebook prints is checked on the engine that ran it (lab/core/command_check.py).
- notebooks/ (and every docker test) runs on the docker target; tests/kubernetes/ runs
  lessons 3 to 5 again on the real Kubernetes this machine has (kind, or the CI stand-in).
"""
import os
from pathlib import Path

import pytest

os.environ.setdefault("LAB_SOLUTIONS", "1")
os.environ.setdefault("LAB_TARGET", "docker")

# Every command a notebook prints is checked as it is printed (lab/core/command_check.py);
# tests/printed_commands reads this file at the end of the run.
PRINTED_COMMANDS = Path(__file__).parent / "tests" / "artifacts" / "printed-commands.jsonl"


def pytest_sessionstart(session):
    """A new record per test run; a pytest a test starts inside it (the two participants'
    nbval runs) adds to the same record instead of wiping it."""
    if os.environ.get("LAB_PRINTED_COMMANDS_RUN") == str(PRINTED_COMMANDS):
        return  # a nested run of this same checkout: keep adding to the outer run's record
    os.environ["LAB_PRINTED_COMMANDS_RUN"] = str(PRINTED_COMMANDS)
    PRINTED_COMMANDS.parent.mkdir(parents=True, exist_ok=True)
    PRINTED_COMMANDS.write_text("")
    PRINTED_COMMANDS.with_suffix(".txt").write_text("")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before nbval starts a notebook's kernel (which inherits this environment): check its
    printed commands. Other tests print commands too, but only the notebooks' are the course."""
    if item.fspath.ext == ".ipynb":
        os.environ["LAB_CHECK_COMMANDS"] = str(PRINTED_COMMANDS)
    else:
        os.environ.pop("LAB_CHECK_COMMANDS", None)


def pytest_report_header(config):
    from lab.targets.kubernetes.kubernetes_here import NONE_HERE, kubernetes_target_name
    name = kubernetes_target_name()
    return [f"lessons 0 and 3-5 run on: docker (notebooks/) and {name or 'no Kubernetes: ' + NONE_HERE} (tests/kubernetes/)"]


def pytest_terminal_summary(terminalreporter):
    """Which engine ran what: lessons 0 and 3-5 under nbval and the contract suite, per engine."""
    from lab.targets.kubernetes.kubernetes_here import kubernetes_target_name
    kubernetes = kubernetes_target_name() or "Kubernetes"
    room = os.environ.get("LAB_KUBE_CONTEXT")
    notebooks_on = f"kubernetes context {room} (LAB_KUBE_CONTEXT)" if room else "docker"
    groups = {
        f"lessons 0 and 3-5 under nbval on {notebooks_on}": lambda nodeid: nodeid.startswith(
            ("notebooks/00", "notebooks/03", "notebooks/04", "notebooks/05")),
        f"lessons 0 and 3-5 under nbval on {kubernetes}": lambda nodeid: nodeid.startswith("tests/kubernetes/notebooks/"),
        "the target contract on docker": lambda nodeid: nodeid.startswith("tests/contract/") and "[docker]" in nodeid,
        f"the target contract on {kubernetes}": lambda nodeid: nodeid.startswith("tests/contract/")
        and "[kubernetes]" in nodeid,
    }
    lines = []
    for title, belongs in groups.items():
        counts = {outcome: sum(belongs(report.nodeid) for report in terminalreporter.stats.get(outcome, [])
                               if getattr(report, "when", "call") == "call")
                  for outcome in ("passed", "failed", "error")}
        if any(counts.values()):
            lines.append(f"{title}: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n))
    lines += _lesson_times(terminalreporter, kubernetes)
    if lines:
        terminalreporter.section("engines")
        for line in lines:
            terminalreporter.write_line(line)


def _lesson_times(terminalreporter, kubernetes: str) -> list:
    """How long a learner waits on each lesson's cells (kernel start included), per engine:
    the sum of nbval's per-cell durations."""
    seconds = {}
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if ".ipynb::" in nodeid and nodeid.startswith(("notebooks/", "tests/kubernetes/notebooks/")):
                engine = kubernetes if nodeid.startswith("tests/") else "docker"
                lesson = nodeid.split(".ipynb::")[0].rsplit("/", 1)[-1]
                seconds[(lesson, engine)] = seconds.get((lesson, engine), 0) + report.duration
    return [f"cell time, {lesson} on {engine}: {total:.0f} s" for (lesson, engine), total in sorted(seconds.items())]
