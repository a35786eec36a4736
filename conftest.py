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
