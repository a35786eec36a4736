"""Test-wide settings.

- The notebooks' exercises are checked with the course's own solutions (solutions/) when
  the learner's answer is still the placeholder, so CI proves every exercise solvable.
- notebooks/ (and every docker test) runs on the docker target; tests/kubernetes/ runs
  lessons 3 to 5 again on the real Kubernetes this machine has (kind, or the CI stand-in).
"""
import os

os.environ.setdefault("LAB_SOLUTIONS", "1")
os.environ.setdefault("LAB_TARGET", "docker")


def pytest_report_header(config):
    from lab.kubernetes_here import NONE_HERE, kubernetes_target_name
    name = kubernetes_target_name()
    return [f"lessons 3-5 run on: docker (notebooks/) and {name or 'no Kubernetes: ' + NONE_HERE} (tests/kubernetes/)"]


def pytest_terminal_summary(terminalreporter):
    """Which engine ran what: lessons 3-5 under nbval and the contract suite, per engine."""
    from lab.kubernetes_here import kubernetes_target_name
    kubernetes = kubernetes_target_name() or "Kubernetes"
    room = os.environ.get("LAB_KUBE_CONTEXT")
    notebooks_on = f"kubernetes context {room} (LAB_KUBE_CONTEXT)" if room else "docker"
    groups = {
        f"lessons 3-5 under nbval on {notebooks_on}": lambda nodeid: nodeid.startswith(("notebooks/03", "notebooks/04",
                                                                               "notebooks/05")),
        f"lessons 3-5 under nbval on {kubernetes}": lambda nodeid: nodeid.startswith("tests/kubernetes/notebooks/"),
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
    if lines:
        terminalreporter.section("engines")
        for line in lines:
            terminalreporter.write_line(line)
