"""Test-wide settings.

- The notebooks' exercises are checked with the course's own solutions (solutions/) when
  the learner's answer is still the placeholder, so CI proves every exercise solvable.
- Every command a notebook prints is checked on the engine that ran it
  (tests/printed_commands/checker.py, installed in each notebook's kernel).
- Lessons 0-2 (notebooks/) run on Docker; lessons 3-6 (notebooks/ too) and lesson 0 again
  (tests/kubernetes/notebooks/) run on the real Kubernetes this machine has: kind, or the CI
  stand-in, which the first of them starts when it is not up yet.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("LAB_SOLUTIONS", "1")
_LAB_TARGET_GIVEN = os.environ.get("LAB_TARGET")
_NESTED = False  # a pytest run inside this one (the room test's participants)

# Every command a notebook prints is checked as it is printed (tests/printed_commands/checker.py);
# tests/printed_commands reads this file at the end of the run.
PRINTED_COMMANDS = Path(__file__).parent / "tests" / "artifacts" / "printed-commands.jsonl"


def pytest_sessionstart(session):
    """A new record per test run; a pytest a test starts inside it (the two participants'
    nbval runs) adds to the same record instead of wiping it."""
    global _NESTED
    if os.environ.get("LAB_PRINTED_COMMANDS_RUN") == str(PRINTED_COMMANDS):
        _NESTED = True
        return  # a nested run of this same checkout: keep adding to the outer run's record
    os.environ["LAB_PRINTED_COMMANDS_RUN"] = str(PRINTED_COMMANDS)
    PRINTED_COMMANDS.parent.mkdir(parents=True, exist_ok=True)
    PRINTED_COMMANDS.write_text("")
    PRINTED_COMMANDS.with_suffix(".txt").write_text("")
    _kernels_install_the_checker()


def _kernels_install_the_checker() -> None:
    """Every kernel this run starts (nbval's, and those of the tests' own runs) reads its
    IPython startup files from IPYTHONDIR: one of them installs the command checker when
    LAB_CHECK_COMMANDS is set (tests/printed_commands/ipython_startup.py)."""
    import shutil
    import tempfile

    ipython_dir = Path(tempfile.mkdtemp(prefix="lab-tests-ipython-"))
    os.environ["LAB_TESTS_IPYTHONDIR"] = str(ipython_dir)  # removed by the session that made it
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    shutil.copy(
        Path(__file__).parent / "tests" / "printed_commands" / "ipython_startup.py", startup / "00-lab-tests.py"
    )
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    os.environ["LAB_REPO_ROOT"] = str(Path(__file__).parent)


KUBERNETES_LESSONS = ("03-", "04-", "05-", "06-")


def needs_kubernetes(item) -> bool:
    """Lessons 3-6, and lesson 0's second run (tests/kubernetes/notebooks/)."""
    path = Path(str(item.fspath))
    return path.suffix == ".ipynb" and (path.name.startswith(KUBERNETES_LESSONS) or "kubernetes" in path.parts)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before nbval starts a notebook's kernel (which inherits this environment): check its
    printed commands (other tests print commands too, but only the notebooks' are the
    course), and point a Kubernetes lesson at the real Kubernetes here."""
    if item.fspath.ext == ".ipynb":
        os.environ["LAB_CHECK_COMMANDS"] = str(PRINTED_COMMANDS)
    else:
        os.environ.pop("LAB_CHECK_COMMANDS", None)
    if needs_kubernetes(item) and not os.environ.get("LAB_KUBE_CONTEXT"):
        from tests.helpers import kubernetes_or_fail

        os.environ["LAB_TARGET"] = kubernetes_or_fail()
    elif _LAB_TARGET_GIVEN is None:
        os.environ.pop("LAB_TARGET", None)
    else:
        os.environ["LAB_TARGET"] = _LAB_TARGET_GIVEN


def pytest_sessionfinish(session):
    """The kernels' IPython folder goes with the session that made it (not a nested run's)."""
    import shutil

    made = os.environ.get("LAB_TESTS_IPYTHONDIR")
    if made and os.environ.get("LAB_PRINTED_COMMANDS_RUN") == str(PRINTED_COMMANDS) and not _NESTED:
        shutil.rmtree(made, ignore_errors=True)


def pytest_report_header(config):
    from lab.targets.kubernetes.kubernetes_here import NONE_HERE, kubernetes_target_name

    name = kubernetes_target_name()
    return [f"lessons 0-2 run on Docker; lessons 0 and 3-6 on {name or 'no Kubernetes yet: ' + NONE_HERE}"]


def _lesson(nodeid: str) -> str:
    return nodeid.split(".ipynb::")[0].rsplit("/", 1)[-1] if ".ipynb::" in nodeid else ""


def _engine(nodeid: str, kubernetes: str) -> str:
    """Where a notebook's cells ran: lessons 3-6 and tests/kubernetes/ on Kubernetes (or the
    room's context), the rest on Docker."""
    if os.environ.get("LAB_KUBE_CONTEXT"):
        return f"kubernetes context {os.environ['LAB_KUBE_CONTEXT']} (LAB_KUBE_CONTEXT)"
    on_kubernetes = nodeid.startswith("tests/kubernetes/") or _lesson(nodeid).startswith(KUBERNETES_LESSONS)
    return kubernetes if on_kubernetes else "docker"


def pytest_terminal_summary(terminalreporter):
    """Which engine ran what: each lesson under nbval, and the contract suite."""
    from lab.targets.kubernetes.kubernetes_here import kubernetes_target_name

    kubernetes = kubernetes_target_name() or "Kubernetes"
    counts = {}
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if getattr(report, "when", "call") != "call":
                continue
            if _lesson(nodeid):
                group = f"lesson {_lesson(nodeid)[:2]} under nbval on {_engine(nodeid, kubernetes)}"
            elif nodeid.startswith("tests/contract/"):
                group = f"the target contract on {kubernetes}"
            else:
                continue
            counts.setdefault(group, {}).setdefault(outcome, 0)
            counts[group][outcome] += 1
    lines = [
        f"{group}: " + ", ".join(f"{n} {outcome}" for outcome, n in by_outcome.items())
        for group, by_outcome in sorted(counts.items())
    ]
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
                engine, lesson = _engine(nodeid, kubernetes), _lesson(nodeid)
                seconds[(lesson, engine)] = seconds.get((lesson, engine), 0) + report.duration
    return [f"cell time, {lesson} on {engine}: {total:.0f} s" for (lesson, engine), total in sorted(seconds.items())]
