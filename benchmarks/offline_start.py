"""From a fresh copy of the course to a JupyterLab that answers, with and without a bundle.

    sudo .venv/bin/python benchmarks/offline_start.py [--runs 3]

"offline": the bundle's wheels (tests/integration/test_offline_install.py downloads them
once into ~/.cache/redis-tini-lab/bundle-wheels) and no network at all (a network namespace
of its own). "online": no bundle, pip's configured index. Each run times `./course lab`
from the first byte to JupyterLab's first HTTP answer on 127.0.0.1:8888.
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
ip link set lo up
started=$(date +%s.%N)
setsid ./course lab > lab.log 2>&1 &
lab_pid=$!
code=000
for _ in $(seq 1 1200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8888/lab || true)
  if [ "$code" != "000" ]; then break; fi
  sleep 0.1
done
[ "$code" != "000" ] && echo "seconds=$(echo "$(date +%s.%N) - $started" | bc)"
kill -- -"$lab_pid" 2>/dev/null || true   # this run's JupyterLab only (its own session)
"""


def one_run(offline: bool) -> float:
    with tempfile.TemporaryDirectory() as folder:
        course = copy_of_the_course(Path(folder) / "course")
        env = dict(os.environ)
        if offline:
            shutil.copytree(WHEELS_CACHE, course / "bundle" / "wheels")
            env = without_pip_config()
        argv = (["unshare", "--net", "--", "bash", "-c", TIMED_START] if offline
                else ["bash", "-c", TIMED_START.replace("ip link set lo up", "")])
        result = subprocess.run(argv, cwd=course, env=env, capture_output=True, text=True, timeout=900)
        line = [entry for entry in result.stdout.splitlines() if entry.startswith("seconds=")]
        if not line:
            log = (course / "lab.log").read_text()[-1000:] if (course / "lab.log").exists() else ""
            raise SystemExit(f"JupyterLab never answered:\n{log}{result.stderr[-500:]}")
        return float(line[0].split("=")[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not any(WHEELS_CACHE.glob("pip-*.whl")):
        raise SystemExit("no bundle wheels yet: run tests/integration/test_offline_install.py once")
    for offline in (True, False):
        times = [one_run(offline) for _ in range(args.runs)]
        print(f"{'offline, from the bundle' if offline else 'online, from the index'}: "
              f"median {statistics.median(times):.1f}s, runs {', '.join(f'{t:.1f}' for t in times)}")


if __name__ == "__main__":
    main()
