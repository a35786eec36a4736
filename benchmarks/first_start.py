"""From a fresh copy of the course to a JupyterLab that answers: `./course lab`, timed.

    sudo .venv/bin/python benchmarks/first_start.py [--runs 2] [--only uv]

Each run copies the course as a fresh clone has it and times `./course lab` from the first
byte to JupyterLab's first HTTP answer on 127.0.0.1:8888. The ways to install:
- "uv, cold": uv and every package downloaded (empty caches: a new XDG_CACHE_HOME);
- "uv, warm": the same, once those caches are full (a second clone on the same machine);
- "pip, cold" and "pip, warm": LAB_INSTALLER=pip, pip's own cache empty, then full;
- "bundle, offline": the bundle's wheels (tests/integration/test_offline_install.py downloads
  them once into ~/.cache/redis-tini-lab/bundle-wheels), no network at all (a network
  namespace of its own: root only).
The issue's goal: at most 20 s warm and 45 s cold.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.integration.test_offline_install import (  # noqa: E402
    WHEELS_CACHE,
    copy_of_the_course,
    without_pip_config,
)

# Start the course, then poll until JupyterLab answers; print the seconds it took.
TIMED_START = r"""
ip link set lo up 2>/dev/null || true
started=$(date +%s.%N)
setsid ./course lab > lab.log 2>&1 &
lab_pid=$!
code=000
for _ in $(seq 1 1800); do
  code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8888/lab || true)
  if [ "$code" != "000" ]; then break; fi
  sleep 0.1
done
[ "$code" != "000" ] && echo "seconds=$(echo "$(date +%s.%N) - $started" | bc)"
kill -- -"$lab_pid" 2>/dev/null || true   # this run's JupyterLab only (its own session)
sleep 1
"""


def one_run(env: dict[str, str], *, bundle: bool = False) -> float:
    with tempfile.TemporaryDirectory() as folder:
        course = copy_of_the_course(Path(folder) / "course")
        if bundle:
            shutil.copytree(WHEELS_CACHE, course / "bundle" / "wheels")
        argv = ["unshare", "--net", "--", "bash", "-c", TIMED_START] if bundle else ["bash", "-c", TIMED_START]
        result = subprocess.run(argv, cwd=course, env=env, capture_output=True, text=True, timeout=900)
        line = [entry for entry in result.stdout.splitlines() if entry.startswith("seconds=")]
        if not line:
            log = (course / "lab.log").read_text()[-1000:] if (course / "lab.log").exists() else ""
            raise SystemExit(f"JupyterLab never answered:\n{log}{result.stderr[-500:]}")
        return float(line[0].split("=")[1])


def cold_then_warm(installer: str, runs: int) -> dict[str, list[float]]:
    """Per run: a new, empty cache folder (cold), then a second clone using it (warm)."""
    times: dict[str, list[float]] = {f"{installer}, cold": [], f"{installer}, warm": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as caches:
            env = {
                **os.environ,
                "XDG_CACHE_HOME": caches,
                "PIP_CACHE_DIR": f"{caches}/pip",
                "UV_CACHE_DIR": f"{caches}/uv",
                "LAB_INSTALLER": installer,
            }
            times[f"{installer}, cold"].append(one_run(env))
            times[f"{installer}, warm"].append(one_run(env))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--only", choices=["uv", "pip", "bundle"], action="append")
    args = parser.parse_args()
    chosen = args.only or ["uv", "pip", "bundle"]
    times: dict[str, list[float]] = {}
    for installer in ("uv", "pip"):
        if installer in chosen:
            times.update(cold_then_warm(installer, args.runs))
    if "bundle" in chosen:
        if not any(WHEELS_CACHE.glob("pip-*.whl")):
            raise SystemExit("no bundle wheels yet: run tests/integration/test_offline_install.py once")
        times["bundle, offline"] = [one_run(without_pip_config(), bundle=True) for _ in range(args.runs)]
    print("| install | median (s) | runs (s) |\n|---|---|---|")
    for name, seconds in times.items():
        print(f"| {name} | {statistics.median(seconds):.1f} | {', '.join(f'{s:.1f}' for s in seconds)} |")


if __name__ == "__main__":
    main()
