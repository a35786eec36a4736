"""Benchmark the Kubernetes side of the course: the stand-in's own costs, each Kubernetes
lesson's wall time, and lesson 5's experiments, on the real Kubernetes this machine has
(kind, or the stand-in).

    .venv/bin/python benchmarks/engines.py            # prints Markdown tables
    .venv/bin/python benchmarks/engines.py --build    # also a fresh stand-in build (about 6 min)

Not a test: it measures, it does not assert. Needs Docker and a Kubernetes (./course test
sets both up; or sudo scripts/k8s-standin.sh up).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STANDIN = str(ROOT / "scripts" / "k8s-standin.sh")
LESSONS = ["03-dockercoins", "04-liveness-probe", "05-inducing-zombies", "06-probe-pitfalls"]


def timed(argv, env=None) -> float:
    started = time.monotonic()
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=env)
    return time.monotonic() - started


def standin_costs(build: bool) -> dict:
    """Build from scratch into a throwaway cache (with --build), and down -> up to a Ready node."""
    results = {}
    if build:
        with tempfile.TemporaryDirectory(prefix="standin-build-") as cache:
            results["stand-in: fresh build (apt-get source, make, kubectl .deb)"] = timed(
                [STANDIN, "build"], env={**os.environ, "LAB_STANDIN_CACHE": cache}
            )
    subprocess.run([STANDIN, "down"], check=True, capture_output=True)
    results["stand-in: start to a Ready node (up, binaries built)"] = timed([STANDIN, "up"])
    images = ["redis-tini-lab/redis:7.2.4-tini", "redis-tini-lab/dockercoins:1.0"]
    results["stand-in: load both images (docker save | ctr import)"] = timed([STANDIN, "load", *images])
    results["stand-in: load again (already there, skipped)"] = timed([STANDIN, "load", *images])
    return results


def lesson_times(engine: str) -> dict:
    env = {**os.environ, "LAB_TARGET": engine, "LAB_SOLUTIONS": "1"}
    return {
        f"{engine}: nbval {lesson}": timed(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"notebooks/{lesson}.ipynb"], env=env
        )
        for lesson in LESSONS
    }


def experiments_on(engine: str) -> dict:
    """The probe-timeout matrix and the PID exhaustion, in a process of their own."""
    code = """
import json, lab
from lab.course import dockercoins, experiments
target = lab.target()
dockercoins.ensure_running(target)
matrix = experiments.probe_timeout_matrix(target)
exhaustion = experiments.pid_exhaustion(target)
restart_at = next((row["t"] for row in exhaustion.series if row["restarts"]), None)
pids = [row["pids"] for row in exhaustion.series if row["pids"] is not None]
print("RESULT" + json.dumps({"matrix": matrix.seconds, "rows": matrix.rows, "exhaustion": exhaustion.seconds,
      "restart_at": restart_at, "limit": exhaustion.pids_limit, "pids_peak": max(pids, default=None),
      "zombies_peak": max((row["zombies"] or 0) for row in exhaustion.series),
      "failures": exhaustion.probe_failures, "events": exhaustion.failure_events}))
target.delete()
"""
    import json

    output = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "LAB_TARGET": engine},
    ).stdout
    return json.loads(next(line for line in output.splitlines() if line.startswith("RESULT"))[len("RESULT") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time a fresh stand-in build")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from lab.targets.kubernetes.kubernetes_here import ensure_kubernetes

    kubernetes = ensure_kubernetes()

    results = standin_costs(args.build) if kubernetes == "standin" else {}
    results.update(lesson_times(kubernetes))
    print("| measurement | seconds |\n|---|---|")
    for name, seconds in results.items():
        print(f"| {name} | {seconds:.1f} |")

    found = experiments_on(kubernetes)
    print(
        "\n| engine | matrix s | exhaustion s | restart at s | PID limit | PIDs peak | zombies peak | failures counted | Unhealthy events |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {kubernetes} | {found['matrix']} | {found['exhaustion']} | {found['restart_at']} | {found['limit']} | "
        f"{found['pids_peak']} | {found['zombies_peak']} | {found['failures']} | {found['events']} |"
    )
    print("\n| variant | PID 1 | timed out | zombies |\n|---|---|---|---|")
    for row in found["rows"]:
        print(f"| {row['variant']} | {row['pid1']} | {row['timed_out_probes']} | {row['zombies']} |")


if __name__ == "__main__":
    main()
